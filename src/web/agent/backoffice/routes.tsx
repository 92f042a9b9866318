import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { RawInput } from "../../../domain/forms.ts";
import { BACKOFFICE_MESSAGES, isAgentAction, type AgentAction } from "../../../services/backoffice.ts";
import type { Preview } from "../../../services/previews.ts";
import type { WebDeps } from "../../deps.ts";
import { formInput, sendPage } from "../../http.ts";
import { uuidParams } from "../../security/ids.ts";
import { requireAgent, takeFlash, updateSession } from "../session.ts";
import { QueuesPage } from "./queues.tsx";
import { RequestFilePage, type RequestPageProps } from "./request.tsx";

/**
 * The back-office (issue 9 §3-4), under /agent (the agents' area of src/web/agent/index.ts: its
 * session, CSRF and error pages). Thin: the BackofficeService scopes every query to the agent's
 * services, so a request of another service is a 404 on every route (list, search, page,
 * previews, download, actions).
 */
export async function backofficeRoutes(app: FastifyInstance, deps: WebDeps) {
  const { backoffice } = deps;
  app.addHook("onRequest", uuidParams("id", "doc"));

  const guard = { preHandler: requireAgent() };
  const params = (request: FastifyRequest) => request.params as { id: string; doc?: string; page?: string; action?: string };
  const notFound = (reply: FastifyReply) => reply.callNotFound();

  async function flashAndBack(request: FastifyRequest, reply: FastifyReply, id: string, message: string) {
    await updateSession(request, reply, (data) => {
      data.flash = message;
    });
    return reply.redirect(`/agent/dossiers/${id}`, 303);
  }

  /** The request's page again, with an alert or a refused form; 404 if the agent may not see it. */
  async function renderFile(request: FastifyRequest, reply: FastifyReply, id: string, extra: Pick<RequestPageProps, "alert" | "failed">, status: number) {
    const file = await backoffice.open(request.agent, id);
    if (!file) return notFound(reply);
    return sendPage(reply, <RequestFilePage agent={request.agent} csrfToken={reply.generateCsrf()} file={file} {...extra} />, status);
  }

  /** An image made by the service: sandboxed, never sniffed, never cached. */
  function sendPreview(reply: FastifyReply, preview: Preview | undefined) {
    if (!preview) return notFound(reply);
    const policy = reply.getHeader("content-security-policy");
    return reply
      .type(preview.type)
      .header("content-disposition", 'inline; filename="apercu.jpg"')
      .header("content-security-policy", typeof policy === "string" && policy ? `${policy}; sandbox` : "default-src 'none'; sandbox")
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "private, no-store")
      .send(preview.bytes);
  }

  app.get("/", guard, async (_request, reply) => reply.redirect("/agent/dossiers", 303));

  app.get("/dossiers", guard, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const list = await backoffice.list(request.agent, query);
    const status = Object.keys(list.errors).length > 0 ? 400 : 200;
    return sendPage(reply, <QueuesPage agent={request.agent} csrfToken={reply.generateCsrf()} list={list} flash={takeFlash(request)} />, status);
  });

  app.get("/dossiers/:id", guard, async (request, reply) => {
    const file = await backoffice.open(request.agent, params(request).id);
    if (!file) return notFound(reply);
    return sendPage(reply, <RequestFilePage agent={request.agent} csrfToken={reply.generateCsrf()} file={file} flash={takeFlash(request)} />);
  });

  app.get("/dossiers/:id/photo", guard, async (request, reply) => sendPreview(reply, await backoffice.imagePreview(request.agent, params(request).id, "photo")));
  app.get("/dossiers/:id/signature", guard, async (request, reply) => sendPreview(reply, await backoffice.imagePreview(request.agent, params(request).id, "signature")));

  app.get("/dossiers/:id/pieces/:doc/apercu/:page", guard, async (request, reply) => {
    const { id, doc, page } = params(request);
    if (!page || !/^[1-9]\d?$/.test(page)) return notFound(reply);
    return sendPreview(reply, await backoffice.piecePreview(request.agent, id, doc!, Number(page)));
  });

  // The original file, to download only (never shown inline in the agent's browser).
  app.get("/dossiers/:id/pieces/:doc/fichier", guard, async (request, reply) => {
    const { id, doc } = params(request);
    const opened = await backoffice.pieceFile(request.agent, id, doc!);
    if (!opened) return notFound(reply);
    const policy = reply.getHeader("content-security-policy");
    return reply
      .type("application/octet-stream")
      .header("content-disposition", `attachment; filename="${opened.document.fileName.replace(/[^\w.() -]/g, "_")}"`)
      .header("content-security-policy", typeof policy === "string" && policy ? `${policy}; sandbox` : "default-src 'none'; sandbox")
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "private, no-store")
      .send(opened.content);
  });

  /* ---- taking, releasing, reassigning ---- */

  app.post("/dossiers/:id/prendre", guard, async (request, reply) => {
    const { id } = params(request);
    const outcome = await backoffice.take(request.agent, id);
    switch (outcome.kind) {
      case "not_found":
        return notFound(reply);
      case "taken":
        return flashAndBack(request, reply, id, BACKOFFICE_MESSAGES.taken);
      case "already":
        return renderFile(request, reply, id, { alert: BACKOFFICE_MESSAGES.takenBy(outcome.by) }, 409);
      case "refused":
        return renderFile(request, reply, id, { alert: BACKOFFICE_MESSAGES.refused }, 403);
    }
  });

  app.post("/dossiers/:id/liberer", guard, async (request, reply) => {
    const { id } = params(request);
    const outcome = await backoffice.release(request.agent, id);
    if (outcome.kind === "not_found") return notFound(reply);
    if (outcome.kind === "ok") return flashAndBack(request, reply, id, outcome.message);
    return renderFile(request, reply, id, { alert: BACKOFFICE_MESSAGES.refused }, 403);
  });

  app.post("/dossiers/:id/reattribuer", guard, async (request, reply) => {
    const { id } = params(request);
    const input: RawInput = formInput(request);
    const outcome = await backoffice.reassign(request.agent, id, input);
    switch (outcome.kind) {
      case "not_found":
        return notFound(reply);
      case "ok":
        return flashAndBack(request, reply, id, outcome.message);
      case "invalid":
        return renderFile(request, reply, id, { failed: { action: "reattribuer", values: input, errors: outcome.errors } }, 400);
      case "refused":
        return renderFile(request, reply, id, { alert: BACKOFFICE_MESSAGES.refused }, 403);
    }
  });

  /* ---- actions: one transaction each through transition(), with the version shown ---- */

  app.post("/dossiers/:id/actions/:action", guard, async (request, reply) => {
    const { id, action } = params(request);
    if (!action || !isAgentAction(action)) return notFound(reply);
    const input: RawInput = formInput(request);
    const outcome = await backoffice.act(request.agent, id, action, input);
    switch (outcome.kind) {
      case "not_found":
        return notFound(reply);
      case "done":
        return flashAndBack(request, reply, id, outcome.message);
      case "invalid":
        return renderFile(request, reply, id, { failed: { action: action as AgentAction, values: input, errors: outcome.errors } }, 400);
      case "stale":
        return renderFile(request, reply, id, { alert: BACKOFFICE_MESSAGES.stale }, 409);
      case "refused":
        return renderFile(request, reply, id, { alert: BACKOFFICE_MESSAGES.refused }, 403);
    }
  });
}
