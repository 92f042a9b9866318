import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";
import {
  advanceTotpStep,
  countUnusedRecoveryCodes,
  deleteAgentSession,
  deleteSessionsOfAgent,
  findAgentByEmail,
  findAgentById,
  findAgentSession,
  findAgentWithServices,
  findInstructionService,
  insertAgent,
  insertAgentSession,
  insertAuditEntry,
  insertInstructionService,
  listAgentsWithServices,
  listAuditEntries,
  listInstructionServices,
  mapPrefecture,
  prefecturesOfService,
  replaceRecoveryCodes,
  setAgentServices,
  updateAgent,
  updateAgentSession,
  useRecoveryCode,
  type Agent,
  type AgentWithServices,
  type AuditEntry,
  type InstructionService,
} from "../db/repositories/agents.ts";
import { isAgentRole, requiresTwoFactors, type AgentActor, type AgentRole } from "../domain/actors.ts";
import type { Clock } from "./clock.ts";
import { hashSecret, verifyDecoy, verifySecret } from "./passwords.ts";
import { sha256 } from "./secrets.ts";
import type { Throttle, ThrottleTarget } from "./throttle.ts";
import { hashRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret, normaliseTotpCode, SecretBox, totpUri } from "./totp.ts";

/**
 * State agents (issue 9 §2): created by an administrator (never self-registered), signed in
 * through ProConnect (matched by email) or with a password and a TOTP second factor; their
 * services instructeurs and the préfectures each one instructs; their server-side sessions.
 */
export type { Agent, AgentWithServices, AuditEntry, InstructionService };

/** Agents' sessions: 30 minutes without activity, 8 hours at most after signing in. */
export const AGENT_IDLE_MS = 30 * 60 * 1000;
export const AGENT_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
/** A session not yet signed in (ProConnect redirect, password checked awaiting the code). */
const PENDING_IDLE_MS = 15 * 60 * 1000;
/** The second factor must follow the password within this time. */
export const SECOND_FACTOR_WINDOW_MS = 5 * 60 * 1000;
/** The last activity is written back at most this often (reading a page writes nothing more). */
const TOUCH_EVERY_MS = 60 * 1000;

export interface AgentSessionData {
  /** Set once signed in (both factors, or ProConnect). */
  agentId?: string;
  signedInAt?: number;
  lastSeenAt: number;
  method?: "proconnect" | "mot_de_passe";
  /** Password checked, second factor (or its enrolment) awaited. */
  passwordOk?: { agentId: string; at: number };
  /** ProConnect: the ID token (for logout). The authorization in progress rides a signed cookie (web/agent/auth.tsx), no row. */
  proConnectIdToken?: string;
  flash?: string;
  /** Where to go once signed in (a path of the agents' area). */
  returnTo?: string;
}

export type LoadedSession = { kind: "none" } | { kind: "expired" } | { kind: "live"; sid: string; data: AgentSessionData; touched: boolean };

export interface NewAgentInput {
  email: string;
  givenName: string;
  familyName: string;
  role: string;
  serviceIds: readonly string[];
  password?: string | undefined;
}

export type FieldErrors = Partial<Record<"email" | "givenName" | "familyName" | "role" | "serviceIds" | "password" | "id" | "name" | "prefectureId" | "serviceId", string>>;

export type PasswordOutcome =
  | { kind: "ok"; agentId: string; enrolled: boolean }
  | { kind: "refused" }
  | { kind: "throttled"; waitSeconds: number };

