import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { fiscalStamps } from "../schema.ts";

export type StampRow = typeof fiscalStamps.$inferSelect;

export async function insertStamp(db: Executor, number: string, amountCents: number, now: Date): Promise<boolean> {
  const rows = await db.insert(fiscalStamps).values({ number, amountCents, issuedAt: now }).onConflictDoNothing().returning({ n: fiscalStamps.number });
  return rows.length === 1;
}

export async function findStamp(db: Executor, number: string): Promise<StampRow | undefined> {
  const [row] = await db.select().from(fiscalStamps).where(eq(fiscalStamps.number, number));
  return row;
}

/** Consumes the stamp for a request, once: false if it was used meanwhile. */
export async function consumeStamp(db: Executor, number: string, requestId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(fiscalStamps)
    .set({ usedAt: now, requestId })
    .where(and(eq(fiscalStamps.number, number), isNull(fiscalStamps.usedAt)))
    .returning({ n: fiscalStamps.number });
  return rows.length === 1;
}
