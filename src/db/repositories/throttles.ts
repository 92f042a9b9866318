import { and, gt, inArray, max, sql, eq } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { throttles } from "../schema.ts";

/** `hits` restarted at 1 when the window is over, else plus one (shared by the two counting queries). */
function nextHitsSql(now: Date, windowSeconds: number) {
  const windowStart = new Date(now.getTime() - windowSeconds * 1000).toISOString();
  return {
    hits: sql`CASE WHEN ${throttles.windowStartedAt} < ${windowStart} THEN 1 ELSE ${throttles.hits} + 1 END`,
    windowStartedAt: sql`CASE WHEN ${throttles.windowStartedAt} < ${windowStart} THEN ${now.toISOString()}::timestamptz ELSE ${throttles.windowStartedAt} END`,
  };
}

/** Counts one hit on `key` within a window of `windowSeconds`; returns the count in the current window. */
export async function countHit(db: Executor, key: string, now: Date, windowSeconds: number): Promise<number> {
  const [row] = await db
    .insert(throttles)
    .values({ key, hits: 1, windowStartedAt: now })
    .onConflictDoUpdate({ target: throttles.key, set: nextHitsSql(now, windowSeconds) })
    .returning({ hits: throttles.hits });
  return row!.hits;
}

/**
 * Counts one hit on `key` only if it is not blocked at `now`, in one statement: the row stays
 * locked until the end of the caller's transaction, so concurrent attempts on the same key
 * queue up behind it and see the block it sets. Returns the new count and the block in force
 * before (none, or one already over); undefined when the key is blocked (nothing counted).
 */
export async function countHitUnlessBlocked(
  db: Executor,
  key: string,
  now: Date,
  windowSeconds: number,
): Promise<{ hits: number; blockedUntil: Date | null } | undefined> {
  const [row] = await db
    .insert(throttles)
    .values({ key, hits: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: throttles.key,
      set: nextHitsSql(now, windowSeconds),
      setWhere: sql`${throttles.blockedUntil} IS NULL OR ${throttles.blockedUntil} <= ${now.toISOString()}::timestamptz`,
    })
    .returning({ hits: throttles.hits, blockedUntil: throttles.blockedUntil });
  return row;
}

export async function blockUntil(db: Executor, key: string, until: Date): Promise<void> {
  await db.update(throttles).set({ blockedUntil: until }).where(eq(throttles.key, key));
}

/**
 * Gives back one hit on `key` (an attempt that turned out legitimate). If the block in force
 * is the one that hit set (`setBlock`), it is lifted back to `previousBlock`; a block set
 * since by another hit stays.
 */
export async function refundHit(db: Executor, key: string, setBlock: Date | null, previousBlock: Date | null): Promise<void> {
  await db
    .update(throttles)
    .set({
      hits: sql`GREATEST(${throttles.hits} - 1, 0)`,
      ...(setBlock
        ? {
            blockedUntil: sql`CASE WHEN ${throttles.blockedUntil} = ${setBlock.toISOString()}::timestamptz THEN ${previousBlock?.toISOString() ?? null}::timestamptz ELSE ${throttles.blockedUntil} END`,
          }
        : {}),
    })
    .where(eq(throttles.key, key));
}

/** The latest end of block among `keys`, if any is still blocked at `now`. */
export async function blockedUntil(db: Executor, keys: string[], now: Date): Promise<Date | undefined> {
  const [row] = await db
    .select({ until: max(throttles.blockedUntil) })
    .from(throttles)
    .where(and(inArray(throttles.key, keys), gt(throttles.blockedUntil, now)));
  return row?.until ?? undefined;
}

export async function clearThrottle(db: Executor, key: string): Promise<void> {
  await db.delete(throttles).where(eq(throttles.key, key));
}

export async function deleteStaleThrottles(db: Executor, before: Date): Promise<void> {
  await db
    .delete(throttles)
    .where(and(sql`${throttles.windowStartedAt} < ${before.toISOString()}`, sql`(${throttles.blockedUntil} IS NULL OR ${throttles.blockedUntil} < ${before.toISOString()})`));
}
