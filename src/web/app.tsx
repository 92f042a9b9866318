import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import { pageContext, sendPage, servedOverHttps } from "./http.ts";
import { registerAgentArea } from "./agent/index.ts";
import { accountRoutes } from "./citizen/account.tsx";
import { authRoutes } from "./citizen/auth.tsx";
import { devRoutes } from "./dev/routes.tsx";
import { delaisRoutes } from "./citizen/delais.tsx";
import { smsCallbackRoutes } from "./partners/sms-callback.ts";
import { franceConnectRoutes } from "./citizen/franceconnect.tsx";
import { helpRoutes } from "./citizen/help.tsx";
import { photographerApi, photographerPages } from "./partners/photographers.tsx";
import { publicPages, sessionlessRoutes } from "./citizen/public.tsx";
import { requestRoutes } from "./citizen/requests.tsx";
import { csrfProtection } from "./security/csrf.ts";
import { CONTROL_CHARACTERS_CODE, guardResponseHeaders, refuseControlCharacters, slowBodyGuard, SLOW_BODY_DEFAULTS, type SlowBodyOptions } from "./security/guards.ts";
import { securityHeaders } from "./security/headers.ts";
import { staticFiles } from "./static.ts";
import { safeError } from "./security/logging.ts";
import { sessions } from "./security/session.ts";
import { CONTROL_CHARACTERS_MESSAGE } from "../domain/forms.ts";
import { ErrorPage } from "./citizen/views/public.tsx";
import type { WebDeps } from "./deps.ts";
import type { TrustProxy } from "../config.ts";

export interface AppOptions {
  /** The process's logger; none when omitted (tests). */
  logger?: FastifyBaseLogger;
  /** The least upload rate accepted (tests shorten its window). */
  slowBody?: SlowBodyOptions;
}

/**
 * Time limits of a connection. A whole request (an 11 Mo upload included) must arrive within
 * REQUEST_TIMEOUT_MS, its headers within HEADERS_TIMEOUT_MS; a silent socket is closed after
 * IDLE_SOCKET_MS, an idle kept-alive one after KEEP_ALIVE_MS (Fastify's default: longer than
 * the 60 s idle timeout of common load balancers, so that they never reuse a connection the
 * service is closing). Node checks them every CHECK_EVERY_MS. A body slower than the slow-body
 * guard's rate is cut earlier (guards.ts).
 */
const REQUEST_TIMEOUT_MS = 300_000;
const HEADERS_TIMEOUT_MS = 20_000;
// Longer than KEEP_ALIVE_MS: a kept-alive connection is closed by the keep-alive rule, never by
// this one while clients still believe it open (slow senders are cut by the other limits).
const IDLE_SOCKET_MS = 80_000;
const KEEP_ALIVE_MS = 72_000;
const CHECK_EVERY_MS = 5_000;

/**
 * The HTTP application: static files and session-less routes at the root; every page in
 * one child context that adds sessions, form parsing and CSRF checks.
 */
