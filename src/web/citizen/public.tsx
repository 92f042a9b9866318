import type { FastifyInstance, FastifyReply } from "fastify";
import { checkDatabase } from "../../services/health.ts";
import type { MediaResult } from "../../services/captcha.ts";
import { pageContext, sendPage } from "../http.ts";
import { HomePage, LEGAL_PAGES, LegalPage } from "./views/public.tsx";
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
  const token = (params: unknown) => (params as { token: string }).token;
  const media = (reply: FastifyReply, result: MediaResult, type: string) => {
    reply.header("cache-control", "no-store");
    if (result.kind === "ok") return reply.type(type).send(result.body);
    const [status, message] =
      result.kind === "exhausted"
        ? [410, "Ce code a été affiché trop de fois : demandez un nouveau code (bouton « Afficher un autre code »)."]
        : [404, "Code inconnu ou expiré : rechargez la page."];
    return reply.code(status).type("text/plain; charset=utf-8").send(message);
  };

  // A challenge's image and audio, made afresh at each fetch, a few fetches each (services/captcha.ts).
  app.get("/captcha/:token/image.png", async (request, reply) => media(reply, await deps.captcha.image(token(request.params)), "image/png"));
  app.get("/captcha/:token/audio.wav", async (request, reply) => media(reply, await deps.captcha.audio(token(request.params)), "audio/wav"));

  // The proof of work of the widget (JavaScript): a signed challenge, nothing stored.
  app.get("/captcha/altcha", async (_request, reply) => reply.header("cache-control", "no-store").send(await deps.captcha.altchaChallenge()));

  app.get("/sante", async (_request, reply) => {
    await checkDatabase(deps.database.db);
    return reply.header("cache-control", "no-store").send({ status: "ok" });
  });
}
