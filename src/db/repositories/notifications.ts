import { and, asc, desc, eq, isNull, lt, ne, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { notifications, requests } from "../schema.ts";

export type Notification = typeof notifications.$inferSelect;

export async function addNotification(
  db: Executor,
  accountId: string,
  message: string,
  now: Date,
  about: { requestId?: string; event?: string } = {},
): Promise<void> {
  await db.insert(notifications).values({ accountId, message, createdAt: now, requestId: about.requestId ?? null, event: about.event ?? null });
}

/** The notices about a request (tests, history). */
export async function listRequestNotifications(db: Executor, requestId: string): Promise<Notification[]> {
  return db.select().from(notifications).where(eq(notifications.requestId, requestId)).orderBy(notifications.createdAt);
}

export async function listNotifications(db: Executor, accountId: string, limit = 10): Promise<Notification[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.accountId, accountId))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}

/**
 * Sent requests created before `createdBefore` (their deletion is near) whose "deleted soon"
 * mail has not been queued yet; oldest first.
 */
export async function findRequestsDueDeletionNotice(db: Executor, createdBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(ne(requests.state, "brouillon"), isNull(requests.deletionNoticeAt), lt(requests.createdAt, createdBefore)))
    .orderBy(asc(requests.createdAt), asc(requests.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Marks the "deleted soon" mail queued; false when another run did it first (it is sent once). */
export async function claimDeletionNotice(db: Executor, requestId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ deletionNoticeAt: now })
    .where(and(eq(requests.id, requestId), isNull(requests.deletionNoticeAt), sql`${requests.state} <> 'brouillon'`))
    .returning({ id: requests.id });
  return rows.length > 0;
}
