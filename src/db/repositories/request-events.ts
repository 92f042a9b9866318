import { and, asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { agents, completionItems, requestEvents } from "../schema.ts";

export type RequestEventRow = typeof requestEvents.$inferSelect;
export type CompletionItemRow = typeof completionItems.$inferSelect;

/** One row of a request's history (written only by transition(), src/services/requests/transition.ts). */
export async function insertEvent(db: Executor, values: typeof requestEvents.$inferInsert): Promise<RequestEventRow> {
  const [row] = await db.insert(requestEvents).values(values).returning();
  return row!;
}

/** A request's history, oldest first, with the name of the agent who acted (if any). */
export async function listEventsWithAgents(db: Executor, requestId: string): Promise<Array<RequestEventRow & { agentGivenName: string | null; agentFamilyName: string | null }>> {
  const rows = await db
    .select({ event: requestEvents, agentGivenName: agents.givenName, agentFamilyName: agents.familyName })
    .from(requestEvents)
    .leftJoin(agents, eq(agents.id, requestEvents.agentId))
    .where(eq(requestEvents.requestId, requestId))
    .orderBy(asc(requestEvents.id));
  return rows.map((r) => ({ ...r.event, agentGivenName: r.agentGivenName, agentFamilyName: r.agentFamilyName }));
}

/** "A compléter": the pieces or sections the agent marked, each with the agent's words. */
export async function insertCompletionItems(
  db: Executor,
  requestId: string,
  eventId: number,
  items: ReadonlyArray<{ item: string; reason: string }>,
  now: Date,
): Promise<void> {
  if (items.length === 0) return;
  await db.insert(completionItems).values(items.map((i) => ({ requestId, eventId, item: i.item, reason: i.reason, createdAt: now })));
}

/** The items of the current "A compléter" (not yet resolved by "Renvoyer ma demande"). */
export async function listOpenCompletionItems(db: Executor, requestId: string): Promise<CompletionItemRow[]> {
  return db
    .select()
    .from(completionItems)
    .where(and(eq(completionItems.requestId, requestId), isNull(completionItems.resolvedAt)))
    .orderBy(asc(completionItems.id));
}

/** Marks an open item as changed by the user (the agent sees what changed). */
export async function markCompletionItemChanged(db: Executor, requestId: string, item: string, now: Date): Promise<void> {
  await db
    .update(completionItems)
    .set({ changedAt: now })
    .where(and(eq(completionItems.requestId, requestId), eq(completionItems.item, item), isNull(completionItems.resolvedAt)));
}

/** The request was sent back: its open items are resolved. Returns them. */
export async function resolveCompletionItems(db: Executor, requestId: string, now: Date): Promise<CompletionItemRow[]> {
  return db
    .update(completionItems)
    .set({ resolvedAt: now })
    .where(and(eq(completionItems.requestId, requestId), isNull(completionItems.resolvedAt)))
    .returning();
}
