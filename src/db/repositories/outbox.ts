import { and, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { outbox } from "../schema.ts";

export type OutboxMessage = typeof outbox.$inferSelect;

export interface MailToSend {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Call inside the transaction of the change that causes the mail. */
export async function enqueueMail(db: Executor, mail: MailToSend, now: Date): Promise<void> {
  await db.insert(outbox).values({
    channel: "mail",
    recipient: mail.to,
    subject: mail.subject,
    bodyText: mail.text,
    bodyHtml: mail.html,
    nextAttemptAt: now,
  });
}

/**
 * Claims up to `limit` due messages for `leaseSeconds`: other workers skip them (row locks
 * with SKIP LOCKED, then the lease), and a worker that dies loses them when the lease ends.
 */
export async function claimDueMessages(
  db: Executor,
  now: Date,
  leaseSeconds: number,
  limit: number,
): Promise<OutboxMessage[]> {
  const leaseEnd = new Date(now.getTime() + leaseSeconds * 1000);
  const result = await db.execute(sql`
    UPDATE ${outbox} SET locked_until = ${leaseEnd.toISOString()}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM ${outbox}
      WHERE status = 'pending' AND next_attempt_at <= ${now.toISOString()}
        AND (locked_until IS NULL OR locked_until <= ${now.toISOString()})
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id`);
  const ids = (result as unknown as { rows: Array<{ id: string | number }> }).rows.map((r) => Number(r.id));
  if (ids.length === 0) return [];
  return db.select().from(outbox).where(sql`${outbox.id} IN ${ids}`).orderBy(outbox.id);
}

export async function markSent(db: Executor, id: number, transport: string, now: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ status: "sent", sentAt: now, transport, lockedUntil: null, lastError: null })
    .where(eq(outbox.id, id));
}

/** Schedules another attempt, or gives up when `retryAt` is null. */
export async function markAttemptFailed(db: Executor, id: number, error: string, retryAt: Date | null): Promise<void> {
  await db
    .update(outbox)
    .set(
      retryAt
        ? { lastError: error, nextAttemptAt: retryAt, lockedUntil: null }
        : { lastError: error, status: "failed", lockedUntil: null },
    )
    .where(eq(outbox.id, id));
}

export async function listMessages(db: Executor, limit: number): Promise<OutboxMessage[]> {
  return db.select().from(outbox).orderBy(desc(outbox.id)).limit(limit);
}

export async function findMessage(db: Executor, id: number): Promise<OutboxMessage | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  return row;
}

export async function deleteSentBefore(db: Executor, before: Date): Promise<number> {
  const rows = await db
    .delete(outbox)
    .where(and(eq(outbox.status, "sent"), sql`${outbox.sentAt} < ${before.toISOString()}`))
    .returning({ id: outbox.id });
  return rows.length;
}
