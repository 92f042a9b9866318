import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import { pageContext, sendPage } from "./http.ts";
import { accountRoutes } from "./routes/account.tsx";
import { authRoutes } from "./routes/auth.tsx";
import { devRoutes } from "./routes/dev.tsx";
import { franceConnectRoutes } from "./routes/franceconnect.tsx";
import { photographerApi, photographerPages } from "./routes/photographers.tsx";
import { publicPages, sessionlessRoutes } from "./routes/public.tsx";
import { requestRoutes } from "./routes/requests.tsx";
import { csrfProtection } from "./security/csrf.ts";
import { securityHeaders } from "./security/headers.ts";
import { sessions } from "./security/session.ts";
import { ErrorPage } from "./views/pages/public.tsx";
import type { WebDeps } from "./deps.ts";

const dsfrDist = join(dirname(createRequire(import.meta.url).resolve("@gouvfr/dsfr/package.json")), "dist");
const ownAssets = fileURLToPath(new URL("./assets", import.meta.url));

export interface AppOptions {
  /** The process's logger; none when omitted (tests). */
  logger?: FastifyBaseLogger;
}

/**
 * The HTTP application: static files and session-less routes at the root; every page in
 * one child context that adds sessions, form parsing and CSRF checks.
 */
export async function buildApp(deps: WebDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    trustProxy: deps.config.trustProxy,
    // URLs can carry tokens (activation links): requests are logged by route pattern instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });

  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? "(none)", status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request",
    );
  });

  const https = deps.config.publicUrl.startsWith("https:");
  await securityHeaders(app, { https, franceConnectOrigin: deps.franceConnect?.issuerOrigin });

  await app.register(fastifyStatic, { root: dsfrDist, prefix: "/dsfr/", maxAge: "7d", index: false });
  await app.register(fastifyStatic, { root: ownAssets, prefix: "/assets/", maxAge: "1h", index: false, decorateReply: false });
  await app.register(sessionlessRoutes, deps);
  await app.register(photographerApi, deps);

  await app.register(async (pages) => {
    await sessions(pages, { secret: deps.config.sessionSecret, secure: https, pool: deps.database.sql });
    await pages.register(formbody, { bodyLimit: 64 * 1024 });
    await csrfProtection(pages);

    // Set before the routes are registered: child contexts inherit the handlers they find.
    pages.setNotFoundHandler((request, reply) => errorPage(request, reply, deps, 404));
    pages.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code?.startsWith("FST_CSRF")) return errorPage(request, reply, deps, 403);
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) logError(request, error);
      return errorPage(request, reply, deps, status);
    });

    await pages.register(publicPages, deps);
    await pages.register(authRoutes, deps);
    await pages.register(franceConnectRoutes, deps);
    await pages.register(accountRoutes, deps);
    await pages.register(photographerPages, deps);
    await pages.register(requestRoutes, deps);
    if (deps.config.env !== "production") await pages.register(devRoutes, deps);
  });

  return app;
}

const ERRORS: Record<number, { title: string; message: string }> = {
  400: { title: "Requête invalide", message: "La demande envoyée n'a pas pu être comprise. Revenez à la page précédente et recommencez." },
  403: {
    title: "Formulaire expiré",
    message: "Pour votre sécurité, ce formulaire n'est plus valable (session expirée ou jeton de sécurité absent). Rechargez la page et recommencez.",
  },
  404: { title: "Page non trouvée", message: "La page que vous cherchez est introuvable. Vérifiez l'adresse, ou revenez à l'accueil." },
  413: { title: "Envoi trop volumineux", message: "Les données envoyées dépassent la taille autorisée." },
  500: { title: "Erreur inattendue", message: "Une erreur est survenue de notre côté. Réessayez dans quelques instants." },
};

function errorPage(request: FastifyRequest, reply: FastifyReply, deps: WebDeps, status: number) {
  const text = ERRORS[status] ?? ERRORS[400]!;
  // A session may be missing if the failure happened before it was loaded.
  const ctx = pageContext(request, reply, deps.devTools);
  return sendPage(reply, <ErrorPage ctx={ctx} status={status} title={text.title} message={text.message} />, status);
}

/** Errors are logged without their message, which may quote personal data (SQL parameters...). */
function logError(request: FastifyRequest, error: FastifyError) {
  const frames = (error.stack ?? "").split("\n").slice(1, 8).join("\n");
  request.log.error({ errName: error.name, errCode: error.code, stack: frames, route: request.routeOptions.url }, "request failed");
}
