import { and, eq, lte } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { scheduledJobs } from "../schema.ts";

export async function ensureJob(db: Executor, name: string, firstRunAt: Date): Promise<void> {
  await db.insert(scheduledJobs).values({ name, nextRunAt: firstRunAt }).onConflictDoNothing();
}

/**
 * Claims a due job by moving its next run forward in one conditional update: of several
 * instances asking at once, exactly one gets `true`.
 */
export async function claimDueJob(db: Executor, name: string, now: Date, nextRunAt: Date): Promise<boolean> {
  const rows = await db
    .update(scheduledJobs)
    .set({ nextRunAt, lastRunAt: now })
    .where(and(eq(scheduledJobs.name, name), lte(scheduledJobs.nextRunAt, now)))
    .returning({ name: scheduledJobs.name });
  return rows.length === 1;
}

export async function recordJobError(db: Executor, name: string, error: string | null): Promise<void> {
  await db.update(scheduledJobs).set({ lastError: error }).where(eq(scheduledJobs.name, name));
}
