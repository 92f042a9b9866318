import { sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { sessions } from "../schema.ts";

/** Ends every session of an account (after a password reset). */
export async function deleteSessionsOfAccount(db: Executor, accountId: string): Promise<void> {
  await db.delete(sessions).where(sql`${sessions.sess}->>'accountId' = ${accountId}`);
}
