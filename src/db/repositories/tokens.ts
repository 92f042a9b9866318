import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { accounts, oneTimeTokens } from "../schema.ts";
import type { TokenPurpose } from "../../domain/tokens.ts";
import type { Account } from "./accounts.ts";

export type OneTimeToken = typeof oneTimeTokens.$inferSelect;

export async function insertToken(
  db: Executor,
  values: { accountId: string; purpose: TokenPurpose; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.insert(oneTimeTokens).values(values);
}

export async function findToken(
  db: Executor,
  purpose: TokenPurpose,
  tokenHash: string,
): Promise<{ token: OneTimeToken; account: Account } | undefined> {
  const [row] = await db
    .select({ token: oneTimeTokens, account: accounts })
    .from(oneTimeTokens)
    .innerJoin(accounts, eq(accounts.id, oneTimeTokens.accountId))
    .where(and(eq(oneTimeTokens.tokenHash, tokenHash), eq(oneTimeTokens.purpose, purpose)));
  return row;
}

/** Marks the token used; false if another request used it first. */
export async function consumeToken(db: Executor, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.id, id), isNull(oneTimeTokens.usedAt)))
    .returning({ id: oneTimeTokens.id });
  return rows.length === 1;
}

/** Retires every unused token of a purpose, e.g. older reset links when a new one is sent. */
export async function retireTokens(db: Executor, accountId: string, purpose: TokenPurpose, now: Date): Promise<void> {
  await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.accountId, accountId), eq(oneTimeTokens.purpose, purpose), isNull(oneTimeTokens.usedAt)));
}
