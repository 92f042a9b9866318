import { and, gt, inArray, max, sql, eq } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { throttles } from "../schema.ts";

/** Counts one hit on `key` within a window of `windowSeconds`; returns the count in the current window. */
export async function countHit(db: Executor, key: string, now: Date, windowSeconds: number): Promise<number> {
  const windowStart = new Date(now.getTime() - windowSeconds * 1000);
  const [row] = await db
    .insert(throttles)
    .values({ key, hits: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: throttles.key,
      set: {
        hits: sql`CASE WHEN ${throttles.windowStartedAt} < ${windowStart.toISOString()} THEN 1 ELSE ${throttles.hits} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${throttles.windowStartedAt} < ${windowStart.toISOString()} THEN ${now.toISOString()}::timestamptz ELSE ${throttles.windowStartedAt} END`,
      },
    })
    .returning({ hits: throttles.hits });
  return row!.hits;
}

export async function blockUntil(db: Executor, key: string, until: Date): Promise<void> {
  await db.update(throttles).set({ blockedUntil: until }).where(eq(throttles.key, key));
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