export type SecondFactorOutcome = { kind: "ok"; usedRecoveryCode: boolean } | { kind: "refused"; reason: "wrong" | "replayed" } | { kind: "throttled"; waitSeconds: number };

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[^\s@<>".]{2,63}$/;
const SERVICE_ID = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** "CERT Nord" → "cert-nord". */
export function serviceSlug(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
}

export function agentDisplayName(agent: Pick<Agent, "givenName" | "familyName">): string {
  return `${agent.givenName} ${agent.familyName}`;
}

export class AgentService {
  private readonly box: SecretBox;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly throttle: Throttle,
    options: { secretKeyHex: string },
  ) {
    this.box = new SecretBox(options.secretKeyHex);
  }

  /* -------------------------------------------------------------- agents */

  /** The actor of an active agent with their services (one query), undefined otherwise. */
  async actor(agentId: string): Promise<AgentActor | undefined> {
    const agent = await findAgentWithServices(this.db, agentId);
    if (!agent || !agent.active) return undefined;
    return { kind: "agent", agentId: agent.id, role: agent.role, serviceIds: agent.serviceIds, name: agentDisplayName(agent) };
  }

  async findByEmail(email: string): Promise<Agent | undefined> {
    if (email.length > 320) return undefined;
    return findAgentByEmail(this.db, normaliseEmail(email));
  }

  async find(agentId: string): Promise<AgentWithServices | undefined> {
    return findAgentWithServices(this.db, agentId);
  }

  async list(): Promise<AgentWithServices[]> {
    return listAgentsWithServices(this.db);
  }

  /** Checks the input; the agent is created with their services, or the errors are returned. */
  async create(input: NewAgentInput, by?: string): Promise<{ ok: true; agent: Agent } | { ok: false; errors: FieldErrors }> {
    const errors: FieldErrors = {};
    const email = normaliseEmail(input.email);
    if (!email) errors.email = "Saisissez l'adresse électronique de l'agent.";
    else if (email.length > 254 || !EMAIL.test(email)) errors.email = "Saisissez une adresse électronique valide, par exemple prenom.nom@interieur.gouv.fr.";
    const givenName = input.givenName.trim();
    const familyName = input.familyName.trim();
    if (!givenName) errors.givenName = "Saisissez le prénom de l'agent.";
    else if (givenName.length > 100) errors.givenName = "Le prénom ne peut pas dépasser 100 caractères.";
    if (!familyName) errors.familyName = "Saisissez le nom de l'agent.";
    else if (familyName.length > 100) errors.familyName = "Le nom ne peut pas dépasser 100 caractères.";
    const role = input.role;
    if (!isAgentRole(role)) errors.role = "Choisissez le rôle de l'agent.";
    const serviceIds = [...new Set(input.serviceIds)];
    if (serviceIds.length > 50) errors.serviceIds = "Choisissez au plus 50 services.";
    else {
      for (const id of serviceIds) {
        if (!SERVICE_ID.test(id) || !(await findInstructionService(this.db, id))) {
          errors.serviceIds = "Un des services choisis n'existe pas.";
          break;
        }
      }
    }
    if (!errors.serviceIds && isAgentRole(role) && role !== "admin" && serviceIds.length === 0) {
      errors.serviceIds = "Choisissez au moins un service instructeur.";
    }
    if (input.password !== undefined && (input.password.length < 12 || input.password.length > 128)) {
      errors.password = "Le mot de passe doit faire entre 12 et 128 caractères.";
    }
    if (!errors.email && (await findAgentByEmail(this.db, email))) errors.email = "Un agent a déjà cette adresse électronique.";
    if (Object.keys(errors).length > 0) return { ok: false, errors };

    const passwordHash = input.password !== undefined ? await hashSecret(input.password) : null;
    try {
      const agent = await this.db.transaction(async (tx) => {
        const created = await insertAgent(tx, { email, givenName, familyName, role: role as AgentRole, passwordHash });
        await setAgentServices(tx, created.id, serviceIds);
        await insertAuditEntry(tx, { at: this.clock.now(), agentId: by ?? null, action: "agent_cree", motive: `${created.id} (${role})` });
        return created;
      });
      return { ok: true, agent };
    } catch (error) {
      // Two creations of one email at once: the unique index refuses the second.
      if ((error as { code?: string }).code === "23505" || /agents_email_key/.test(String((error as { cause?: unknown }).cause ?? ""))) {
        return { ok: false, errors: { email: "Un agent a déjà cette adresse électronique." } };
      }
      throw error;
    }
  }

  /** Deactivates (or reactivates) an agent; a deactivated agent's sessions end at once. */
  async setActive(agentId: string, active: boolean, by?: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const agent = await updateAgent(tx, agentId, { active });
      if (!agent) return false;
      if (!active) await deleteSessionsOfAgent(tx, agentId);
      await insertAuditEntry(tx, { at: this.clock.now(), agentId: by ?? null, action: active ? "agent_reactive" : "agent_desactive", motive: agentId });
      return true;
    });
  }

  /**
   * An agent who lost their phone and their recovery codes: the second factor is removed (they
   * enrol again at their next sign-in with the password) and their sessions end.
   */
  async resetSecondFactor(agentId: string, by?: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const agent = await updateAgent(tx, agentId, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
      if (!agent) return false;
      await replaceRecoveryCodes(tx, agentId, []);
      await deleteSessionsOfAgent(tx, agentId);
      await insertAuditEntry(tx, { at: this.clock.now(), agentId: by ?? null, action: "double_authentification_reinitialisee", motive: agentId });
      return true;
    });
  }

  async setPassword(agentId: string, password: string): Promise<void> {
    await updateAgent(this.db, agentId, { passwordHash: await hashSecret(password) });
  }

  /** A random password (for the command line's `--mot-de-passe`), shown once. */
  static randomPassword(): string {
    return randomBytes(15).toString("base64url");
  }

  /* -------------------------------------------------------------- password + TOTP */

  /** `device`: a browser this agent signed in from before, counted apart (web/security/device.ts): others' failures do not lock it out. */
  private passwordTargets(email: string, ip: string, device: string | undefined): ThrottleTarget[] {
    return [device ? ["signinDevice", `agent:${sha256(email)} ${device}`] : ["signinIdentifier", `agent:${sha256(email)}`], ["signinIp", `agent:${ip}`]];
  }

  /** First factor. Unknown, inactive or password-less agents are refused like a wrong password. */
  async checkPassword(emailInput: string, password: string, ip: string, device?: string): Promise<PasswordOutcome> {
    const email = normaliseEmail(emailInput).slice(0, 320);
    const targets = this.passwordTargets(email, ip, device);
    const admission = await this.throttle.take(targets);
    if (!admission.allowed) return { kind: "throttled", waitSeconds: admission.waitSeconds };
    const agent = await findAgentByEmail(this.db, email);
    const ok = agent?.active && agent.passwordHash ? await verifySecret(password.slice(0, 256), agent.passwordHash) : await verifyDecoy(password.slice(0, 256));
    if (!ok || !agent) return { kind: "refused" };
    return { kind: "ok", agentId: agent.id, enrolled: agent.totpEnabledAt !== null && agent.totpSecret !== null };
  }

  /**
   * Second factor: a TOTP code of a step later than the last one accepted (a replayed code, even
   * an earlier one still within the window, is refused), or an unused recovery code.
   */
  async checkSecondFactor(agentId: string, input: string, ip: string): Promise<SecondFactorOutcome> {
    const targets: ThrottleTarget[] = [
      ["signinIdentifier", `agent-2fa:${agentId}`],
      ["signinIp", `agent:${ip}`],
    ];
    const admission = await this.throttle.take(targets);
    if (!admission.allowed) return { kind: "throttled", waitSeconds: admission.waitSeconds };
    const agent = await findAgentById(this.db, agentId);
    if (!agent?.active || !agent.totpEnabledAt || !agent.totpSecret) return { kind: "refused", reason: "wrong" };
    const now = this.clock.now();
    const code = input.slice(0, 64);
    let outcome: SecondFactorOutcome;
    if (normaliseTotpCode(code)) {
      const secret = this.box.open(agent.totpSecret);
      const step = secret ? matchTotp(secret, code, now) : undefined;
      if (step === undefined) outcome = { kind: "refused", reason: "wrong" };
      else outcome = (await advanceTotpStep(this.db, agentId, step)) ? { kind: "ok", usedRecoveryCode: false } : { kind: "refused", reason: "replayed" };
    } else {
      const hash = hashRecoveryCode(code);
      outcome = hash && (await useRecoveryCode(this.db, agentId, hash, now)) ? { kind: "ok", usedRecoveryCode: true } : { kind: "refused", reason: "wrong" };
    }
    if (outcome.kind === "ok") await this.signedIn(agent, ip);
    return outcome;
  }

  /** After a full sign-in: the failed attempts are forgotten, the date kept. */
  private async signedIn(agent: Agent, ip: string): Promise<void> {
    await this.throttle.clear(["signinIdentifier", `agent:${sha256(agent.email)}`]);
    await this.throttle.clear(["signinIdentifier", `agent-2fa:${agent.id}`]);
    await this.throttle.clear(["signinIp", `agent:${ip}`]);
    await updateAgent(this.db, agent.id, { lastLoginAt: this.clock.now() });
  }

  /**
   * Enrolment: the secret waiting for its first code (made on the first call, kept until
   * confirmed so that reloading the page shows the same QR code). Undefined once enrolled.
   */
  async pendingEnrolment(agentId: string): Promise<{ secret: string; uri: string } | undefined> {
    const agent = await findAgentById(this.db, agentId);
    if (!agent?.active || agent.totpEnabledAt) return undefined;
    let secret = agent.totpSecret ? this.box.open(agent.totpSecret) : undefined;
    if (!secret) {
      secret = newTotpSecret();
      await updateAgent(this.db, agentId, { totpSecret: this.box.seal(secret), totpLastStep: null });
    }
    return { secret, uri: totpUri(secret, agent.email) };
  }

  /** Confirms the enrolment with a first code; returns the recovery codes (shown once). */
  async confirmEnrolment(agentId: string, code: string, ip: string): Promise<{ kind: "ok"; recoveryCodes: string[] } | { kind: "refused" } | { kind: "throttled"; waitSeconds: number }> {
    const admission = await this.throttle.take([["signinIdentifier", `agent-2fa:${agentId}`]]);
    if (!admission.allowed) return { kind: "throttled", waitSeconds: admission.waitSeconds };
    const agent = await findAgentById(this.db, agentId);
    if (!agent?.active || agent.totpEnabledAt || !agent.totpSecret) return { kind: "refused" };
    const secret = this.box.open(agent.totpSecret);
    const now = this.clock.now();
    const step = secret ? matchTotp(secret, code.slice(0, 64), now) : undefined;
    if (step === undefined) return { kind: "refused" };
    const recoveryCodes = newRecoveryCodes();
    await this.db.transaction(async (tx) => {
      await updateAgent(tx, agentId, { totpEnabledAt: now, totpLastStep: step });
      await replaceRecoveryCodes(tx, agentId, recoveryCodes.map((c) => hashRecoveryCode(c)!));
    });
    await this.signedIn(agent, ip);
    return { kind: "ok", recoveryCodes };
  }

  /**
   * Gives an agent a known, already enrolled second factor (demonstration agents, tests, the
   * command line): returns the secret and fresh recovery codes.
   */
  async provisionTotp(agentId: string, secret = newTotpSecret()): Promise<{ secret: string; recoveryCodes: string[] }> {
    const recoveryCodes = newRecoveryCodes();
    await this.db.transaction(async (tx) => {
      await updateAgent(tx, agentId, { totpSecret: this.box.seal(secret), totpEnabledAt: this.clock.now(), totpLastStep: null });
      await replaceRecoveryCodes(tx, agentId, recoveryCodes.map((c) => hashRecoveryCode(c)!));
    });
    return { secret, recoveryCodes };
  }

  async unusedRecoveryCodes(agentId: string): Promise<number> {
    return countUnusedRecoveryCodes(this.db, agentId);
  }

  /* -------------------------------------------------------------- ProConnect */

  /**
   * A ProConnect identity signing in: matched to an agent by email. A role that must sign in with
   * two factors (an administrator: requiresTwoFactors) is refused when ProConnect says the
   * sign-in used only one; nothing is written then.
   */
  async proConnectSignin(
    email: string | undefined,
    twoFactors: boolean,
  ): Promise<{ kind: "ok"; agentId: string } | { kind: "unknown" } | { kind: "inactive" } | { kind: "two_factors_required" }> {
    if (!email) return { kind: "unknown" };
    const agent = await this.findByEmail(email);
    if (!agent) return { kind: "unknown" };
    if (!agent.active) return { kind: "inactive" };
    if (requiresTwoFactors(agent.role) && !twoFactors) return { kind: "two_factors_required" };
    await updateAgent(this.db, agent.id, { lastLoginAt: this.clock.now() });
    return { kind: "ok", agentId: agent.id };
  }

  /* -------------------------------------------------------------- services instructeurs */

  async services(): Promise<Array<InstructionService & { prefectures: number }>> {
    return listInstructionServices(this.db);
  }

  async createService(input: { id?: string; name: string }, by?: string): Promise<{ ok: true; id: string } | { ok: false; errors: FieldErrors }> {
    const name = input.name.trim();
    const id = (input.id?.trim() || serviceSlug(name)).toLowerCase();
    const errors: FieldErrors = {};
    if (!name) errors.name = "Saisissez le nom du service.";
    else if (name.length > 100) errors.name = "Le nom ne peut pas dépasser 100 caractères.";
    if (!errors.name && !SERVICE_ID.test(id)) errors.id = "L'identifiant ne contient que des lettres minuscules, des chiffres et des tirets (40 caractères au plus).";
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const inserted = await this.db.transaction(async (tx) => {
      const done = await insertInstructionService(tx, id, name);
      if (done) await insertAuditEntry(tx, { at: this.clock.now(), agentId: by ?? null, action: "service_cree", motive: id });
      return done;
    });
    return inserted ? { ok: true, id } : { ok: false, errors: { id: "Un service a déjà cet identifiant." } };
  }

  async service(id: string): Promise<InstructionService | undefined> {
    return SERVICE_ID.test(id) ? findInstructionService(this.db, id) : undefined;
  }

  async prefecturesOf(serviceId: string): Promise<string[]> {
    return prefecturesOfService(this.db, serviceId);
  }

  /** Maps a préfecture (checked by the caller against the geography) to a service. */
  async mapPrefecture(prefectureId: string, serviceId: string, by?: string): Promise<boolean> {
    if (!(await this.service(serviceId))) return false;
    await this.db.transaction(async (tx) => {
      await mapPrefecture(tx, prefectureId, serviceId);
      await insertAuditEntry(tx, { at: this.clock.now(), agentId: by ?? null, action: "prefecture_rattachee", motive: `${prefectureId} → ${serviceId}` });
    });
    return true;
  }

  /* -------------------------------------------------------------- audit log */

  async auditLog(before: number | undefined, limit = 50): Promise<{ entries: Array<AuditEntry & { agentName: string | null }>; next: number | undefined }> {
    const rows = await listAuditEntries(this.db, { before, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    return { entries, next: rows.length > limit ? entries[entries.length - 1]?.id : undefined };
  }

  /* -------------------------------------------------------------- sessions */

  private expiry(data: AgentSessionData): Date {
    if (data.agentId && data.signedInAt !== undefined) {
      return new Date(Math.min(data.lastSeenAt + AGENT_IDLE_MS, data.signedInAt + AGENT_ABSOLUTE_MS));
    }
    return new Date(data.lastSeenAt + PENDING_IDLE_MS);
  }

  /**
   * A new session; returns the token for the cookie (only its SHA-256 is stored). A session
   * made signed in records its sign-in time (the 8-hour limit).
   */
  async openSession(data: Omit<AgentSessionData, "lastSeenAt" | "signedInAt">): Promise<{ token: string; sid: string; data: AgentSessionData }> {
    const token = randomBytes(32).toString("base64url");
    const now = this.clock.now().getTime();
    const full: AgentSessionData = { ...data, lastSeenAt: now, ...(data.agentId ? { signedInAt: now } : {}) };
    const sid = sha256(token);
    await insertAgentSession(this.db, sid, full, this.expiry(full));
    return { token, sid, data: full };
  }

  /**
   * The session of a cookie's token, if still alive: 30 minutes without activity, 8 hours after
   * signing in (the test clock moves both). An expired session is deleted. The last activity is
   * pushed forward (and written back at most once a minute).
   */
  async loadSession(token: string | undefined): Promise<LoadedSession> {
    if (!token || token.length > 100) return { kind: "none" };
    const sid = sha256(token);
    const row = await findAgentSession(this.db, sid);
    if (!row) return { kind: "none" };
    const data = row.sess as AgentSessionData;
    const now = this.clock.now().getTime();
    const idle = data.agentId ? AGENT_IDLE_MS : PENDING_IDLE_MS;
    const tooOld = data.signedInAt !== undefined && now - data.signedInAt >= AGENT_ABSOLUTE_MS;
    if (typeof data.lastSeenAt !== "number" || now - data.lastSeenAt >= idle || tooOld) {
      await deleteAgentSession(this.db, sid);
      return { kind: "expired" };
    }
    const touched = now - data.lastSeenAt >= TOUCH_EVERY_MS;
    if (touched) data.lastSeenAt = now;
    return { kind: "live", sid, data, touched };
  }

  async saveSession(sid: string, data: AgentSessionData): Promise<void> {
    await updateAgentSession(this.db, sid, data, this.expiry(data));
  }

  async closeSession(sid: string): Promise<void> {
    await deleteAgentSession(this.db, sid);
  }
}

/* ------------------------------------------------------------------ command line */

/** `--name value` and `--flag` pairs; unknown or repeated options are refused. */
function parseOptions(args: readonly string[], known: Record<string, "value" | "flag">): { ok: true; options: Map<string, string | true> } | { ok: false; message: string } {
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.startsWith("--") ? arg.slice(2).split("=")[0]! : undefined;
    if (!name || !known[name]) return { ok: false, message: `option inconnue : ${arg}` };
    if (options.has(name)) return { ok: false, message: `option répétée : --${name}` };
    if (known[name] === "flag") {
      options.set(name, true);
      continue;
    }
    const inline = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : undefined;
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) return { ok: false, message: `valeur manquante pour --${name}` };
    options.set(name, value);
  }
  return { ok: true, options };
}

