import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { requests, titleExports } from "../schema.ts";
import type { RequestRow } from "./requests.ts";

/**
 * The printing works' daily exports of validated titles (issue 9 §4): one row per day, with the
 * storage keys, encryption parameters and SHA-256 of its JSON and CSV files.
 */
export type TitleExportRow = typeof titleExports.$inferSelect;
export type NewTitleExport = typeof titleExports.$inferInsert;

/** Key of the advisory lock that serialises the exports (two runs never write the same day's files at once). */
const EXPORT_LOCK_KEY = 7_242_009;

/** Waits for, then holds until the end of the transaction, the exports' lock. */
export async function lockTitleExports(tx: Executor): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${EXPORT_LOCK_KEY})`);
}

/** The export of `day` ("YYYY-MM-DD"), if it was made. */
export async function findTitleExport(db: Executor, day: string): Promise<TitleExportRow | undefined> {
  const [row] = await db.select().from(titleExports).where(eq(titleExports.day, day));
  return row;
}

/** The latest exports, newest first. */
export async function listTitleExports(db: Executor, limit: number): Promise<TitleExportRow[]> {
  return db
    .select()
    .from(titleExports)
    .orderBy(desc(titleExports.day))
    .limit(Math.max(1, Math.min(limit, 1000)));
}

/**
 * Validated requests of the given motifs not yet exported, oldest decision first, locked until
 * the end of the transaction (FOR UPDATE).
 */
export async function lockTitlesToExport(tx: Executor, motifIds: readonly string[]): Promise<RequestRow[]> {
  if (motifIds.length === 0) return [];
  return tx
    .select()
    .from(requests)
    .where(and(eq(requests.state, "validee"), isNull(requests.exportedAt), inArray(requests.motif, [...motifIds])))
    .orderBy(asc(sql`coalesce(${requests.decidedAt}, ${requests.stateChangedAt}, ${requests.sentAt})`), asc(requests.number), asc(requests.id))
    .for("update");
}

/** Records the day's export; false if that day was already recorded. */
export async function insertTitleExport(tx: Executor, row: NewTitleExport): Promise<boolean> {
  const inserted = await tx.insert(titleExports).values(row).onConflictDoNothing({ target: titleExports.day }).returning({ day: titleExports.day });
  return inserted.length === 1;
}

/** Marks the requests as exported at `now`; returns how many were marked. */
export async function markExported(tx: Executor, ids: readonly string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await tx
    .update(requests)
    .set({ exportedAt: now })
    .where(and(inArray(requests.id, [...ids]), isNull(requests.exportedAt)))
    .returning({ id: requests.id });
  return rows.length;
}
