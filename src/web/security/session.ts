import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import connectPgSimple from "connect-pg-simple";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SqlClient } from "../../db/client.ts";
import type { PendingAuthorization } from "../../services/franceconnect.ts";

/**
 * Server-side sessions in PostgreSQL (connect-pg-simple's store behind @fastify/session):
 * any instance can serve any request. The cookie holds only the signed session id:
 * HttpOnly, SameSite=Lax, Secure behind HTTPS. Sessions end after an hour without activity.
 */
declare module "fastify" {
  interface Session {
    accountId?: string;
    displayName?: string;
    /** FranceConnect: the authorization in progress, then the ID token (for logout). */
    franceConnect?: PendingAuthorization;
    franceConnectIdToken?: string;
    /** A FranceConnect identity waiting to be linked at the next sign-in. */
    franceConnectLink?: string;
    flash?: string;
    /** When the account signed in before this session (shown as "Dernière connexion"). */
    previousLoginAt?: string;
  }
}

export const SESSION_COOKIE = "permis_session";
const IDLE_MS = 60 * 60 * 1000;

export async function sessions(app: FastifyInstance, opts: { secret: string; secure: boolean; pool: SqlClient }) {
  const PgStore = connectPgSimple(fastifySession as never);
  const store = new PgStore({
    pool: opts.pool as never,
    tableName: "session",
    createTableIfMissing: false,
    // Expired sessions are pruned by the shared scheduler, not by a timer in each instance.
    pruneSessionInterval: false,
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: opts.secret,
    cookieName: SESSION_COOKIE,
    store: store as never,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, secure: opts.secure, sameSite: "lax", path: "/", maxAge: IDLE_MS },
  });
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
}

/** Sends anonymous visitors to the sign-in page, then back here. */
export async function requireSignedIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.session.accountId) return;
  const back = encodeURIComponent(request.url);
  await reply.redirect(`/connexion?retour=${back}`, 303);
}

/** Only local paths are accepted as a destination after sign-in. */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return undefined;
  return value;
}
