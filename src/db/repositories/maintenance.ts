import { lt } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { sessions } from "../schema.ts";

export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const rows = await db.delete(sessions).where(lt(sessions.expire, now)).returning({ sid: sessions.sid });
  return rows.length;
}
