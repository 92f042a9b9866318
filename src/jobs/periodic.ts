import type { Db } from "../db/client.ts";
import { sixMonthsCutoff } from "../domain/dates.ts";
import { deleteRequest, findRequestsCreatedBefore, listDocuments } from "../db/repositories/requests.ts";
import { deletePhotoCode, findExpiredFreePhotoCodes } from "../db/repositories/photo-codes.ts";
import type { DocumentStorage } from "../services/storage.ts";
import { deleteExpiredPendingAccounts } from "../db/repositories/accounts.ts";
import { deleteExpiredCaptchas } from "../db/repositories/captchas.ts";
import { deleteExpiredSessions } from "../db/repositories/maintenance.ts";
import { deleteExpiredAgentSessions } from "../db/repositories/agents.ts";
import { deleteSentBefore } from "../db/repositories/outbox.ts";
import { deleteStaleThrottles } from "../db/repositories/throttles.ts";
import type { PeriodicJob } from "./scheduler.ts";
import { titleExportJob } from "./title-export.ts";
import { claimDeletionNotice, findRequestsDueDeletionNotice } from "../db/repositories/notifications.ts";
import type { Notifier } from "../services/notify.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * SPEC §4: every request is deleted 6 months after its creation, whatever its state, with
 * its files. Returns how many were deleted.
 */
export async function deleteExpiredRequests(db: Db, storage: DocumentStorage, now: Date): Promise<number> {
  // The same rule as the date shown on the request's page (src/domain/dates.ts).
  const before = sixMonthsCutoff(now);
  let deleted = 0;
  for (;;) {
    const batch = await findRequestsCreatedBefore(db, before, 100);
    if (batch.length === 0) return deleted;
    for (const request of batch) {
      // Files first: a crash in between leaves a row pointing to nothing, deleted next time, never an orphan file.
      for (const d of await listDocuments(db, request.id)) await storage.delete(d.storageKey);
      await deleteRequest(db, request.id);
      deleted++;
    }
  }
}

/** How long before its deletion a request's owner is told to download its documents. */
export const DELETION_NOTICE_DAYS = 15;

/**
 * 15 days before a sent request is deleted (6 months after its creation, src/domain/request/state.ts
 * deletionDate), mails its owner the documents to download (Notifier, event "suppression_proche"),
 * once: requests.deletion_notice_at is set in the same transaction. Returns how many were told.
 */
export async function notifyDeletionSoon(db: Db, notifier: Notifier, now: Date): Promise<number> {
  // Created before this instant: deleted on or before now + 15 days (the same rule as the deletion job).
  const before = sixMonthsCutoff(new Date(now.getTime() + DELETION_NOTICE_DAYS * DAY_MS));
  let told = 0;
  for (;;) {
    const batch = await findRequestsDueDeletionNotice(db, before, 100);
    if (batch.length === 0) break;
    for (const id of batch) {
      await db.transaction(async (tx) => {
        if (!(await claimDeletionNotice(tx, id, now))) return;
        await notifier.queue(tx, { requestId: id, event: "suppression_proche", now });
        told++;
      });
    }
  }
  if (told > 0) notifier.kick();
  return told;
}

/** Photos and signatures of codes that expired without a request to keep them. */
export async function deleteExpiredPhotoCodes(db: Db, storage: DocumentStorage, now: Date): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await findExpiredFreePhotoCodes(db, now, 100);
    if (batch.length === 0) return deleted;
    for (const code of batch) {
      await storage.delete(code.photoKey);
      await storage.delete(code.signatureKey);
      await deletePhotoCode(db, code.code);
      deleted++;
    }
  }
}

/** The service's periodic jobs (run once per period across all instances). */
export function periodicJobs(db: Db, storage: DocumentStorage, notifier?: Notifier): PeriodicJob[] {
  return [
    ...(notifier ? [{ name: "notify-deletion-soon", everySeconds: 60 * 60, run: (now: Date) => notifyDeletionSoon(db, notifier, now) }] : []),
    { name: "delete-requests-after-6-months", everySeconds: 60 * 60, run: (now) => deleteExpiredRequests(db, storage, now) },
    { name: "delete-expired-photo-codes", everySeconds: 6 * 60 * 60, run: (now) => deleteExpiredPhotoCodes(db, storage, now) },
    // SPEC §2: an account not activated within 24 hours is deleted.
    { name: "delete-unactivated-accounts", everySeconds: 10 * 60, run: (now) => deleteExpiredPendingAccounts(db, now) },
    { name: "delete-expired-sessions", everySeconds: 15 * 60, run: (now) => deleteExpiredSessions(db, now) },
    { name: "delete-expired-agent-sessions", everySeconds: 15 * 60, run: (now) => deleteExpiredAgentSessions(db, now) },
    { name: "delete-expired-captchas", everySeconds: 60 * 60, run: (now) => deleteExpiredCaptchas(db, now) },
    { name: "delete-stale-throttles", everySeconds: 60 * 60, run: (now) => deleteStaleThrottles(db, new Date(now.getTime() - DAY_MS)) },
    { name: "delete-old-sent-mail", everySeconds: 24 * 60 * 60, run: (now) => deleteSentBefore(db, new Date(now.getTime() - 30 * DAY_MS)) },
    // Issue 9 §4: the printing works' daily export of validated titles (once per Paris day).
    titleExportJob(db, storage),
  ];
}
