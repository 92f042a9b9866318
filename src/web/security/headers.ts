import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/**
 * Security headers. The CSP allows no inline script or style: DSFR's own files, ours, and
 * data: images used by the DSFR stylesheet. Forms may only post here, or be redirected to
 * FranceConnect (sign-out goes through its end-session page).
 */
export async function securityHeaders(app: FastifyInstance, opts: { https: boolean; franceConnectOrigin?: string | undefined; proConnectOrigin?: string | undefined }) {
  await app.register(helmet, {
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
}
