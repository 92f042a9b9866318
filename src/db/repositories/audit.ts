import { and, desc, eq, lt } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { auditLog } from "../schema.ts";

export type AuditRow = typeof auditLog.$inferSelect;

/**
 * Appends one agent action to the audit log (append-only: a trigger refuses UPDATE and DELETE).
 * No personal data: the agent's id, the action, the request's id and number, the states, a motive code.
 */
export async function appendAudit(
  db: Executor,
  values: { at: Date; agentId: string | null; action: string; requestId: string | null; requestNumber: string | null; fromState?: string | null; toState?: string | null; motive?: string | null },
): Promise<void> {
  await db.insert(auditLog).values({
    at: values.at,
    agentId: values.agentId,
    action: values.action,
    requestId: values.requestId,
    requestNumber: values.requestNumber,
    fromState: values.fromState ?? null,
    toState: values.toState ?? null,
    motive: values.motive ?? null,
  });
}

/** The log, newest first, keyset-paginated on id; optionally one request's entries. */
export async function listAudit(db: Executor, options: { limit: number; beforeId?: number | undefined; requestId?: string | undefined }): Promise<AuditRow[]> {
  const limit = Math.max(1, Math.min(200, Math.trunc(options.limit)));
  const filters = [
    ...(options.beforeId !== undefined ? [lt(auditLog.id, options.beforeId)] : []),
    ...(options.requestId !== undefined ? [eq(auditLog.requestId, options.requestId)] : []),
  ];
  return db
    .select()
    .from(auditLog)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