const AGENT_USAGE =
  "usage : npm run agent:creer -- --email prenom.nom@interieur.gouv.fr --prenom Prénom --nom NOM --role images|instruction|admin [--services cert-nord,cert-sud] [--mot-de-passe]";

/** `npm run agent:creer -- …` (scripts/admin.ts). */
export function parseAgentArgs(args: readonly string[]): { ok: true; input: Omit<NewAgentInput, "password">; withPassword: boolean } | { ok: false; message: string } {
  const parsed = parseOptions(args, { email: "value", prenom: "value", nom: "value", role: "value", services: "value", "mot-de-passe": "flag" });
  if (!parsed.ok) return { ok: false, message: `${parsed.message}\n${AGENT_USAGE}` };
  const o = parsed.options;
  const get = (k: string) => (typeof o.get(k) === "string" ? (o.get(k) as string) : undefined);
  const email = get("email");
  const givenName = get("prenom");
  const familyName = get("nom");
  const role = get("role");
  if (!email || !givenName || !familyName || !role) return { ok: false, message: AGENT_USAGE };
  const serviceIds = (get("services") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return { ok: true, input: { email, givenName, familyName, role, serviceIds }, withPassword: o.get("mot-de-passe") === true };
}

const SERVICE_USAGE = 'usage : npm run service:creer -- --nom "CERT Est" [--id cert-est] [--prefectures 67482,68066]';

/** `npm run service:creer -- …` (scripts/admin.ts). */
export function parseServiceArgs(args: readonly string[]): { ok: true; input: { id?: string; name: string }; prefectures: string[] } | { ok: false; message: string } {
  const parsed = parseOptions(args, { nom: "value", id: "value", prefectures: "value" });
  if (!parsed.ok) return { ok: false, message: `${parsed.message}\n${SERVICE_USAGE}` };
  const name = parsed.options.get("nom");
  const id = parsed.options.get("id");
  const prefectures = parsed.options.get("prefectures");
  if (typeof name !== "string") return { ok: false, message: SERVICE_USAGE };
  return {
    ok: true,
    input: { name, ...(typeof id === "string" ? { id } : {}) },
    prefectures: typeof prefectures === "string" ? prefectures.split(",").map((s) => s.trim()).filter(Boolean) : [],
  };
}
