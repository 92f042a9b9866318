import csrf from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Name of the cookie holding the CSRF secret; `__Host-` behind HTTPS, so no sub-domain can set it. */
export function csrfCookieName(secure: boolean): string {
  return secure ? "__Host-permis_csrf" : "permis_csrf";
}

/**
 * CSRF: a token in every form (hidden `_csrf` field), checked on every state-changing request
 * of the pages (the photographers' API, which uses keys and no cookie, is registered outside
 * this context). The token's secret lives in its own signed cookie (HttpOnly, SameSite=Lax,
 * Secure behind HTTPS), not in the server-side session: showing a form to a visitor writes
 * no row. Needs @fastify/cookie registered with a secret (see session.ts).
 */
export async function csrfProtection(app: FastifyInstance, opts: { secure: boolean }) {
  await app.register(csrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: csrfCookieName(opts.secure),
    cookieOpts: { path: "/", httpOnly: true, sameSite: "lax", secure: opts.secure, signed: true },
    // Every form sends the token as the hidden `_csrf` field. A file upload (multipart) is read
    // by its route, which hands over the body's first field (verifyMultipartCsrf), never the
    // address: a token in a URL ends up in the history and in logs.
    getToken: (request) => {
      const body = request.body as { _csrf?: unknown } | undefined;
      if (typeof body?._csrf === "string") return body._csrf;
      return multipartTokens.get(request);
    },
  });
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return done();
    // Only a route that says so checks its multipart body itself; any other body is checked here.
    if (request.routeOptions.config.csrfInMultipartBody === true && isMultipart(request)) return done();
    app.csrfProtection(request, reply, done);
  });
}

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The route reads a multipart body whose first field is `_csrf`, and checks it with
     * verifyMultipartCsrf before reading anything else (a file above all).
     */
    csrfInMultipartBody?: boolean;
  }
}

const multipartTokens = new WeakMap<FastifyRequest, string>();

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/i.test(request.headers["content-type"] ?? "");
}

/**
 * Checks the token read from a multipart body (its first field) with @fastify/csrf-protection,
 * as the preHandler checks every other form. False when refused: the 403 is then already sent
 * (the route must return `reply` and read nothing more of the body).
 */
export function verifyMultipartCsrf(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, token: string | undefined): boolean {
  multipartTokens.set(request, token ?? "");
  let passed = false;
  app.csrfProtection(request, reply, () => {
    passed = true;
  });
  return passed;
}
