import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type { AgentActor, AgentRole } from "../../domain/actors.ts";
import type { AgentService, AgentSessionData } from "../../services/agents.ts";
import { HttpError } from "../security/guards.ts";
import { safeReturnPath } from "../security/session.ts";

/**
 * The agents' sessions (issue 9 §2): a cookie of their own (`agent_sid`: Path=/agent, HttpOnly,
 * SameSite=Strict, Secure behind HTTPS) holding a random token whose SHA-256 keys a row of
 * `agent_session`; 30 minutes without activity, 8 hours at most after signing in (see
 * AgentService). The citizens' session cookie is never read here, and this one is never sent
 * to the citizens' pages (its path).
 */
export const AGENT_COOKIE = "agent_sid";
/** ProConnect's answer comes from another site: the pending authorization rides a Lax cookie of its own. */
export const AGENT_OIDC_COOKIE = "agent_oidc";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in agent, set by `requireAgent`. */
    agent: AgentActor;
  }
}

interface SessionState {
  sid: string | undefined;
  data: AgentSessionData | undefined;
  dirty: boolean;
  expired: boolean;
}

const states = new WeakMap<FastifyRequest, SessionState>();
const services = new WeakMap<FastifyRequest, AgentService>();

function state(request: FastifyRequest): SessionState {
  let s = states.get(request);
  if (!s) {
    s = { sid: undefined, data: undefined, dirty: false, expired: false };
    states.set(request, s);
  }
  return s;
}

function agentService(request: FastifyRequest): AgentService {
  const s = services.get(request);
  if (!s) throw new Error("agent session plugin not registered");
  return s;
}

export interface AgentSessionOptions {
  agents: AgentService;
  secure: boolean;
}

function cookieOptions(secure: boolean) {
  return { path: "/agent", httpOnly: true, sameSite: "strict" as const, secure };
}

const secureFlags = new WeakMap<FastifyRequest, boolean>();

/** Loads the session of the cookie before the routes, saves it after them if it changed. */
export function agentSessions(app: FastifyInstance, opts: AgentSessionOptions) {
  app.addHook("onRequest", async (request, reply) => {
    services.set(request, opts.agents);
    secureFlags.set(request, opts.secure);
    const s = state(request);
    const token = request.cookies[AGENT_COOKIE];
    if (!token) return;
    const loaded = await opts.agents.loadSession(token);
    if (loaded.kind === "live") {
      s.sid = loaded.sid;
      s.data = loaded.data;
      s.dirty = loaded.touched;
    } else {
      s.expired = loaded.kind === "expired";
      reply.clearCookie(AGENT_COOKIE, cookieOptions(opts.secure));
    }
  });
  app.addHook("onSend", async (request, _reply, payload) => {
    const s = states.get(request);
    if (s?.dirty && s.sid && s.data && request.raw.aborted !== true) {
      s.dirty = false;
      await opts.agents.saveSession(s.sid, s.data);
    }
    return payload;
  });
}

/** The current session's content (undefined: none, or expired). */
export function currentSession(request: FastifyRequest): AgentSessionData | undefined {
  return states.get(request)?.data;
}

/** Whether the request came with a session that has just expired. */
export function sessionExpired(request: FastifyRequest): boolean {
  return states.get(request)?.expired ?? false;
}

/** Changes the session (made, not signed in, when there is none); saved after the route. */
export async function updateSession(request: FastifyRequest, reply: FastifyReply, change: (data: AgentSessionData) => void): Promise<void> {
  const s = state(request);
  if (s.sid && s.data) {
    change(s.data);
    s.dirty = true;
    return;
  }
  const data: AgentSessionData = { lastSeenAt: 0 };
  change(data);
  const { lastSeenAt: _seen, signedInAt: _signed, ...rest } = data;
  const opened = await agentService(request).openSession(rest);
  reply.setCookie(AGENT_COOKIE, opened.token, cookieOptions(secureFlags.get(request) ?? true));
  s.sid = opened.sid;
  s.data = opened.data;
}

/**
 * Signs the agent in on a new session (a new token: nothing of the session before is kept, so
 * no fixation), recording when, for the 8-hour limit.
 */
export async function startAgentSession(
  request: FastifyRequest,
  reply: FastifyReply,
  agentId: string,
  method: NonNullable<AgentSessionData["method"]>,
  extra: Pick<AgentSessionData, "proConnectIdToken" | "flash"> = {},
): Promise<void> {
  const s = state(request);
  const service = agentService(request);
  if (s.sid) await service.closeSession(s.sid);
  const opened = await service.openSession({ agentId, method, ...extra });
  s.sid = opened.sid;
  s.data = opened.data;
  s.dirty = false;
  s.expired = false;
  reply.setCookie(AGENT_COOKIE, opened.token, cookieOptions(secureFlags.get(request) ?? true));
}

/**
 * The password step on a new session (a new token): a token planted before it (session
 * fixation) never carries the password step, hence neither the enrolment's secret nor the
 * second factor. Any session of the browser before is closed.
 */
export async function startPendingSession(request: FastifyRequest, reply: FastifyReply, data: Pick<AgentSessionData, "passwordOk" | "returnTo">): Promise<void> {
  const s = state(request);
  const service = agentService(request);
  if (s.sid) await service.closeSession(s.sid);
  const opened = await service.openSession(data);
  s.sid = opened.sid;
  s.data = opened.data;
  s.dirty = false;
  s.expired = false;
  reply.setCookie(AGENT_COOKIE, opened.token, cookieOptions(secureFlags.get(request) ?? true));
}

/** Ends the session (row and cookie). */
export async function endAgentSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const s = state(request);
  if (s.sid) await agentService(request).closeSession(s.sid);
  s.sid = undefined;
  s.data = undefined;
  s.dirty = false;
  reply.clearCookie(AGENT_COOKIE, cookieOptions(secureFlags.get(request) ?? true));
}

/** A message for the next page (after a redirect). */
export function takeFlash(request: FastifyRequest): string | undefined {
  const s = states.get(request);
  const flash = s?.data?.flash;
  if (s?.data && flash !== undefined) {
    delete s.data.flash;
    s.dirty = true;
  }
  return flash;
}

/** The error code of a page refused to the agent's role (a 403 page, see index.ts). */
export const ROLE_REFUSED_CODE = "PERMIS_AGENT_ROLE";

/**
 * Guard of the agents' pages: an anonymous visitor (or one whose session ended) goes to the
 * sign-in page, then back here; an inactive agent is signed out; a role not in `roles` gets a
 * 403 page. Sets `request.agent` (the agent and their services, read from the database on each
 * request, so that a deactivation or a change of services applies at once).
 */
export function requireAgent(roles?: readonly AgentRole[]): preHandlerAsyncHookHandler {
  return async function guard(request, reply) {
    const data = currentSession(request);
    const agentId = data?.agentId;
    const actor = agentId ? await agentService(request).actor(agentId) : undefined;
    if (!actor) {
      if (agentId) await endAgentSession(request, reply);
      const back = request.method === "GET" ? safeReturnPath(request.url, "http://localhost") : undefined;
      const query = new URLSearchParams();
      if (back && back !== "/agent" && back !== "/agent/") query.set("retour", back);
      if (sessionExpired(request) || agentId) query.set("expiree", "1");
      const qs = query.toString();
      return reply.redirect(`/agent/connexion${qs ? `?${qs}` : ""}`, 303);
    }
    request.agent = actor;
    if (roles && !roles.includes(actor.role)) throw new HttpError(403, ROLE_REFUSED_CODE);
    return undefined;
  };
}
