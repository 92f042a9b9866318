import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { agentRecoveryCodes, agentServices, agentSessions, agents, auditLog, instructionServices, requests, servicePrefectures } from "../schema.ts";

/** Agents, their services, second factor and sessions; services instructeurs; the audit log (issue 9 §2). */
export type Agent = typeof agents.$inferSelect;
export type NewAgent = typeof agents.$inferInsert;
export type AgentWithServices = Agent & { serviceIds: string[] };
export type InstructionService = typeof instructionServices.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

/** The agent's services as a text array (one query, grouped). */
const serviceIdsColumn = sql<string[] | null>`array_agg(${agentServices.serviceId} order by ${agentServices.serviceId}) filter (where ${agentServices.serviceId} is not null)`;

function withServices(row: Agent & { serviceIds: string[] | null }): AgentWithServices {
  return { ...row, serviceIds: row.serviceIds ?? [] };
}

export async function insertAgent(db: Executor, values: NewAgent): Promise<Agent> {
  const [row] = await db.insert(agents).values(values).returning();
  return row!;
}

export async function findAgentByEmail(db: Executor, email: string): Promise<Agent | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.email, email.toLowerCase()));
  return row;
}

export async function findAgentById(db: Executor, id: string): Promise<Agent | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id));
  return row;
}

/** The agent and the ids of their services, in one query. */
export async function findAgentWithServices(db: Executor, id: string): Promise<AgentWithServices | undefined> {
  const [row] = await db
    .select({ ...agentColumns(), serviceIds: serviceIdsColumn })
    .from(agents)
    .leftJoin(agentServices, eq(agentServices.agentId, agents.id))
    .where(eq(agents.id, id))
    .groupBy(agents.id);
  return row ? withServices(row) : undefined;
}

export async function listAgentsWithServices(db: Executor, limit = 1000): Promise<AgentWithServices[]> {
  const rows = await db
    .select({ ...agentColumns(), serviceIds: serviceIdsColumn })
    .from(agents)
    .leftJoin(agentServices, eq(agentServices.agentId, agents.id))
    .groupBy(agents.id)
    .orderBy(asc(agents.familyName), asc(agents.givenName), asc(agents.email))
    .limit(limit);
  return rows.map(withServices);
}

function agentColumns() {
  return {
    id: agents.id,
    email: agents.email,
    givenName: agents.givenName,
    familyName: agents.familyName,
    role: agents.role,
    active: agents.active,
    passwordHash: agents.passwordHash,
    totpSecret: agents.totpSecret,
    totpEnabledAt: agents.totpEnabledAt,
    totpLastStep: agents.totpLastStep,
    createdAt: agents.createdAt,
    lastLoginAt: agents.lastLoginAt,
  };
}

export async function updateAgent(db: Executor, id: string, values: Partial<NewAgent>): Promise<Agent | undefined> {
  const [row] = await db.update(agents).set(values).where(eq(agents.id, id)).returning();
  return row;
}

export async function setAgentServices(db: Executor, agentId: string, serviceIds: readonly string[]): Promise<void> {
  await db.delete(agentServices).where(eq(agentServices.agentId, agentId));
  if (serviceIds.length > 0) await db.insert(agentServices).values(serviceIds.map((serviceId) => ({ agentId, serviceId })));
}

/**
 * Records `step` as the agent's last accepted TOTP time step, only if it is later than the one
 * recorded: false when it is not (the code is a replay, possibly a concurrent one).
 */
export async function advanceTotpStep(db: Executor, agentId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(agents)
    .set({ totpLastStep: step })
    .where(and(eq(agents.id, agentId), or(isNull(agents.totpLastStep), lt(agents.totpLastStep, step))))
    .returning({ id: agents.id });
  return rows.length === 1;
}

export async function replaceRecoveryCodes(db: Executor, agentId: string, hashes: readonly string[]): Promise<void> {
  await db.delete(agentRecoveryCodes).where(eq(agentRecoveryCodes.agentId, agentId));
  if (hashes.length > 0) await db.insert(agentRecoveryCodes).values(hashes.map((codeHash) => ({ agentId, codeHash })));
}

/** Marks an unused recovery code as used; false when there is none with this hash. */
export async function useRecoveryCode(db: Executor, agentId: string, codeHash: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(agentRecoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(agentRecoveryCodes.agentId, agentId), eq(agentRecoveryCodes.codeHash, codeHash), isNull(agentRecoveryCodes.usedAt)))
    .returning({ id: agentRecoveryCodes.id });
  return rows.length === 1;
}

export async function countUnusedRecoveryCodes(db: Executor, agentId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(agentRecoveryCodes)
    .where(and(eq(agentRecoveryCodes.agentId, agentId), isNull(agentRecoveryCodes.usedAt)));
  return Number(row?.n ?? 0);
}

/* ------------------------------------------------------------------ services instructeurs */

