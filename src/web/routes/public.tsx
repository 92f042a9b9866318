import type { FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import { pageContext, sendPage } from "../http.ts";
import { HomePage, LEGAL_PAGES, LegalPage } from "../views/pages/public.tsx";
import type { WebDeps } from "../deps.ts";

/** The landing page and the legal pages. */
export async function publicPages(app: FastifyInstance, deps: WebDeps) {
  app.get("/", async (request, reply) => sendPage(reply, <HomePage ctx={pageContext(request, reply, deps.devTools)} />));
  for (const page of Object.keys(LEGAL_PAGES)) {
    app.get(`/${page}`, async (request, reply) => sendPage(reply, <LegalPage ctx={pageContext(request, reply, deps.devTools)} page={page} />));
  }
}

/** Routes that need no session: captcha media and the health check of the load balancer. */
export async function sessionlessRoutes(app: FastifyInstance, deps: WebDeps) {
  const id = (params: unknown) => (params as { id: string }).id;

  app.get("/captcha/:id/image.svg", async (request, reply) => {
    const svg = await deps.captcha.image(id(request.params));
    if (!svg) return reply.code(404).type("text/plain; charset=utf-8").send("Code expiré : rechargez la page.");
    return reply.type("image/svg+xml").header("cache-control", "no-store").send(svg);
  });

  app.get("/captcha/:id/audio.wav", async (request, reply) => {
    const wav = await deps.captcha.audio(id(request.params));
    if (!wav) return reply.code(404).type("text/plain; charset=utf-8").send("Code expiré : rechargez la page.");
    return reply.type("audio/wav").header("cache-control", "no-store").send(wav);
  });

  app.get("/sante", async (_request, reply) => {
    await deps.database.db.execute(sql`select 1`);
    return reply.header("cache-control", "no-store").send({ status: "ok" });
  });
}
