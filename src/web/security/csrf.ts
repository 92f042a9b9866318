import csrf from "@fastify/csrf-protection";
import type { FastifyInstance } from "fastify";

/**
 * CSRF: a token tied to the session in every form (hidden `_csrf` field), checked on every
 * state-changing request of the pages (the photographers' API, which uses keys and no
 * cookie, is registered outside this context).
 */
export async function csrfProtection(app: FastifyInstance) {
  await app.register(csrf, { sessionPlugin: "@fastify/session" });
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return done();
    app.csrfProtection(request, reply, done);
  });
}