export async function listInstructionServices(db: Executor): Promise<Array<InstructionService & { prefectures: number }>> {
  const rows = await db
    .select({
      id: instructionServices.id,
      name: instructionServices.name,
      createdAt: instructionServices.createdAt,
      prefectures: sql<number>`count(${servicePrefectures.prefectureId})::int`,
    })
    .from(instructionServices)
    .leftJoin(servicePrefectures, eq(servicePrefectures.serviceId, instructionServices.id))
    .groupBy(instructionServices.id)
    .orderBy(asc(instructionServices.name));
  return rows.map((r) => ({ ...r, prefectures: Number(r.prefectures) }));
}

export async function findInstructionService(db: Executor, id: string): Promise<InstructionService | undefined> {
  const [row] = await db.select().from(instructionServices).where(eq(instructionServices.id, id));
  return row;
}

/** Inserts the service unless one has this id; true when inserted. */
export async function insertInstructionService(db: Executor, id: string, name: string): Promise<boolean> {
  const rows = await db.insert(instructionServices).values({ id, name }).onConflictDoNothing().returning({ id: instructionServices.id });
  return rows.length === 1;
}

/** Maps a préfecture to a service (replacing its previous service). */
/**
 * Maps a préfecture to the service that instructs it. The préfecture's requests still waiting for
 * a decision follow it (requests_prefecture_idx), released by whoever held them in the old
 * service; decided requests stay with the service that decided them. Returns how many moved.
 */
export async function mapPrefecture(db: Executor, prefectureId: string, serviceId: string): Promise<number> {
  await db.insert(servicePrefectures).values({ prefectureId, serviceId }).onConflictDoUpdate({ target: servicePrefectures.prefectureId, set: { serviceId } });
  const moved = await db
    .update(requests)
    .set({ serviceId, assignedAgentId: null, assignedAt: null })
    .where(
      and(
        eq(requests.prefectureId, prefectureId),
        sql`${requests.serviceId} is distinct from ${serviceId}`,
        inArray(requests.state, ["envoyee", "verification_images", "en_instruction", "a_completer"]),
      ),
    )
    .returning({ id: requests.id });
  return moved.length;
}

export async function prefecturesOfService(db: Executor, serviceId: string): Promise<string[]> {
  const rows = await db
    .select({ id: servicePrefectures.prefectureId })
    .from(servicePrefectures)
    .where(eq(servicePrefectures.serviceId, serviceId))
    .orderBy(asc(servicePrefectures.prefectureId));
  return rows.map((r) => r.id);
}

export async function countInstructionServices(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(instructionServices);
  return Number(row?.n ?? 0);
}

/* ------------------------------------------------------------------ sessions */

export interface StoredAgentSession {
  sid: string;
  sess: unknown;
  expire: Date;
}

export async function insertAgentSession(db: Executor, sid: string, sess: unknown, expire: Date): Promise<void> {
  await db.insert(agentSessions).values({ sid, sess, expire });
}

export async function findAgentSession(db: Executor, sid: string): Promise<StoredAgentSession | undefined> {
  const [row] = await db.select().from(agentSessions).where(eq(agentSessions.sid, sid));
  return row;
}

export async function updateAgentSession(db: Executor, sid: string, sess: unknown, expire: Date): Promise<void> {
  await db.update(agentSessions).set({ sess, expire }).where(eq(agentSessions.sid, sid));
}

export async function deleteAgentSession(db: Executor, sid: string): Promise<void> {
  await db.delete(agentSessions).where(eq(agentSessions.sid, sid));
}

export async function deleteSessionsOfAgent(db: Executor, agentId: string): Promise<void> {
  await db.delete(agentSessions).where(sql`${agentSessions.sess}->>'agentId' = ${agentId}`);
}

export async function deleteExpiredAgentSessions(db: Executor, now: Date): Promise<number> {
  const rows = await db.delete(agentSessions).where(lt(agentSessions.expire, now)).returning({ sid: agentSessions.sid });
  return rows.length;
}

/* ------------------------------------------------------------------ audit log */

export async function insertAuditEntry(db: Executor, entry: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/** Newest first; `before`: the id of the last row of the previous page (keyset pagination). */
export async function listAuditEntries(
  db: Executor,
  options: { before?: number | undefined; limit: number },
): Promise<Array<AuditEntry & { agentName: string | null }>> {
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      agentId: auditLog.agentId,
      action: auditLog.action,
      requestId: auditLog.requestId,
      requestNumber: auditLog.requestNumber,
      fromState: auditLog.fromState,
      toState: auditLog.toState,
      motive: auditLog.motive,
      agentName: sql<string | null>`${agents.givenName} || ' ' || ${agents.familyName}`,
    })
    .from(auditLog)
    .leftJoin(agents, eq(agents.id, auditLog.agentId))
    .where(options.before !== undefined ? lt(auditLog.id, options.before) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(options.limit);
  return rows;
}
