import { and, asc, count, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { accounts, nephNumbers, requestDocuments, requestNumbers, requests, servicePrefectures } from "../schema.ts";
import { perExecutor } from "../prepared.ts";
import { claimLeased } from "./leases.ts";

export type RequestRow = typeof requests.$inferSelect;
export type DocumentRow = typeof requestDocuments.$inferSelect;
export type RawSteps = Record<string, Record<string, string | string[]>>;

export async function insertRequest(db: Executor, values: { accountId: string; motif: string; data: RawSteps; now: Date }): Promise<RequestRow> {
  const [row] = await db
    .insert(requests)
    .values({ accountId: values.accountId, motif: values.motif, data: values.data, createdAt: values.now, updatedAt: values.now })
    .returning();
  return row!;
}

/** Locks an account's row until the end of the transaction (serialises the creation of its drafts). */
export async function lockAccount(db: Executor, accountId: string): Promise<boolean> {
  const rows = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for("update");
  return rows.length === 1;
}

/** How many drafts ("brouillon") the account has open. */
export async function countDrafts(db: Executor, accountId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(requests)
    .where(and(eq(requests.accountId, accountId), eq(requests.state, "brouillon")));
  return Number(row?.n ?? 0);
}

/** The statements of every step's POST (read the draft, write it), prepared (../prepared.ts). */
const draftStatements = perExecutor((db) => ({
  findOwn: db
    .select()
    .from(requests)
    .where(and(eq(requests.id, sql.placeholder("id")), eq(requests.accountId, sql.placeholder("accountId"))))
    .prepare("requests_find_own"),
  saveDraft: db
    .update(requests)
    .set({ data: sql`${sql.placeholder("data")}::jsonb`, updatedAt: sql`${sql.placeholder("now")}::timestamptz` })
    .where(and(eq(requests.id, sql.placeholder("id")), eq(requests.state, "brouillon")))
    .returning({ id: requests.id })
    .prepare("requests_save_draft"),
}));

/** The request if it belongs to `accountId` (anyone else gets nothing, as if it did not exist). */
export async function findOwnRequest(db: Executor, accountId: string, id: string): Promise<RequestRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await draftStatements(db).findOwn.execute({ id, accountId });
  return row;
}

export async function listRequestsOf(db: Executor, accountId: string): Promise<RequestRow[]> {
  return db.select().from(requests).where(eq(requests.accountId, accountId)).orderBy(desc(requests.createdAt));
}

/** Saves a draft's answers; only while it is a draft. */
export async function saveDraftData(db: Executor, id: string, data: RawSteps, now: Date): Promise<boolean> {
  const rows = await draftStatements(db).saveDraft.execute({ id, data: JSON.stringify(data), now: now.toISOString() });
  return rows.length === 1;
}

/**
 * Step 7, before the "envoyer" transition: freezes a draft's content with its number, and copies
 * what the back-office filters and searches on (préfecture de rattachement, service instructeur,
 * nom de naissance). The state itself is written only by transition(); false if no longer a draft.
 */
export async function freezeForSending(
  db: Executor,
  id: string,
  values: { frozen: unknown; number: string; now: Date; prefectureId: string | null; serviceId: string | null; searchName: string | null },
): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({
      frozen: values.frozen,
      number: values.number,
      sentAt: values.now,
      updatedAt: values.now,
      prefectureId: values.prefectureId,
      serviceId: values.serviceId,
      searchName: values.searchName,
    })
    .where(and(eq(requests.id, id), eq(requests.state, "brouillon")))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** The service instructeur of a préfecture de rattachement; null when none is mapped. */
export async function findServiceOfPrefecture(db: Executor, prefectureId: string): Promise<string | null> {
  const [row] = await db.select({ serviceId: servicePrefectures.serviceId }).from(servicePrefectures).where(eq(servicePrefectures.prefectureId, prefectureId));
  return row?.serviceId ?? null;
}

/** Any request by id (access is the caller's question: src/domain/request/access.ts). */
export async function findRequest(db: Executor, id: string): Promise<RequestRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(requests).where(eq(requests.id, id));
  return row;
}

/** Locks a request's row until the end of the transaction (transition(): one state change at a time). */
export async function lockRequest(db: Executor, id: string): Promise<RequestRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(requests).where(eq(requests.id, id)).for("update");
  return row;
}

/**
 * The one write of `state` (called by transition() only, under the row's lock): the new state, the
 * version raised by one, and what goes with it. False if the version is no longer `fromVersion`.
 */
export async function applyTransition(
  db: Executor,
  id: string,
  fromVersion: number,
  values: { state: string; now: Date; decided: boolean; neph?: string | undefined; assignedAgentId: string | null; assignedAt: Date | null },
): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({
      state: values.state,
      version: sql`${requests.version} + 1`,
      stateChangedAt: values.now,
      updatedAt: values.now,
      ...(values.decided ? { decidedAt: values.now } : {}),
      ...(values.neph ? { neph: values.neph } : {}),
      assignedAgentId: values.assignedAgentId,
      assignedAt: values.assignedAt,
    })
    .where(and(eq(requests.id, id), eq(requests.version, fromVersion)))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** The next NEPH serial (database sequence neph_seq: never drawn twice). */
