import { desc, eq } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { notifications } from "../schema.ts";

export type Notification = typeof notifications.$inferSelect;

export async function addNotification(db: Executor, accountId: string, message: string, now: Date): Promise<void> {
  await db.insert(notifications).values({ accountId, message, createdAt: now });
}

export async function listNotifications(db: Executor, accountId: string, limit = 10): Promise<Notification[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.accountId, accountId))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}