export async function buildApp(deps: WebDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // URLs can carry tokens (activation links): requests are logged by route pattern instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionTimeout: IDLE_SOCKET_MS,
    keepAliveTimeout: KEEP_ALIVE_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CHECK_EVERY_MS },
    // A URL that does not decode (%C3%28, %FF) or a bad constraint: a plain 400, the URL not echoed.
    frameworkErrors: (error, _request, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      void reply.code(error.statusCode && error.statusCode < 500 ? error.statusCode : 400).type("text/plain; charset=utf-8").send(ERRORS[400]!.message);
    },
  });

  // No request may end the process nor leak what went wrong: every error is answered here
  // (the pages' context has its own handler, below), logged without its message.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = errorStatus(error, request);
    if (status >= 500) logError(request, error);
    const text = ERRORS[status] ?? ERRORS[400]!;
    return reply.code(status).type("application/json; charset=utf-8").header("cache-control", "no-store").send({ error: text.title });
  });
  guardResponseHeaders(app);
  slowBodyGuard(app, options.slowBody ?? SLOW_BODY_DEFAULTS);

  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url ?? "(none)", status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request",
    );
  });

  const https = servedOverHttps(deps.config.publicUrl);
  securityHeaders(app, { https, franceConnectOrigin: deps.franceConnect?.issuerOrigin, proConnectOrigin: deps.proConnect?.issuerOrigin });

  // Hashed static files (/static/<hash>/…, compressed once, cached a year) and compressed pages.
  await staticFiles(app, { warm: deps.config.env !== "test" });
  await app.register(sessionlessRoutes, deps);
  await app.register(photographerApi, deps);
  // The SMS provider's signed delivery reports: no session, no CSRF (the signature is the proof).
  await app.register(smsCallbackRoutes, deps);
  // The agents' area: its own context, session cookie and CSRF token (src/web/agent/index.ts).
  await registerAgentArea(app, deps);

  await app.register(async (pages) => {
    await sessions(pages, { secret: deps.config.sessionSecret, secure: https, pool: deps.database.sql });
    // Pages take forms only: no JSON nor plain-text bodies (415).
    pages.removeContentTypeParser(["application/json", "text/plain"]);
    await pages.register(formbody, { bodyLimit: 64 * 1024 });
    await csrfProtection(pages, { secure: https });
    // After the session plugin: checks the headers once its cookie is set.
    guardResponseHeaders(pages);
    refuseControlCharacters(pages, new Set(["retour", "returnTo"]));

    // Set before the routes are registered: child contexts inherit the handlers they find.
    pages.setNotFoundHandler((request, reply) => errorPage(request, reply, deps, 404));
    pages.setErrorHandler((error: FastifyError, request, reply) => {
      const status = errorStatus(error, request);
      if (status >= 500) logError(request, error);
      if (error.code === CONTROL_CHARACTERS_CODE) return errorPage(request, reply, deps, 400, CONTROL_CHARACTERS_TEXT);
      return errorPage(request, reply, deps, status);
    });

    await pages.register(publicPages, deps);
    await pages.register(authRoutes, deps);
    await pages.register(franceConnectRoutes, deps);
    await pages.register(accountRoutes, deps);
    await pages.register(photographerPages, deps);
    await pages.register(helpRoutes, deps);
    await pages.register(delaisRoutes, deps);
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
  415: { title: "Format non accepté", message: "Les données envoyées ne sont pas dans un format accepté par ce formulaire. Revenez à la page précédente et recommencez." },
  500: { title: "Erreur inattendue", message: "Une erreur est survenue de notre côté. Réessayez dans quelques instants." },
};

/** TRUST_PROXY (config.ts): a number of hops trusts that many proxies, counted from the socket's end. */
function trustProxyOption(value: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === "number" ? (_address, hop) => hop < value : value;
}

const CONTROL_CHARACTERS_TEXT = {
  title: "Caractères non autorisés",
  message: `${CONTROL_CHARACTERS_MESSAGE} Un champ du formulaire ou de l'adresse contient un caractère de contrôle. Revenez à la page précédente, corrigez la saisie et recommencez.`,
};

/** Client errors keep their 4xx status; anything else (a database error...) is a 500. */
function errorStatus(error: FastifyError, request: FastifyRequest): number {
  if (error.code?.startsWith("FST_CSRF")) return 403;
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return error.statusCode;
  // The multipart parser's own errors (no boundary, truncated body...) are the client's.
  const multipart = (request as { isMultipart?: () => boolean }).isMultipart?.() ?? false;
  if (multipart && !error.statusCode && /multipart|boundary|part header/i.test(error.message ?? "")) return 400;
  // The client went away mid-body: nobody reads the answer.
  if (error.code === "ECONNRESET" || error.code === "FST_MP_PREMATURE_CLOSE" || error.message === "aborted") return 400;
  return 500;
}

function errorPage(request: FastifyRequest, reply: FastifyReply, deps: WebDeps, status: number, text = ERRORS[status] ?? ERRORS[400]!) {
  // Whatever the route had set (a Location...) is not part of an error page.
  reply.removeHeader("location");
  reply.removeHeader("content-disposition");
  // A session may be missing if the failure happened before it was loaded.
  const ctx = pageContext(request, reply, deps.devTools);
  // A failed request saves no session: if saving it was what failed, the error page must not
  // fail the same way (Fastify's last-resort handlers would echo the error's message).
  if (status >= 500) (request as { session: unknown }).session = null;
  return sendPage(reply, <ErrorPage ctx={ctx} status={status} title={text.title} message={text.message} />, status);
}

/** Errors are logged without their message, which may quote personal data (SQL parameters...). */
function logError(request: FastifyRequest, error: FastifyError) {
  request.log.error({ failure: safeError(error), method: request.method, route: request.routeOptions.url ?? "(none)" }, "request failed");
}
