import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { outbox } from "../schema.ts";
import { claimLeased } from "./leases.ts";

export type OutboxMessage = typeof outbox.$inferSelect;

export interface MailToSend {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Call inside the transaction of the change that causes the mail. */
export async function enqueueMail(db: Executor, mail: MailToSend, now: Date, about: { requestId?: string } = {}): Promise<void> {
  await db.insert(outbox).values({
    channel: "mail",
    recipient: mail.to,
    subject: mail.subject,
    bodyText: mail.text,
    bodyHtml: mail.html,
    nextAttemptAt: now,
    requestId: about.requestId ?? null,
  });
}

export interface SmsToSend {
  /** E.164 ("+33612345678"). */
  to: string;
  text: string;
  /** GSM-7 / UCS-2 segments (src/domain/sms.ts). */
  segments: number;
  requestId?: string | undefined;
}

/**
 * Call inside the transaction of the change that causes the SMS. The idempotency key is made
 * once, here, and stays the row's: every retry sends the same key, so the provider never
 * delivers it twice.
 */
export async function enqueueSms(db: Executor, sms: SmsToSend, now: Date): Promise<void> {
  await db.insert(outbox).values({
    channel: "sms",
    recipient: sms.to,
    bodyText: sms.text,
    segments: sms.segments,
    idempotencyKey: `sms-${randomUUID()}`,
    nextAttemptAt: now,
    requestId: sms.requestId ?? null,
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
  const claimed = await claimLeased(db, { table: outbox, pending: sql`status = 'pending'`, dueAt: "next_attempt_at", lockedUntil: "locked_until", attempts: "attempts" }, now, leaseSeconds, limit);
  const ids = claimed.map(Number);
  if (ids.length === 0) return [];
  return db.select().from(outbox).where(sql`${outbox.id} IN ${ids}`).orderBy(outbox.id);
}

export async function markSent(db: Executor, id: number, transport: string, now: Date, provider: { messageId?: string | undefined } = {}): Promise<void> {
  await db
    .update(outbox)
    .set({
      status: "sent",
      sentAt: now,
      transport,
      lockedUntil: null,
      lastError: null,
      ...(provider.messageId !== undefined ? { providerMessageId: provider.messageId, deliveryStatus: "accepted", deliveryAt: now } : {}),
    })
    .where(eq(outbox.id, id));
}

/**
 * The provider's delivery report (signed callback), in one statement: returns whether a message
 * was updated. Reports may arrive out of order: a late "accepted" never hides a final "delivered"
 * or "failed"; and once a status is final, only a report dated (`reportedAt`) at or after it
 * changes it — an older one (late or replayed) changes nothing, nor does an undated one (dated
 * `now`), which a replay would otherwise use to overwrite the real outcome.
 */
export async function recordDelivery(db: Executor, providerMessageId: string, status: DeliveryStatus, reportedAt: Date | undefined, now: Date): Promise<boolean> {
  const at = reportedAt ?? now;
  const final = sql`${outbox.deliveryStatus} IN ('delivered', 'failed')`;
  const stands = reportedAt ? sql`(${final} AND coalesce(${outbox.deliveryAt} > ${at.toISOString()}::timestamptz, false))` : final;
  const rows = await db
    .update(outbox)
    .set(
      status === "accepted"
        ? { deliveryStatus: sql`CASE WHEN ${final} THEN ${outbox.deliveryStatus} ELSE 'accepted' END`, deliveryAt: sql`CASE WHEN ${final} THEN ${outbox.deliveryAt} ELSE ${at.toISOString()}::timestamptz END` }
        : { deliveryStatus: status, deliveryAt: at },
    )
    .where(and(eq(outbox.providerMessageId, providerMessageId), sql`NOT ${stands}`))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** Whether a message has this provider id. */
export async function hasProviderMessage(db: Executor, providerMessageId: string): Promise<boolean> {
  const rows = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.providerMessageId, providerMessageId)).limit(1);
  return rows.length > 0;
}

export const DELIVERY_STATUSES = ["accepted", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

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

export async function listMessages(db: Executor, limit: number, channel?: OutboxMessage["channel"]): Promise<OutboxMessage[]> {
  const query = db.select().from(outbox);
  return (channel ? query.where(eq(outbox.channel, channel)) : query).orderBy(desc(outbox.id)).limit(limit);
}

/** The mails and SMS about a request, newest first (back-office: what was sent, and the SMS delivery status). */
export async function listRequestMessages(db: Executor, requestId: string, limit = 100): Promise<OutboxMessage[]> {
  return db.select().from(outbox).where(eq(outbox.requestId, requestId)).orderBy(desc(outbox.id)).limit(limit);
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
