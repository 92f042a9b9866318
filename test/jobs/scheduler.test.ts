import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { Readable } from "node:stream";
import { findPhotoCode } from "../../src/db/repositories/photo-codes.ts";
import { accounts, oneTimeTokens } from "../../src/db/schema.ts";
import { periodicJobs } from "../../src/jobs/periodic.ts";
import { Scheduler } from "../../src/jobs/scheduler.ts";
import { linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { HOUR, ManualClock } from "../helpers/clock.ts";
import { createActiveAccount, submitSignup } from "../helpers/flows.ts";
import { photoCode, PNG, STEP1_PERTE, STEP2, STEP3 } from "../helpers/requests.ts";

let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

const findAccount = async (email: string) => (await t.db.db.select().from(accounts).where(eq(accounts.email, email)))[0];

describe("scheduled jobs", () => {
  it("deletes accounts not activated within 24 hours, and nothing else", async () => {
    const scheduler = new Scheduler(t.db.db, clock, periodicJobs(t.db.db, t.services.storage));
    await createActiveAccount(t, new Browser(t.app, "192.0.2.1"), { email: "active@example.fr" });
    await submitSignup(t, new Browser(t.app, "192.0.2.2"), { email: "oublieux@example.fr" });
    const forgotten = (await findAccount("oublieux@example.fr"))!;
    clock.advance(12 * HOUR);
    await submitSignup(t, new Browser(t.app, "192.0.2.3"), { email: "recent@example.fr" });

    clock.advance(12 * HOUR + 60_000); // the first pending account is now 24 h old
    await scheduler.runDue();
    expect(await findAccount("oublieux@example.fr")).toBeUndefined();
    expect(await findAccount("recent@example.fr")).toBeDefined();
    expect((await findAccount("active@example.fr"))!.status).toBe("active");
    // Its activation link now says so.
    const [mail] = await t.mailsTo("oublieux@example.fr");
    const page = await new Browser(t.app).get(linkIn(mail, "/compte/activer/"));
    expect(page.status).toBe(404);
    // Its tokens went with it.
    expect(await t.db.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.accountId, forgotten.id))).toHaveLength(0);

    clock.advance(12 * HOUR);
    await scheduler.runDue();
    expect(await findAccount("recent@example.fr")).toBeUndefined();
  });

  it("runs a due job once, however many instances ask at the same moment", async () => {
    const other = t.db.url ? await openDatabase({ url: t.db.url, poolSize: 2 }) : undefined;
    try {
      const runs: string[] = [];
      const job = (who: string) => [{ name: "count-runs", everySeconds: 600, run: async () => void runs.push(who) }];
      const a = new Scheduler(t.db.db, clock, job("a"));
      const b = new Scheduler(other?.db ?? t.db.db, clock, job("b"));
      await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      expect(runs).toHaveLength(1);
      await Promise.all([a.runDue(), b.runDue()]);
      expect(runs).toHaveLength(1); // not due again before 10 minutes
      clock.advance(601_000);
      await Promise.all([a.runDue(), b.runDue()]);
      expect(runs).toHaveLength(2);
    } finally {
      await other?.close();
    }
  });

  it("deletes every request 6 months after its creation, with its files, and expired unused photo codes", async () => {
    const scheduler = new Scheduler(t.db.db, clock, periodicJobs(t.db.db, t.services.storage));
    await createActiveAccount(t, new Browser(t.app, "192.0.2.20"), { email: "six.mois@example.fr" });
    const account = (await t.db.db.select().from(accounts).where(eq(accounts.email, "six.mois@example.fr")))[0]!;
    const created = await t.services.requests.create(account, { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
    if (created.kind !== "created") throw new Error("draft not created");
    // Files are accepted once steps 1 to 4 are valid (quotas, issue 6).
    for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as const) {
      const saved = await t.services.requests.saveStep(account.id, created.id, step, answers, "suivant");
      if (saved.kind !== "next") throw new Error(`step ${step} refused: ${JSON.stringify(saved)}`);
    }
    const upload = await t.services.requests.addDocument(account.id, created.id, { piece: "identite", additional: false }, "cni.png", Readable.from([PNG]));
    if (upload.kind !== "ok") throw new Error(`upload refused: ${JSON.stringify(upload)}`);
    const code = await photoCode(t);

    clock.advance(180 * 24 * HOUR); // still within 6 months
    await scheduler.runDue();
    expect(await t.services.requests.find(account.id, created.id)).toBeDefined();

    clock.advance(10 * 24 * HOUR);
    await scheduler.runDue();
    expect(await t.services.requests.find(account.id, created.id)).toBeUndefined();
    await expect(t.services.storage.get(upload.document.storageKey, { iv: upload.document.iv, tag: upload.document.tag })).rejects.toThrow();
    expect(await findPhotoCode(t.db.db, code)).toBeUndefined();
  });
});
