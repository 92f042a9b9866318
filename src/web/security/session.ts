import { hkdfSync } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import connectPgSimple from "connect-pg-simple";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SqlClient } from "../../db/client.ts";

/**
 * Server-side sessions in PostgreSQL (connect-pg-simple's store behind @fastify/session):
 * any instance can serve any request. The cookie holds only the signed session id:
 * HttpOnly, SameSite=Lax, Secure behind HTTPS. Sessions end after an hour without activity.
 *
 * Nothing is written for a visitor who has submitted nothing (the CSRF secret lives in its own
 * cookie, see csrf.ts), and reading a page writes nothing: a session is saved when its content
 * changes, and its expiry is pushed back at most once every EXTEND_EVERY_MS.
 */
declare module "fastify" {
  interface Session {
    accountId?: string;
    displayName?: string;
    /** FranceConnect's ID token (for logout). */
    franceConnectIdToken?: string;
    /** A FranceConnect identity waiting to be linked at the next sign-in: linked only to the account of that address. */
    franceConnectLink?: { sub: string; email: string };
    flash?: string;
    /** When the account signed in before this session (shown as "Dernière connexion"). */
    previousLoginAt?: string;
    /** When the expiry was last pushed back (ms since the epoch). */
    extendedAt?: number;
  }
}

/** The session cookie's name on plain http (development, tests). */
export const SESSION_COOKIE = "permis_session";

/**
 * The session cookie's name: `__Host-` behind HTTPS, so that neither a sibling sub-domain nor a
 * plain-HTTP answer can plant a session in the browser (the browser refuses such a cookie unless
 * it is Secure, host-only and for the path "/").
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}
const IDLE_MS = 60 * 60 * 1000;
/** A signed-in reader's session is saved (its expiry pushed back) at most this often. */
export const EXTEND_EVERY_MS = 5 * 60 * 1000;

export async function sessions(app: FastifyInstance, opts: { secret: string; secure: boolean; pool: SqlClient }) {
  const PgStore = connectPgSimple(fastifySession as never);
  const store = new PgStore({
    pool: opts.pool as never,
    tableName: "session",
    createTableIfMissing: false,
    // Expired sessions are pruned by the shared scheduler, not by a timer in each instance.
    pruneSessionInterval: false,
  });
  // Signs the other cookies (the CSRF secret) with a key of their own, derived from the secret.
  await app.register(fastifyCookie, { secret: Buffer.from(hkdfSync("sha256", opts.secret, "", "permis-en-ligne cookies", 32)).toString("base64") });
  await app.register(fastifySession, {
    secret: opts.secret,
    cookieName: sessionCookieName(opts.secure),
    store: store as never,
    saveUninitialized: false,
    // Not rolling: an unchanged session is not written back on every request (see below).
    rolling: false,
    cookie: { httpOnly: true, secure: opts.secure, sameSite: "lax", path: "/", maxAge: IDLE_MS },
  });
  // Registered after the session plugin: runs once the session is loaded. Marking the session
  // changed makes the plugin save it (new expiry in the row, new Max-Age on the cookie).
  app.addHook("onRequest", async (request) => {
    const session = request.session as FastifyRequest["session"] | null | undefined;
    if (!session?.accountId) return;
    const now = Date.now();
    if (session.extendedAt === undefined || now - session.extendedAt >= EXTEND_EVERY_MS || session.extendedAt > now) session.extendedAt = now;
  });
}

/** Ends the session: its row, and the cookie in the browser. */
export async function endSession(request: FastifyRequest, reply: FastifyReply, secure: boolean): Promise<void> {
  await request.session.destroy();
  reply.clearCookie(sessionCookieName(secure), { path: "/", secure });
}

/** Signs the account in on a fresh session id (no fixation), keeping nothing of the anonymous session. */
export async function startSignedInSession(
  request: FastifyRequest,
  account: { id: string; givenName: string; familyName: string },
  previousLoginAt: Date | null,
): Promise<void> {
  await request.session.regenerate();
  request.session.accountId = account.id;
  request.session.displayName = `${account.givenName} ${account.familyName}`;
  if (previousLoginAt) request.session.previousLoginAt = previousLoginAt.toISOString();
  request.session.extendedAt = Date.now();
}

/** Sends anonymous visitors to the sign-in page, then back here. */
export async function requireSignedIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.session.accountId) return;
  const back = encodeURIComponent(request.url);
  await reply.redirect(`/connexion?retour=${back}`, 303);
}

/** Control characters (C0, DEL, C1) and the backslash, which browsers read as a slash. */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const UNSAFE_IN_PATH = /[\u0000-\u001f\u007f-\u009f\\]/;
const MAX_RETURN_PATH = 2048;

/**
 * Only a path of this service is accepted as a destination after sign-in: parsed against the
 * service's own origin, it must stay on it, and it holds no control character nor backslash
 * (`/\r` would break the Location header, `/\t/evil.example` would leave the site). The path is
 * re-serialised from the parsed URL, so what goes into Location is always plain, encoded ASCII.
 */
export function safeReturnPath(value: unknown, publicUrl: string): string | undefined {
  if (typeof value !== "string" || value.length > MAX_RETURN_PATH || !value.startsWith("/") || UNSAFE_IN_PATH.test(value)) return undefined;
  let origin: string;
  let url: URL;
  try {
    origin = new URL(publicUrl).origin;
    url = new URL(value, origin);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil" resolves to the path "//evil", which a browser reads as another host.
  if (!path.startsWith("/") || path.startsWith("//") || UNSAFE_IN_PATH.test(path)) return undefined;
  return path;
}
