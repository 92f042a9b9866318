import { and, eq, gt, ilike, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { photoCodes, photoProviders } from "../schema.ts";

export type PhotoCodeRow = typeof photoCodes.$inferSelect;
export type PhotoProvider = typeof photoProviders.$inferSelect;

export async function insertProvider(db: Executor, values: typeof photoProviders.$inferInsert): Promise<PhotoProvider> {
  const [row] = await db.insert(photoProviders).values(values).returning();
  return row!;
}

export async function findProviderByKeyHash(db: Executor, hash: string): Promise<PhotoProvider | undefined> {
  const [row] = await db.select().from(photoProviders).where(and(eq(photoProviders.apiKeyHash, hash), eq(photoProviders.active, true)));
  return row;
}

/** Active providers whose commune or postcode matches `query` (a commune name part or a postcode prefix). */
export async function searchProviders(db: Executor, query: string, limit = 50): Promise<PhotoProvider[]> {
  const q = query.trim();
  const where = q === "" ? eq(photoProviders.active, true) : and(eq(photoProviders.active, true), /^\d+$/.test(q) ? sql`${photoProviders.postcode} LIKE ${q + "%"}` : or(ilike(photoProviders.commune, `%${q}%`), ilike(photoProviders.name, `%${q}%`)));
  return db.select().from(photoProviders).where(where).orderBy(photoProviders.postcode, photoProviders.name).limit(limit);
}

export async function countProviders(db: Executor): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(photoProviders);
  return row?.n ?? 0;
}

export async function insertPhotoCode(db: Executor, values: typeof photoCodes.$inferInsert): Promise<boolean> {
  const rows = await db.insert(photoCodes).values(values).onConflictDoNothing().returning({ code: photoCodes.code });
  return rows.length === 1;
}

export async function findPhotoCode(db: Executor, code: string): Promise<PhotoCodeRow | undefined> {
  const [row] = await db.select().from(photoCodes).where(eq(photoCodes.code, code));
  return row;
}

/**
 * Takes the code for `requestId` in one conditional update: free (or already this request's),
 * not used, not expired. Of two requests racing for one code, exactly one wins.
 */
export async function claimPhotoCode(db: Executor, code: string, requestId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(photoCodes)
    .set({ requestId })
    .where(and(eq(photoCodes.code, code), isNull(photoCodes.usedAt), gt(photoCodes.expiresAt, now), or(isNull(photoCodes.requestId), eq(photoCodes.requestId, requestId))))
    .returning({ code: photoCodes.code });
  return rows.length === 1;
}

/** Gives back the codes a draft held but no longer uses. */
export async function releasePhotoCodes(db: Executor, requestId: string, keep?: string): Promise<void> {
  await db
    .update(photoCodes)
    .set({ requestId: null })
    .where(and(eq(photoCodes.requestId, requestId), isNull(photoCodes.usedAt), keep ? sql`${photoCodes.code} <> ${keep}` : sql`true`));
}

/** Expired codes no request holds any more (never used, or whose request was deleted). */
export async function findExpiredFreePhotoCodes(db: Executor, now: Date, limit: number): Promise<PhotoCodeRow[]> {
  return db.select().from(photoCodes).where(and(lt(photoCodes.expiresAt, now), isNull(photoCodes.requestId))).limit(limit);
}

export async function deletePhotoCode(db: Executor, code: string): Promise<void> {
  await db.delete(photoCodes).where(eq(photoCodes.code, code));
}

/** Makes the claim final when the request is sent. */
export async function usePhotoCode(db: Executor, code: string, requestId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(photoCodes)
    .set({ usedAt: now })
    .where(and(eq(photoCodes.code, code), eq(photoCodes.requestId, requestId), isNull(photoCodes.usedAt), gt(photoCodes.expiresAt, now)))
    .returning({ code: photoCodes.code });
  return rows.length === 1;
}
