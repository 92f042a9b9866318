import { createHash, randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Browsers an account signed in from ("device cookies", OWASP's defence against locking users
 * out): failed sign-ins and password-reset requests for an identifier are limited for everyone
 * together — whoever tries — except in a browser that once signed in to that account, which
 * gets a limit of its own. A stranger's failures then lock the account out of new browsers
 * only, never out of the owner's; guessing from a stolen device cookie still meets its own limit.
 *
 * The cookie holds a digest of the identifier (not the identifier) and a random id, signed with
 * the cookies' key (@fastify/cookie), HttpOnly, `__Host-` behind HTTPS, for a year.
 */
const DEVICE_COOKIE = "permis_appareil";
const YEAR_SECONDS = 365 * 24 * 60 * 60;

export function deviceCookieName(secure: boolean): string {
  return secure ? `__Host-${DEVICE_COOKIE}` : DEVICE_COOKIE;
}

function digest(identifier: string): string {
  return createHash("sha256").update(`permis-appareil:${identifier}`).digest("base64url").slice(0, 22);
}

/** This browser's id for `identifier`, if it signed in to that account before; undefined otherwise. */
export function knownDevice(request: FastifyRequest, identifier: string, secure: boolean): string | undefined {
  const raw = request.cookies[deviceCookieName(secure)];
  if (!raw || raw.length > 200) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const [who, id] = unsigned.value.split(".");
  return who === digest(identifier) && id && /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

/** Marks this browser as one `identifier` signed in from (kept when it already was). */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, identifier: string, secure: boolean): void {
  const id = knownDevice(request, identifier, secure) ?? randomUUID();
  reply.setCookie(deviceCookieName(secure), `${digest(identifier)}.${id}`, { signed: true, httpOnly: true, secure, sameSite: "lax", path: "/", maxAge: YEAR_SECONDS });
}
