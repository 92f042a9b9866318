import { and, asc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { agents, agentServices, completionItems, instructionServices, outbox, photoCodes, requestDocuments, requests } from "../schema.ts";
import type { RequestState } from "../../domain/request/state.ts";

/**
 * The back-office's queries (issue 9 §3). Every one is scoped to the services an agent may see:
 * `scope` is the list of their services, or "all" for an administrator. A request outside the
 * scope is never returned, as if it did not exist.
 *
 * Queues use the partial index requests_queue_idx (service_id, state, sent_at, id): one ordered
 * index range per (service, state) pair (a lateral scan of `limit` rows each, planned once),
 * merged oldest first; the next page starts after the last (sent_at, id) shown (keyset: no
 * OFFSET, the cost does not grow with the page number nor with the table).
 */
export type Scope = readonly string[] | "all";

export type RequestRow = typeof requests.$inferSelect;

/** The 7 states a sent request may be in (a draft is never shown to an agent). */
const SENT_STATES: readonly RequestState[] = ["envoyee", "verification_images", "en_instruction", "a_completer", "rejet_images", "rejet_instruction", "validee"];

/** Where the previous page ended: the sent_at and id of its last row (src/domain/request/queues.ts encodes it). */
export interface Cursor {
  sentAt: Date;
  id: string;
}

export interface QueueFilters {
  states: readonly RequestState[];
  /** One service among the scope's. */
  serviceId?: string | undefined;
  /** Motif ids (src/domain/request/motifs.ts): any of them. */
  motifs?: readonly string[] | undefined;
  /** A category asked for (step 1). */
  categorie?: string | undefined;
  /** Sent on or after `from`, before `to`. */
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface QueueRow {
  id: string;
  number: string | null;
  state: RequestState;
  sentAt: Date;
  motif: string;
  serviceId: string | null;
  serviceName: string | null;
  /** Nom de naissance and first prénom of the frozen request. */
  familyName: string | null;
  givenName: string | null;
  neph: string | null;
  assignedAgentId: string | null;
  assigneeName: string | null;
  stateChangedAt: Date | null;
  cursor: Cursor;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** The state literal, checked against the list (it is written into the statement, so that the partial index applies). */
function stateLiteral(state: RequestState): SQL {
  if (!SENT_STATES.includes(state)) throw new Error("not a sent state");
  return sql.raw(`'${state}'`);
}

/**
 * The services whose requests a scope covers, for one index range each: its own list, or for an
 * administrator every service plus the requests of a préfecture mapped to none (null).
 */
export async function scopeServices(db: Executor, scope: Scope): Promise<Array<string | null>> {
  if (scope !== "all") return [...scope];
  const rows = await db.select({ id: instructionServices.id }).from(instructionServices).orderBy(asc(instructionServices.id));
  return [...rows.map((r) => r.id), null];
}

export async function serviceNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: instructionServices.id, name: instructionServices.name }).from(instructionServices).where(inArray(instructionServices.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

function filterConditions(f: Omit<QueueFilters, "states" | "serviceId">, after: Cursor | undefined): SQL[] {
  const where: SQL[] = [];
  if (after) where.push(sql`(r.sent_at, r.id) > (${after.sentAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
  if (f.from) where.push(sql`r.sent_at >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) where.push(sql`r.sent_at < ${f.to.toISOString()}::timestamptz`);
  if (f.motifs) {
    where.push(
      f.motifs.length === 0
        ? sql`false`
        : sql`r.motif IN (${sql.join(
            f.motifs.map((m) => sql`${m}`),
            sql`, `,
          )})`,
    );
  }
  if (f.categorie) where.push(sql`r.frozen->'content'->'step1'->'categories' @> ${JSON.stringify([f.categorie])}::jsonb`);
  return where;
}

/** The columns a list shows, for the ids of one page (in its order). */
const LIST_COLUMNS = sql`
  r.id, r.number, r.state, r.sent_at, r.motif, r.service_id, s.name AS service_name,
  r.frozen->'content'->'etatCivil'->>'nomNaissance' AS family_name,
  r.frozen->'content'->'etatCivil'->'prenoms'->>0 AS given_name,
  r.neph, r.assigned_agent_id,
  CASE WHEN a.id IS NULL THEN NULL ELSE a.given_name || ' ' || a.family_name END AS assignee_name,
  r.state_changed_at`;

interface RawListRow {
  id: string;
  number: string | null;
  state: RequestState;
  sent_at: Date | string;
  motif: string;
  service_id: string | null;
  service_name: string | null;
  family_name: string | null;
  given_name: string | null;
  neph: string | null;
  assigned_agent_id: string | null;
  assignee_name: string | null;
  state_changed_at: Date | string | null;
}

function toQueueRow(r: RawListRow): QueueRow {
  return {
    id: r.id,
    number: r.number,
    state: r.state,
    sentAt: new Date(r.sent_at),
    motif: r.motif,
    serviceId: r.service_id,
    serviceName: r.service_name,
    familyName: r.family_name,
    givenName: r.given_name,
    neph: r.neph,
    assignedAgentId: r.assigned_agent_id,
    assigneeName: r.assignee_name,
    stateChangedAt: r.state_changed_at === null ? null : new Date(r.state_changed_at),
    cursor: { sentAt: new Date(r.sent_at), id: r.id },
  };
}

/** One page of branches (each an ordered index range), merged oldest first; `limit` rows at most. */
function mergedPageSql(branches: SQL[], limit: number): SQL {
  const union = sql.join(
    branches.map((b) => sql`(${b})`),
    sql` UNION ALL `,
  );
  return sql`
    WITH page AS (SELECT id, sent_at FROM (${union}) u ORDER BY sent_at, id LIMIT ${limit})
    SELECT ${LIST_COLUMNS}
    FROM page p JOIN requests r ON r.id = p.id
    LEFT JOIN agents a ON a.id = r.assigned_agent_id
    LEFT JOIN instruction_services s ON s.id = r.service_id
    ORDER BY p.sent_at, p.id`;
}

async function mergedPage(db: Executor, branches: SQL[], limit: number): Promise<QueueRow[]> {
  if (branches.length === 0) return [];
  return rowsOf<RawListRow>(await db.execute(mergedPageSql(branches, limit))).map(toQueueRow);
}

/** The statement of a queue page over these services (exported for the query-plan test). */
/** A PostgreSQL array literal of texts, every element quoted (one parameter, whatever the count). */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

export function queueSql(services: ReadonlyArray<string | null>, filters: QueueFilters, after: Cursor | undefined, limit: number): SQL {
  const extra = filterConditions(filters, after);
  const more = extra.length ? sql`AND ${sql.join(extra, sql` AND `)}` : sql``;
  const named = services.filter((s): s is string => s !== null);
  const branches: SQL[] = [];
  if (named.length > 0 && filters.states.length > 0) {
    // One ordered range per (service, state) pair, planned once: a lateral scan of the index per pair.
    const pairs = named.flatMap((service) => filters.states.map((state) => [service, state] as const));
    branches.push(sql`SELECT x.id, x.sent_at
      FROM unnest(${textArray(pairs.map(([s]) => s))}::text[], ${textArray(pairs.map(([, st]) => st))}::text[]) AS v(service_id, state)
      CROSS JOIN LATERAL (
        SELECT r.id, r.sent_at FROM requests r
        WHERE r.service_id = v.service_id AND r.state = v.state AND r.state <> 'brouillon' ${more}
        ORDER BY r.sent_at, r.id LIMIT ${limit}
      ) x`);
  }
  if (services.includes(null)) {
    for (const state of filters.states) {
      branches.push(sql`SELECT r.id, r.sent_at FROM requests r
        WHERE r.service_id IS NULL AND r.state = ${stateLiteral(state)} AND r.state <> 'brouillon' ${more}
        ORDER BY r.sent_at, r.id LIMIT ${limit}`);
    }
  }
  return mergedPageSql(branches, limit);
}

/**
 * A queue: requests of the scope in `filters.states`, oldest sent first, `limit` rows after
 * `after`. One ordered range of requests_queue_idx per (service, state).
 */
export async function listQueue(db: Executor, scope: Scope, filters: QueueFilters, after: Cursor | undefined, limit: number): Promise<QueueRow[]> {
  let services = await scopeServices(db, scope);
  if (filters.serviceId !== undefined) services = services.filter((s) => s === filters.serviceId);
  if (services.length === 0 || filters.states.length === 0) return [];
  return rowsOf<RawListRow>(await db.execute(queueSql(services, filters, after, limit))).map(toQueueRow);
}

/**
 * Requests of the scope by nom de naissance (`searchName`, normalised as at sending), in any
 * sent state among `states`, oldest first: one range of requests_search_name_idx per service.
 */
export async function searchByName(db: Executor, scope: Scope, searchName: string, filters: QueueFilters, after: Cursor | undefined, limit: number): Promise<QueueRow[]> {
  let services = await scopeServices(db, scope);
  if (filters.serviceId !== undefined) services = services.filter((s) => s === filters.serviceId);
  const states = filters.states.length ? filters.states : SENT_STATES;
  const extra = filterConditions(filters, after);
  const where = sql`r.search_name = ${searchName} AND r.state <> 'brouillon'
    AND r.state IN (${sql.join(states.map(stateLiteral), sql`, `)})
    ${extra.length ? sql`AND ${sql.join(extra, sql` AND `)}` : sql``}`;
  const named = services.filter((s): s is string => s !== null);
  const branches: SQL[] = [];
  if (named.length > 0) {
    branches.push(sql`SELECT x.id, x.sent_at FROM unnest(${textArray(named)}::text[]) AS v(service_id)
      CROSS JOIN LATERAL (SELECT r.id, r.sent_at FROM requests r WHERE r.service_id = v.service_id AND ${where} ORDER BY r.sent_at, r.id LIMIT ${limit}) x`);
  }
  if (services.includes(null)) branches.push(sql`SELECT r.id, r.sent_at FROM requests r WHERE r.service_id IS NULL AND ${where} ORDER BY r.sent_at, r.id LIMIT ${limit}`);
  return mergedPage(db, branches, limit);
}

function scopeCondition(scope: Scope): SQL {
  if (scope === "all") return sql`true`;
  if (scope.length === 0) return sql`false`;
  return sql`r.service_id IN (${sql.join(
    scope.map((s) => sql`${s}`),
    sql`, `,
  )})`;
}

/** A request of the scope by its numéro de demande or its NEPH (both unique). */
export async function findByKey(db: Executor, scope: Scope, key: { number: string } | { neph: string }): Promise<QueueRow[]> {
  const match = "number" in key ? sql`r.number = ${key.number}` : sql`r.neph = ${key.neph}`;
  const result = await db.execute(sql`
    SELECT ${LIST_COLUMNS}
    FROM requests r
    LEFT JOIN agents a ON a.id = r.assigned_agent_id
    LEFT JOIN instruction_services s ON s.id = r.service_id
    WHERE ${match} AND r.state <> 'brouillon' AND ${scopeCondition(scope)}`);
  return rowsOf<RawListRow>(result).map(toQueueRow);
}

/** How many requests of the scope are in each sent state, counted up to `cap` each (a queue shows "1 000 et plus"). */
export async function countByState(db: Executor, scope: Scope, cap: number): Promise<Record<RequestState, number>> {
  const columns = sql.join(
    SENT_STATES.map(
      (state) =>
        sql`(SELECT count(*) FROM (SELECT 1 FROM requests r WHERE r.state = ${stateLiteral(state)} AND r.state <> 'brouillon' AND ${scopeCondition(scope)} LIMIT ${cap}) c)::int AS ${sql.raw(state)}`,
    ),
    sql`, `,
  );
  const result = await db.execute(sql`SELECT ${columns}`);
  const row = rowsOf<Record<string, number | string>>(result)[0] ?? {};
  const counts = { brouillon: 0 } as Record<RequestState, number>;
  for (const state of SENT_STATES) counts[state] = Number(row[state] ?? 0);
  return counts;
}

/** A sent request of the scope (locked FOR UPDATE inside a transaction when `lock`). */
export async function findScoped(db: Executor, scope: Scope, id: string): Promise<RequestRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const inScope = scope === "all" ? undefined : scope.length === 0 ? sql`false` : inArray(requests.serviceId, [...scope]);
  const [row] = await db
    .select()
    .from(requests)
    .where(and(eq(requests.id, id), sql`${requests.state} <> 'brouillon'`, inScope));
  return row;
}

export interface AgentName {
  id: string;
  name: string;
  role: string;
}

export async function agentName(db: Executor, id: string): Promise<AgentName | undefined> {
  const [row] = await db.select({ id: agents.id, givenName: agents.givenName, familyName: agents.familyName, role: agents.role }).from(agents).where(eq(agents.id, id));
  return row ? { id: row.id, name: `${row.givenName} ${row.familyName}`, role: row.role } : undefined;
}

/** Active agents who may be given a request of `serviceId`: its members (images or instruction) and the administrators. */
export async function agentsForService(db: Executor, serviceId: string | null): Promise<AgentName[]> {
  const member = serviceId === null ? sql`false` : sql`${agents.id} IN (SELECT ${agentServices.agentId} FROM ${agentServices} WHERE ${agentServices.serviceId} = ${serviceId})`;
  const rows = await db
    .select({ id: agents.id, givenName: agents.givenName, familyName: agents.familyName, role: agents.role })
    .from(agents)
    .where(and(eq(agents.active, true), or(member, eq(agents.role, "admin"))))
    .orderBy(asc(agents.familyName), asc(agents.givenName))
    .limit(500);
  return rows.map((r) => ({ id: r.id, name: `${r.givenName} ${r.familyName}`, role: r.role }));
}

/**
 * "Je prends ce dossier": the request becomes the agent's only if nobody has it (one conditional
 * update: of two agents at once, exactly one wins). False when someone had it already.
 */
export async function takeRequest(db: Executor, id: string, agentId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ assignedAgentId: agentId, assignedAt: now })
    .where(and(eq(requests.id, id), isNull(requests.assignedAgentId)))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** Gives the request back (only if `holder` still has it; any holder when undefined). */
export async function releaseRequest(db: Executor, id: string, holder: string | undefined): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ assignedAgentId: null, assignedAt: null })
    .where(and(eq(requests.id, id), holder === undefined ? sql`${requests.assignedAgentId} IS NOT NULL` : eq(requests.assignedAgentId, holder)))
    .returning({ id: requests.id });
  return rows.length === 1;
}

