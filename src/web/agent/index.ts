import { hkdfSync } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../deps.ts";
import { sendPage, servedOverHttps } from "../http.ts";
import { CONTROL_CHARACTERS_CODE, guardResponseHeaders, refuseControlCharacters } from "../security/guards.ts";
import { safeError } from "../security/logging.ts";
import { adminRoutes } from "./admin.tsx";
import { agentAuthRoutes } from "./auth.tsx";
import { backofficeRoutes } from "./backoffice/routes.tsx";
import { agentSessions, ROLE_REFUSED_CODE } from "./session.ts";
import { AgentErrorPage } from "./views/layout.tsx";

export { requireAgent } from "./session.ts";

/** The CSRF secret's cookie of the agents' area (its own path: never sent to the citizens' pages). */
export const AGENT_CSRF_COOKIE = "agent_csrf";

const ERRORS: Record<number, { title: string; message: string }> = {
  400: { title: "Requête invalide", message: "La demande envoyée n'a pas pu être comprise. Revenez à la page précédente et recommencez." },
  403: {
    title: "Formulaire expiré",
    message: "Pour votre sécurité, ce formulaire n'est plus valable (session expirée ou jeton de sécurité absent). Rechargez la page et recommencez.",
  },
  404: { title: "Page non trouvée", message: "La page que vous cherchez est introuvable dans l'espace agents." },
  413: { title: "Envoi trop volumineux", message: "Les données envoyées dépassent la taille autorisée." },
  415: { title: "Format non accepté", message: "Les données envoyées ne sont pas dans un format accepté par ce formulaire." },
  500: { title: "Erreur inattendue", message: "Une erreur est survenue de notre côté. Réessayez dans quelques instants." },
};

const ROLE_REFUSED = {
  title: "Accès refusé",
  message: "Votre rôle ne vous permet pas d'accéder à cette page. Si vous pensez que c'est une erreur, adressez-vous à un administrateur.",
};

const CONTROL_CHARACTERS = {
  title: "Caractères non autorisés",
  message: "Un champ du formulaire ou de l'adresse contient un caractère de contrôle. Revenez à la page précédente, corrigez la saisie et recommencez.",
};

function statusOf(error: FastifyError): number {
  if (error.code?.startsWith("FST_CSRF")) return 403;
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return error.statusCode;
  return 500;
}

function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, text = ERRORS[status] ?? ERRORS[400]!) {
  reply.removeHeader("location");
  reply.removeHeader("content-disposition");
  const agent = (request as { agent?: FastifyRequest["agent"] }).agent ?? undefined;
  return sendPage(reply, AgentErrorPage({ agent, status, title: text.title, message: text.message }), status);
}

/**
 * The agents' area (issue 9 §2): an encapsulated context under /agent with its own session
 * cookie (table agent_session), CSRF token (its own cookie), form parsing, error pages and
 * guards. The citizens' session is never read here. Registers the sign-in routes, the
 * administration pages and the back-office (src/web/agent/backoffice/routes.tsx).
 */
export async function registerAgentArea(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const secure = servedOverHttps(deps.config.publicUrl);
  await app.register(
    async (area) => {
      await area.register(fastifyCookie, {
        secret: Buffer.from(hkdfSync("sha256", deps.config.sessionSecret, "", "permis-en-ligne agent cookies", 32)).toString("base64"),
      });
      agentSessions(area, { agents: deps.agents, secure });
      // Forms only: no JSON nor plain-text bodies (415).
      area.removeContentTypeParser(["application/json", "text/plain"]);
      await area.register(formbody, { bodyLimit: 64 * 1024 });
      await area.register(csrf, {
        sessionPlugin: "@fastify/cookie",
        cookieKey: AGENT_CSRF_COOKIE,
        cookieOpts: { path: "/agent", httpOnly: true, sameSite: "strict", secure, signed: true },
        getToken: (request) => {
          const body = request.body as { _csrf?: unknown } | undefined;
          return typeof body?._csrf === "string" ? body._csrf : undefined;
        },
      });
      area.addHook("preHandler", (request, reply, done) => {
        if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return done();
        area.csrfProtection(request, reply, done);
      });
      guardResponseHeaders(area);
      refuseControlCharacters(area, new Set(["retour"]));
      // Nothing of the agents' area is cached or indexed.
      area.addHook("onSend", async (_request, reply, payload) => {
        reply.header("cache-control", "no-store");
        reply.header("x-robots-tag", "noindex, nofollow");
        return payload;
      });

      area.setNotFoundHandler((request, reply) => errorPage(request, reply, 404));
      area.setErrorHandler((error: FastifyError, request, reply) => {
        const status = statusOf(error);
        if (status >= 500) request.log.error({ failure: safeError(error), method: request.method, route: request.routeOptions.url ?? "(none)" }, "request failed");
        if (error.code === ROLE_REFUSED_CODE) return errorPage(request, reply, 403, ROLE_REFUSED);
        if (error.code === CONTROL_CHARACTERS_CODE) return errorPage(request, reply, 400, CONTROL_CHARACTERS);
        return errorPage(request, reply, status);
      });

      await area.register(agentAuthRoutes, deps);
      await area.register(adminRoutes, deps);
      await area.register(backofficeRoutes, deps);
    },
    { prefix: "/agent" },
  );
}
