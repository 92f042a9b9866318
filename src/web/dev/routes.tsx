import type { FastifyInstance } from "fastify";
import { pageContext, sendPage } from "../http.ts";
import { demoPhotoCode, demoStamp } from "../../services/demo.ts";
import { LocalStampService } from "../../services/stamps.ts";
import { DevMailboxPage, DevMailPage, DevSmsPage, DevToolsPage } from "./views.tsx";
import type { WebDeps } from "../deps.ts";

/** Development only (never registered in production): the mails and SMS of the outbox, readable in the browser. */
export async function devRoutes(app: FastifyInstance, deps: WebDeps) {
  app.get("/dev/mails", async (request, reply) => {
    const messages = await deps.messages.list("mail", 100);
    return sendPage(reply, <DevMailboxPage ctx={pageContext(request, reply, true)} messages={messages} />);
  });
  app.get("/dev/sms", async (request, reply) => {
    const messages = await deps.messages.list("sms", 100);
    return sendPage(reply, <DevSmsPage ctx={pageContext(request, reply, true)} messages={messages} />);
  });
  app.get("/dev/outils", async (request, reply) => sendPage(reply, <DevToolsPage ctx={pageContext(request, reply, true)} />));
  app.post("/dev/outils/code-photo", async (request, reply) => {
    const code = await demoPhotoCode(deps.database.db, deps.photoCodes);
    return sendPage(reply, <DevToolsPage ctx={pageContext(request, reply, true)} made={{ label: "Code photo signature numérique (valable 6 mois)", value: code }} />);
  });
  app.post("/dev/outils/timbre", async (request, reply) => {
    if (!(deps.stamps instanceof LocalStampService)) return reply.callNotFound();
    const number = await demoStamp(deps.stamps, deps.clock.now());
    return sendPage(reply, <DevToolsPage ctx={pageContext(request, reply, true)} made={{ label: "Timbre fiscal électronique de 25 €", value: number }} />);
  });
  app.get("/dev/mails/:id", async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const message = Number.isSafeInteger(id) ? await deps.messages.find(id) : undefined;
    if (!message || message.channel !== "mail") return reply.callNotFound();
    return sendPage(reply, <DevMailPage ctx={pageContext(request, reply, true)} message={message} />);
  });
}
