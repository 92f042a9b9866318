import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/**
 * The headers helmet sets for these options. None of ours depends on the request (no nonce, no
 * per-request directive), so they are worked out once at start, by running helmet's own
 * middleware against a response that only records them, and then copied onto every reply
 * (@fastify/helmet built a new helmet middleware, parsing the policy again, on every request:
 * a few per cent of a page's CPU, docs/PERFORMANCE.md).
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => (failure = error));
  if (failure) throw failure instanceof Error ? failure : new Error("helmet refused its options");
  return headers;
}

/**
 * Security headers. The CSP allows no inline script or style: DSFR's own files, ours, and
 * data: images used by the DSFR stylesheet. Forms may only post here, or be redirected to
 * FranceConnect (sign-out goes through its end-session page).
 */
export function securityHeaders(app: FastifyInstance, opts: { https: boolean; franceConnectOrigin?: string | undefined; proConnectOrigin?: string | undefined }) {
  const headers = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'"],
        // The captcha's proof of work runs in workers loaded from our own hashed URLs (no blob:).
        workerSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", ...(opts.franceConnectOrigin ? [opts.franceConnectOrigin] : []), ...(opts.proConnectOrigin ? [opts.proConnectOrigin] : [])],
        ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
  // Every answer, the 404 and error pages included; a route may replace one (a document's sandbox).
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
