import csrf from "@fastify/csrf-protection";
import type { FastifyInstance } from "fastify";

/**
 * CSRF: a token tied to the session in every form (hidden `_csrf` field), checked on every
 * state-changing request of the pages (the photographers' API, which uses keys and no
 * cookie, is registered outside this context).
 */
export async function csrfProtection(app: FastifyInstance) {
  await app.register(csrf, {
    sessionPlugin: "@fastify/session",
    // A file upload (multipart) is read by its route, after this check: its token comes in the
    // form's action URL. Every other form sends it as the hidden `_csrf` field.
    getToken: (request) => {
      const body = request.body as { _csrf?: unknown } | undefined;
      if (typeof body?._csrf === "string") return body._csrf;
      if (request.headers["content-type"]?.startsWith("multipart/form-data")) {
        const query = request.query as { _csrf?: unknown };
        if (typeof query._csrf === "string") return query._csrf;
      }
      return undefined;
    },
  });
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return done();
    app.csrfProtection(request, reply, done);
  });
}
