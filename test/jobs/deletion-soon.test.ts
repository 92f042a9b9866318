import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, outbox, requests } from "../../src/db/schema.ts";
import { deletionDate } from "../../src/domain/request/state.ts";
import { notifyDeletionSoon, periodicJobs } from "../../src/jobs/periodic.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { ManualClock } from "../helpers/clock.ts";
import { insertSentRequest } from "../helpers/notify.ts";

/** 15 days before a request is deleted (6 months after its creation), one mail listing the documents to download. */
const DAY = 86_400_000;
const clock = new ManualClock(new Date("2026-09-15T06:00:00Z"));
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

const mailsOf = async (requestId: string) => (await t.db.db.select().from(outbox).where(eq(outbox.requestId, requestId))).filter((m) => m.channel === "mail");

describe("notifyDeletionSoon", () => {
  it("mails once, 15 days before the deletion, the documents to download; not earlier, not for drafts", async () => {
    // Created 31 March 2026 (Paris): deleted 30 September 2026, 15 days from "now".
    const due = await insertSentRequest(t.db.db, { createdAt: new Date("2026-03-31T08:00:00Z"), photoOption: "classique", state: "rejet_images" });
    expect(deletionDate(due.request.createdAt).toISOString()).toBe("2026-09-29T22:00:00.000Z");
    // Created a day later: deleted in 16 days, not yet.
    const later = await insertSentRequest(t.db.db, { createdAt: new Date("2026-04-01T08:00:00Z") });
    // A draft of the same age: nothing to download, no mail.
    const draft = await insertSentRequest(t.db.db, { createdAt: new Date("2026-03-01T08:00:00Z") });
    await t.db.db.update(requests).set({ state: "brouillon", frozen: null, number: null }).where(eq(requests.id, draft.request.id));

    const now = clock.now();
    expect(await notifyDeletionSoon(t.db.db, t.services.notifier, now)).toBe(1);
    const [mail] = await mailsOf(due.request.id);
    expect(mail!.recipient).toBe(due.account.email);
    expect(mail!.subject).toContain(`Votre demande n° ${due.number} sera bientôt supprimée`);
    expect(mail!.bodyText).toContain("le 30/09/2026");
    expect(mail!.bodyText).toContain("- Récépissé de dépôt de la demande");
    expect(mail!.bodyText).toContain("- Formulaire de dépôt de photo et de signature pour numérisation");
    const [row] = await t.db.db.select().from(requests).where(eq(requests.id, due.request.id));
    expect(row!.deletionNoticeAt!.toISOString()).toBe(now.toISOString());
    const notices = await t.db.db.select().from(notifications).where(eq(notifications.requestId, due.request.id));
    expect(notices.map((n) => n.event)).toEqual(["suppression_proche"]);

    // Run again (another hour, another instance): nothing more.
    clock.advance(60 * 60 * 1000);
    expect(await notifyDeletionSoon(t.db.db, t.services.notifier, clock.now())).toBe(0);
    expect(await mailsOf(due.request.id)).toHaveLength(1);
    expect(await mailsOf(later.request.id)).toHaveLength(0);
    expect(await mailsOf(draft.request.id)).toHaveLength(0);

    // A day later, the next one is due, once.
    clock.advance(DAY);
    expect(await notifyDeletionSoon(t.db.db, t.services.notifier, clock.now())).toBe(1);
    expect(await notifyDeletionSoon(t.db.db, t.services.notifier, clock.now())).toBe(0);
    expect(await mailsOf(later.request.id)).toHaveLength(1);
    expect(await mailsOf(due.request.id)).toHaveLength(1);
  });

  it("two runs at once send it once", async () => {
    const { request } = await insertSentRequest(t.db.db, { createdAt: new Date(clock.now().getTime() - 180 * DAY) });
    const [a, b] = await Promise.all([notifyDeletionSoon(t.db.db, t.services.notifier, clock.now()), notifyDeletionSoon(t.db.db, t.services.notifier, clock.now())]);
    expect(a + b).toBe(1);
    expect(await mailsOf(request.id)).toHaveLength(1);
  });

  it("is a periodic job when the Notifier is given", () => {
    expect(periodicJobs(t.db.db, t.services.storage, t.services.notifier).map((j) => j.name)).toContain("notify-deletion-soon");
  });
});
