import type { FastifyInstance } from "fastify";
import { findMessage, listMessages } from "../../db/repositories/outbox.ts";
import { pageContext, sendPage } from "../http.ts";
import { DevMailboxPage, DevMailPage } from "../views/pages/dev.tsx";
import type { WebDeps } from "../deps.ts";

/** Development only (never registered in production): the mails of the outbox, readable in the browser. */
export async function devRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/dev/mails", async (request, reply) => {
    const messages = await listMessages(deps.database.db, 100);
    return sendPage(reply, <DevMailboxPage ctx={pageContext(request, reply, true)} messages={messages} />);
  });
  app.get("/dev/mails/:id", async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const message = Number.isSafeInteger(id) ? await findMessage(deps.database.db, id) : undefined;
    if (!message) return reply.callNotFound();
    return sendPage(reply, <DevMailPage ctx={pageContext(request, reply, true)} message={message} />);
  });
}
