import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { requestDocuments, requestNumbers, requests } from "../schema.ts";

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

/** The request if it belongs to `accountId` (anyone else gets nothing, as if it did not exist). */
export async function findOwnRequest(db: Executor, accountId: string, id: string): Promise<RequestRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(requests).where(and(eq(requests.id, id), eq(requests.accountId, accountId)));
  return row;
}

export async function listRequestsOf(db: Executor, accountId: string): Promise<RequestRow[]> {
  return db.select().from(requests).where(eq(requests.accountId, accountId)).orderBy(desc(requests.createdAt));
}

/** Saves a draft's answers; only while it is a draft. */
export async function saveDraftData(db: Executor, id: string, data: RawSteps, now: Date): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ data, updatedAt: now })
    .where(and(eq(requests.id, id), eq(requests.state, "brouillon")))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** Moves a draft to "Envoyée" with its frozen content and number; false if it was no longer a draft. */
export async function markSent(db: Executor, id: string, values: { frozen: unknown; number: string; now: Date }): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ state: "envoyee", frozen: values.frozen, number: values.number, sentAt: values.now, updatedAt: values.now })
    .where(and(eq(requests.id, id), eq(requests.state, "brouillon")))
    .returning({ id: requests.id });
  return rows.length === 1;
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
