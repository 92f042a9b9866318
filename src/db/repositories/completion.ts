import { and, eq } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { requests } from "../schema.ts";
import type { RawSteps } from "./requests.ts";

/**
 * "A compléter" (issue 9 §4): the user changes the items the agent ticked. The raw answers of a
 * request waiting for completion are saved here (never the state: only transition() writes it).
 */

/** Saves the raw answers of a request in "A compléter"; false if it is no longer in that state. */
export async function saveCompletionData(db: Executor, id: string, data: RawSteps, now: Date): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ data, updatedAt: now })
    .where(and(eq(requests.id, id), eq(requests.state, "a_completer")))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** Locks a request's row while it is in `state` (serialises uploads); false otherwise. */
export async function lockInState(db: Executor, id: string, state: "brouillon" | "a_completer"): Promise<boolean> {
  const rows = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.id, id), eq(requests.state, state)))
    .for("update");
  return rows.length === 1;
}

/** Replaces the frozen content of a request sent back after completion (same number, same sending date). */
/**
 * The completed request's new frozen content, with the columns copied from it for the back-office:
 * the search name (état civil corrected) and the préfecture. The service instructeur stays the one
 * already instructing it (a request does not change hands because its address was corrected).
 */
export async function refreeze(db: Executor, id: string, frozen: unknown, now: Date, copied: { searchName: string | null; prefectureId: string | null }): Promise<boolean> {
  const rows = await db
    .update(requests)
    .set({ frozen, updatedAt: now, searchName: copied.searchName, prefectureId: copied.prefectureId })
    .where(eq(requests.id, id))
    .returning({ id: requests.id });
  return rows.length === 1;
}

/** "Faire une nouvelle demande": links a new draft to the rejected request it was prefilled from. */
export async function linkPreviousRequest(db: Executor, id: string, previousId: string): Promise<void> {
  await db.update(requests).set({ previousRequestId: previousId }).where(eq(requests.id, id));
}

/** The account's request of numéro `number` ("Savoir où en est ma demande"); another account's is never returned. */
export async function findOwnRequestByNumber(db: Executor, accountId: string, number: string): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: requests.id })
    .from(requests)
    .where(and(eq(requests.number, number), eq(requests.accountId, accountId)));
  return row;
}