export async function nextNephSerial(db: Executor): Promise<number> {
  const result = await db.execute(sql`select nextval(${sql.raw(`'${nephNumbers.seqName}'`)}) as n`);
  return Number((result as unknown as { rows: Array<{ n: string | number }> }).rows[0]!.n);
}

export async function nextRequestNumber(db: Executor): Promise<number> {
  const result = await db.execute(sql`select nextval(${sql.raw(`'${requestNumbers.seqName}'`)}) as n`);
  return Number((result as unknown as { rows: Array<{ n: string | number }> }).rows[0]!.n);
}

/** Locks a draft's row until the end of the transaction (serialises uploads to one draft); false if it is no longer a draft. */
export async function lockDraft(db: Executor, id: string): Promise<boolean> {
  const rows = await db.select({ id: requests.id }).from(requests).where(and(eq(requests.id, id), eq(requests.state, "brouillon"))).for("update");
  return rows.length === 1;
}

export async function deleteDraft(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .delete(requests)
    .where(and(eq(requests.id, id), eq(requests.state, "brouillon")))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** Requests created before `before` (SPEC §4: deleted 6 months after creation), with their documents' keys. */
export async function findRequestsCreatedBefore(db: Executor, before: Date, limit: number): Promise<RequestRow[]> {
  return db.select().from(requests).where(lt(requests.createdAt, before)).orderBy(asc(requests.createdAt)).limit(limit);
}

export async function deleteRequest(db: Executor, id: string): Promise<void> {
  await db.delete(requests).where(eq(requests.id, id));
}

/* ---- documents ---- */

export async function insertDocument(db: Executor, values: typeof requestDocuments.$inferInsert): Promise<DocumentRow> {
  const [row] = await db.insert(requestDocuments).values(values).returning();
  return row!;
}

export async function listDocuments(db: Executor, requestId: string): Promise<DocumentRow[]> {
  return db.select().from(requestDocuments).where(eq(requestDocuments.requestId, requestId)).orderBy(asc(requestDocuments.createdAt), asc(requestDocuments.id));
}

export async function findDocument(db: Executor, requestId: string, id: string): Promise<DocumentRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(requestDocuments).where(and(eq(requestDocuments.id, id), eq(requestDocuments.requestId, requestId)));
  return row;
}

export async function deleteDocument(db: Executor, requestId: string, id: string): Promise<DocumentRow | undefined> {
  const [row] = await db
    .delete(requestDocuments)
    .where(and(eq(requestDocuments.id, id), eq(requestDocuments.requestId, requestId)))
    .returning();
  return row;
}

/* ---- antivirus ---- */

export type ScanStatus = DocumentRow["scanStatus"];

/**
 * Claims up to `limit` pending documents due for a scan (several workers never claim the
 * same row): each is leased until `now + leaseSeconds`, after which another worker may
 * take it over (the scanning one died).
 */
export async function claimDueScans(db: Executor, now: Date, leaseSeconds: number, limit: number): Promise<DocumentRow[]> {
  const ids = await claimLeased(
    db,
    { table: requestDocuments, pending: sql`scan_status = 'pending'`, dueAt: "scan_next_at", lockedUntil: "scan_locked_until", attempts: "scan_attempts" },
    now,
    leaseSeconds,
    limit,
  );
  if (ids.length === 0) return [];
  return db.select().from(requestDocuments).where(inArray(requestDocuments.id, ids)).orderBy(asc(requestDocuments.scanNextAt), asc(requestDocuments.id));
}

/** Records the verdict of a pending document; false if it was deleted or already decided meanwhile. */
export async function markScanned(db: Executor, id: string, status: "clean" | "infected", now: Date): Promise<boolean> {
  const rows = await db
    .update(requestDocuments)
    .set({ scanStatus: status, scannedAt: now, scanLockedUntil: null })
    .where(and(eq(requestDocuments.id, id), eq(requestDocuments.scanStatus, "pending")))
    .returning({ id: requestDocuments.id });
  return rows.length === 1;
}

/** No verdict this time (clamd down): the document stays pending, retried at `retryAt`. */
export async function postponeScan(db: Executor, id: string, retryAt: Date): Promise<void> {
  await db
    .update(requestDocuments)
    .set({ scanNextAt: retryAt, scanLockedUntil: null })
    .where(and(eq(requestDocuments.id, id), eq(requestDocuments.scanStatus, "pending")));
}

/** The documents of a request that may not be sent: still being scanned, or infected. */
export async function countUnsafeDocuments(db: Executor, requestId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(requestDocuments)
    .where(and(eq(requestDocuments.requestId, requestId), inArray(requestDocuments.scanStatus, ["pending", "infected"])));
  return Number(row?.n ?? 0);
}


/* ---- licences produced (seed 004: a correction is matched to the request that produced the licence) ---- */

/** Records the licence a request produced (the back-office, when the title is made). */
export async function recordLicence(db: Executor, id: string, values: { number: string; issuedAt: Date }): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ licenceNumber: values.number, licenceIssuedAt: values.issuedAt })
    .where(eq(requests.id, id))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** The account's own request that produced the licence `number`; another account's is never returned. */
export async function findOwnRequestByLicence(db: Executor, accountId: string, number: string): Promise<RequestRow | undefined> {
  const [row] = await db.select().from(requests).where(and(eq(requests.licenceNumber, number), eq(requests.accountId, accountId)));
  return row;
}
