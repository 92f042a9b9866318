import type { Db } from "../db/client.ts";
import { deleteExpiredPendingAccounts } from "../db/repositories/accounts.ts";
import { deleteExpiredCaptchas } from "../db/repositories/captchas.ts";
import { deleteExpiredSessions } from "../db/repositories/maintenance.ts";
import { deleteSentBefore } from "../db/repositories/outbox.ts";
import { deleteStaleThrottles } from "../db/repositories/throttles.ts";
import type { PeriodicJob } from "./scheduler.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The service's periodic jobs (run once per period across all instances). */
export function periodicJobs(db: Db): PeriodicJob[] {
  return [
    // SPEC §2: an account not activated within 24 hours is deleted.
    { name: "delete-unactivated-accounts", everySeconds: 10 * 60, run: (now) => deleteExpiredPendingAccounts(db, now) },
    { name: "delete-expired-sessions", everySeconds: 15 * 60, run: (now) => deleteExpiredSessions(db, now) },
    { name: "delete-expired-captchas", everySeconds: 60 * 60, run: (now) => deleteExpiredCaptchas(db, now) },
    { name: "delete-stale-throttles", everySeconds: 60 * 60, run: (now) => deleteStaleThrottles(db, new Date(now.getTime() - DAY_MS)) },
    { name: "delete-old-sent-mail", everySeconds: 24 * 60 * 60, run: (now) => deleteSentBefore(db, new Date(now.getTime() - 30 * DAY_MS)) },
  ];
}
