import { createHash, randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Browsers an account signed in from ("device cookies", OWASP's defence against locking users
 * out): failed sign-ins (and citizens' password-reset requests) for an account are limited for
 * everyone together — whoever tries — except in a browser that once signed in to that account,
 * which gets a limit of its own. A stranger's failures then lock the account out of new browsers
 * only, never out of its owner's; guessing from a stolen device cookie still meets its own limit.
 *
 * The cookie holds a digest of the account's sign-in name (not the name) and a random id, signed
 * with the area's cookie key (@fastify/cookie), HttpOnly, for a year; one per area (citizens on
 * "/", agents on "/agent").
 */
export interface DeviceCookie {
  name: string;
  path: string;
  secure: boolean;
}

const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The citizens' mark: `__Host-` behind HTTPS (path "/"). */
export function citizenDevice(secure: boolean): DeviceCookie {
  return { name: secure ? "__Host-permis_appareil" : "permis_appareil", path: "/", secure };
}

/** The agents' mark, on their area only (`__Secure-`: a `__Host-` cookie must be on "/"). */
export function agentDevice(secure: boolean): DeviceCookie {
  return { name: secure ? "__Secure-agent_appareil" : "agent_appareil", path: "/agent", secure };
}

function digest(account: string): string {
  return createHash("sha256").update(`permis-appareil:${account}`).digest("base64url").slice(0, 22);
}

/** This browser's id for `account` (an identifier, an agent's address), if it signed in to it before; undefined otherwise. */
export function knownDevice(request: FastifyRequest, cookie: DeviceCookie, account: string): string | undefined {
  const raw = request.cookies[cookie.name];
  if (!raw || raw.length > 200) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  const [who, id] = unsigned.value.split(".");
  return who === digest(account) && id && /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

/** Marks this browser as one `account` signed in from (its id kept when it already was). */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, cookie: DeviceCookie, account: string): void {
  const id = knownDevice(request, cookie, account) ?? randomUUID();
  reply.setCookie(cookie.name, `${digest(account)}.${id}`, { signed: true, httpOnly: true, secure: cookie.secure, sameSite: "lax", path: cookie.path, maxAge: YEAR_SECONDS });
}
