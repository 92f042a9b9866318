import type { FastifyReply, FastifyRequest } from "fastify";
import type { OidcPending } from "../../services/oidc.ts";

/**
 * The pending authorization of an OpenID Connect sign-in (state, nonce, PKCE verifier) in a
 * signed cookie of its own, not in a session: an anonymous visitor's click on "S'identifier
 * avec FranceConnect / ProConnect" writes no row (issue 6 §12). The provider's answer is a
 * navigation from another site, so the cookie is SameSite=Lax; it lives 10 minutes at most, is
 * bound to the callback's path, and is cleared at the callback (single use).
 */
export const PENDING_MAX_AGE_SECONDS = 600;
const VALUE = /^[A-Za-z0-9_-]{16,128}$/;

export interface PendingCookie {
  name: string;
  /** The path of the start and callback routes (the cookie is sent nowhere else). */
  path: string;
  secure: boolean;
}

const options = (cookie: PendingCookie) => ({ path: cookie.path, httpOnly: true, sameSite: "lax" as const, secure: cookie.secure });

export function writePending(reply: FastifyReply, cookie: PendingCookie, pending: OidcPending, now: Date): void {
  const value = `${pending.state}.${pending.nonce}.${pending.codeVerifier}.${now.getTime()}`;
  reply.setCookie(cookie.name, value, { ...options(cookie), maxAge: PENDING_MAX_AGE_SECONDS, signed: true });
}

/** The pending authorization this browser started (and no longer than 10 minutes ago); the cookie is cleared. */
export function takePending(request: FastifyRequest, reply: FastifyReply, cookie: PendingCookie, now: Date): OidcPending | undefined {
  const raw = request.cookies[cookie.name];
  reply.clearCookie(cookie.name, options(cookie));
  if (!raw || raw.length > 1024) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  const [state, nonce, codeVerifier, issued, ...rest] = unsigned.value.split(".");
  if (rest.length > 0 || !state || !nonce || !codeVerifier || !issued || ![state, nonce, codeVerifier].every((v) => VALUE.test(v))) return undefined;
  const age = now.getTime() - Number(issued);
  if (!/^\d{1,15}$/.test(issued) || age < 0 || age > PENDING_MAX_AGE_SECONDS * 1000) return undefined;
  return { state, nonce, codeVerifier };
}
