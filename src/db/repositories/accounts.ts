import { and, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { accounts } from "../schema.ts";

export type Account = typeof accounts.$inferSelect;
export type NewAccount = typeof accounts.$inferInsert;

const byEmail = (email: string) => sql`lower(${accounts.email}) = lower(${email})`;

export async function insertAccount(db: Executor, values: NewAccount): Promise<Account> {
  const [row] = await db.insert(accounts).values(values).returning();
  return row!;
}

export async function findAccountById(db: Executor, id: string): Promise<Account | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

export async function findAccountByEmail(db: Executor, email: string): Promise<Account | undefined> {
  const [row] = await db.select().from(accounts).where(byEmail(email));
  return row;
}

export async function findAccountByIdentifier(db: Executor, identifier: string): Promise<Account | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.identifier, identifier));
  return row;
}

export async function findAccountByFranceConnectSub(db: Executor, sub: string): Promise<Account | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.franceConnectSub, sub));
  return row;
}

export async function identifierExists(db: Executor, identifier: string): Promise<boolean> {
  const rows = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.identifier, identifier));
  return rows.length > 0;
}

export async function updateAccount(db: Executor, id: string, values: Partial<NewAccount>): Promise<Account> {
  const [row] = await db.update(accounts).set(values).where(eq(accounts.id, id)).returning();
  return row!;
}

/** Activates a pending account; undefined if it was activated (or deleted) meanwhile. */
export async function activatePendingAccount(
  db: Executor,
  id: string,
  values: Pick<NewAccount, "sex" | "passwordHash" | "secretQuestion" | "secretAnswerHash" | "identifier" | "activatedAt" | "lastLoginAt">,
): Promise<Account | undefined> {
  const [row] = await db
    .update(accounts)
    .set({ ...values, status: "active", activationDeadline: null })
    .where(and(eq(accounts.id, id), eq(accounts.status, "pending")))
    .returning();
  return row;
}

/** Deletes pending accounts whose activation deadline has passed; returns how many. */
export async function deleteExpiredPendingAccounts(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(accounts)
    .where(and(eq(accounts.status, "pending"), lt(accounts.activationDeadline, now)))
    .returning({ id: accounts.id });
  return rows.length;
}

/**
 * Deletes an account only if it is still pending (its one-time links go with it); false if it
 * was activated (or deleted) meanwhile.
 */
export async function deletePendingAccount(db: Executor, id: string): Promise<boolean> {
  const rows = await db
    .delete(accounts)
    .where(and(eq(accounts.id, id), eq(accounts.status, "pending")))
    .returning({ id: accounts.id });
  return rows.length > 0;
}
