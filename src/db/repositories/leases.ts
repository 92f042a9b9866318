import { sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Executor } from "../client.ts";

/** The columns of a queue table that a worker claims rows from under a lease. */
export interface LeasedQueue {
  table: PgTable;
  /** Which rows still wait (e.g. status = 'pending'). */
  pending: SQL;
  /** When a row becomes due, and the order rows are claimed in. */
  dueAt: string;
  /** The lease's end; a row whose lease has passed may be claimed again (its worker died). */
  lockedUntil: string;
  /** Incremented at each claim. */
  attempts: string;
}

/**
 * Claims up to `limit` due rows for `leaseSeconds`, oldest due first: other workers skip them
 * (row locks with SKIP LOCKED, then the lease), and a worker that dies loses them when the lease
 * ends. One mechanism for the outbox and the antivirus queue. Returns the claimed ids.
 */
export async function claimLeased(db: Executor, q: LeasedQueue, now: Date, leaseSeconds: number, limit: number): Promise<string[]> {
  const leaseEnd = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  const at = now.toISOString();
  const [dueAt, lockedUntil, attempts] = [sql.identifier(q.dueAt), sql.identifier(q.lockedUntil), sql.identifier(q.attempts)];
  const result = await db.execute(sql`
    UPDATE ${q.table} SET ${lockedUntil} = ${leaseEnd}, ${attempts} = ${attempts} + 1
    WHERE id IN (
      SELECT id FROM ${q.table}
      WHERE ${q.pending} AND ${dueAt} <= ${at}
        AND (${lockedUntil} IS NULL OR ${lockedUntil} <= ${at})
      ORDER BY ${dueAt}, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`);
  return (result as unknown as { rows: Array<{ id: string | number }> }).rows.map((r) => String(r.id));
}
