import type { FastifyInstance } from "fastify";
import multipart from "@fastify/multipart";
import { waitInFrench } from "../../domain/throttle.ts";
import { searchPhotographers } from "../../services/photographers.ts";
import type { WebDeps } from "../deps.ts";
import { pageContext, sendPage } from "../http.ts";
import { PhotographersPage } from "./views/photographers.tsx";

/** The public list of approved photographers and booths, searchable by commune or postcode: those of the commune first, then of its département. */
export async function photographerPages(app: FastifyInstance, deps: WebDeps) {
  app.get("/photographes", async (request, reply) => {
    const query = String((request.query as { q?: unknown }).q ?? "").trim().slice(0, 60);
    const search = await searchPhotographers(deps.database.db, deps.places, query);
    return sendPage(reply, <PhotographersPage ctx={pageContext(request, reply, deps.devTools)} query={query} search={search} />);
  });
}

/**
 * The deposit API of approved photographers and booths: `POST /api/photographes/depots` with
 * `Authorization: Bearer <key>` and a multipart body holding `photo` and `signature` (JPEG or
 * PNG, 2 Mo each). Answers 201 with the 22-digit code and its expiry date. No cookie, no CSRF.
 */
export async function photographerApi(app: FastifyInstance, deps: WebDeps) {
  await app.register(multipart, { limits: { fileSize: 2 * 1024 * 1024, files: 2, fields: 0, parts: 2 }, throwFileSizeLimit: true });
  app.post("/api/photographes/depots", async (request, reply) => {
    // Every try counts against the address before the key is looked at (a right key gives it back):
    // wrong keys from one address are slowed down with growing delays.
    const byAddress = ["photographerKeyIp", request.ip] as const;
    const admission = await deps.throttle.take([byAddress]);
    if (!admission.allowed) {
      return reply
        .code(429)
        .header("retry-after", String(admission.waitSeconds))
        .send({ error: `trop de tentatives avec une clé d'API invalide : réessayez dans ${waitInFrench(admission.waitSeconds)}` });
    }
    const auth = request.headers.authorization ?? "";
    const provider = await deps.photoCodes.authenticate(auth.startsWith("Bearer ") ? auth.slice(7).trim() : undefined);
    if (!provider) return reply.code(401).header("www-authenticate", 'Bearer realm="photographes"').send({ error: "clé d'API absente ou invalide" });
    await deps.throttle.refund(admission, byAddress);
    if (!request.isMultipart()) return reply.code(415).send({ error: "multipart/form-data attendu (champs photo et signature)" });
    const images: Record<string, Buffer> = {};
    try {
      for await (const part of request.files()) images[part.fieldname] = await part.toBuffer();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "FST_REQ_FILE_TOO_LARGE") return reply.code(413).send({ error: "image de plus de 2 Mo" });
      if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT") return reply.code(400).send({ error: "deux images attendues : photo et signature" });
      throw error;
    }
    if (!images.photo || !images.signature) return reply.code(400).send({ error: "deux images attendues : photo et signature" });
    const result = await deps.photoCodes.deposit(provider, images.photo, images.signature);
    if (!result.ok) return reply.code(result.status).send({ error: result.error });
    request.log.info({ provider: provider.id }, "photo deposited");
    return reply.code(201).send({ code: result.code, expiresAt: result.expiresAt.toISOString() });
  });
}