export async function assignRequest(db: Executor, id: string, agentId: string, now: Date): Promise<void> {
  await db.update(requests).set({ assignedAgentId: agentId, assignedAt: now }).where(eq(requests.id, id));
}

export type CompletionRow = typeof completionItems.$inferSelect;

export async function listCompletionItems(db: Executor, requestId: string): Promise<CompletionRow[]> {
  return db.select().from(completionItems).where(eq(completionItems.requestId, requestId)).orderBy(asc(completionItems.id)).limit(500);
}

export interface MessageRow {
  id: number;
  channel: "mail" | "sms";
  recipient: string;
  subject: string;
  status: "pending" | "sent" | "failed";
  createdAt: Date;
  sentAt: Date | null;
  deliveryStatus: string | null;
  deliveryAt: Date | null;
  segments: number | null;
}

/** The mails and SMS about a request, oldest first (with the SMS provider's delivery status). */
export async function listRequestMessages(db: Executor, requestId: string): Promise<MessageRow[]> {
  return db
    .select({
      id: outbox.id,
      channel: outbox.channel,
      recipient: outbox.recipient,
      subject: outbox.subject,
      status: outbox.status,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
      deliveryStatus: outbox.deliveryStatus,
      deliveryAt: outbox.deliveryAt,
      segments: outbox.segments,
    })
    .from(outbox)
    .where(eq(outbox.requestId, requestId))
    .orderBy(asc(outbox.id))
    .limit(200);
}

export type DocumentRow = typeof requestDocuments.$inferSelect;

export async function listRequestDocuments(db: Executor, requestId: string): Promise<DocumentRow[]> {
  return db.select().from(requestDocuments).where(eq(requestDocuments.requestId, requestId)).orderBy(asc(requestDocuments.createdAt), asc(requestDocuments.id)).limit(200);
}

export async function findRequestDocument(db: Executor, requestId: string, id: string): Promise<DocumentRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(requestDocuments).where(and(eq(requestDocuments.id, id), eq(requestDocuments.requestId, requestId)));
  return row;
}

export type PhotoCodeRow = typeof photoCodes.$inferSelect;

/** The digital photo and signature a sent request used (its code, made final at sending). */
export async function findUsedPhotoCode(db: Executor, requestId: string): Promise<PhotoCodeRow | undefined> {
  const [row] = await db
    .select()
    .from(photoCodes)
    .where(and(eq(photoCodes.requestId, requestId), sql`${photoCodes.usedAt} IS NOT NULL`))
    .limit(1);
  return row;
}
