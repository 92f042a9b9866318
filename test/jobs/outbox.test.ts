import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { enqueueMail } from "../../src/db/repositories/outbox.ts";
import { outbox } from "../../src/db/schema.ts";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/domain/outbox.ts";
import { OutboxWorker } from "../../src/jobs/outbox-worker.ts";
import { smtpTransport } from "../../src/services/mailer.ts";
import { linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { ManualClock } from "../helpers/clock.ts";
import { submitSignup } from "../helpers/flows.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

let smtp: TestSmtp;
let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestApp({ clock, env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});
afterEach(() => {
  smtp.mode = "accept";
});

const transport = () => smtpTransport(smtp.url, "Permis de conduire <ne-pas-repondre@permis.test>", "permis.test");
const worker = (db = t.db.db) => new OutboxWorker(db, transport(), clock, { leaseSeconds: 60 });
const mail = (to: string) => ({ to, subject: "Essai — Permis de conduire", text: `Bonjour ${to}`, html: `<p>Bonjour ${to}</p>` });

describe("outbox delivery", () => {
  it("delivers the activation mail through SMTP, in French, text and HTML, and marks it sent", async () => {
    await submitSignup(t, new Browser(t.app), { email: "smtp@example.fr" });
    const [queued] = await t.mailsTo("smtp@example.fr");
    expect(queued!.status).toBe("pending");
    expect(await worker().runOnce()).toBeGreaterThanOrEqual(1);
    const received = await smtp.waitFor((m) => m.to.includes("smtp@example.fr"));
    expect(received.subject).toBe("Activez votre compte — Permis de conduire");
    expect(received.messageId).toBe(`<outbox-${queued!.id}@permis.test>`);
    expect(received.raw).toMatch(/Content-Type: text\/html/);
    expect(received.text).toContain(`http://permis.test${linkIn(queued, "/compte/activer/")}`);
    expect(received.text).toContain("sans activation de votre part dans les 24 heures, le compte sera supprimé");
    const [sent] = await t.mailsTo("smtp@example.fr");
    expect(sent!.status).toBe("sent");
    expect(sent!.transport).toBe("smtp");
  });

  it("retries with growing delays when the server refuses, then delivers once", async () => {
    await enqueueMail(t.db.db, mail("retry@example.fr"), clock.now());
    smtp.mode = "fail";
    await worker().runOnce();
    let [row] = await t.mailsTo("retry@example.fr");
    expect(row!.status).toBe("pending");
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toContain("451");
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(30_000);

    expect(await worker().runOnce()).toBe(0); // not due yet
    clock.advance(30_000);
    await worker().runOnce();
    [row] = await t.mailsTo("retry@example.fr");
    expect(row!.attempts).toBe(2);
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(60_000);

    smtp.mode = "accept";
    clock.advance(60_000);
    await worker().runOnce();
    [row] = await t.mailsTo("retry@example.fr");
    expect(row!.status).toBe("sent");
    expect(smtp.received.filter((m) => m.to.includes("retry@example.fr"))).toHaveLength(1);
  });

  it("gives up after the last attempt and keeps the row, marked failed", async () => {
    await enqueueMail(t.db.db, mail("never@example.fr"), clock.now());
    smtp.mode = "fail";
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) {
      await worker().runOnce();
      clock.advance(2 * 60 * 60 * 1000);
    }
    const [row] = await t.mailsTo("never@example.fr");
    expect(row!.status).toBe("failed");
    expect(row!.attempts).toBe(MAX_DELIVERY_ATTEMPTS);
  });

  it("never lets two workers send the same mail", async () => {
    // A second connection pool when running on a server, as a second instance would have.
    const other = t.db.url ? await openDatabase({ url: t.db.url, poolSize: 3 }) : undefined;
    try {
      const recipients = Array.from({ length: 30 }, (_, i) => `pair${i}@example.fr`);
      for (const to of recipients) await enqueueMail(t.db.db, mail(to), clock.now());
      const a = worker();
      const b = worker(other?.db ?? t.db.db);
      const drain = async (w: OutboxWorker) => {
        let total = 0;
        for (let n = await w.runOnce(); n > 0; n = await w.runOnce()) total += n;
        return total;
      };
      const [byA, byB] = await Promise.all([drain(a), drain(b)]);
      expect(byA + byB).toBe(30);
      for (const to of recipients) {
        expect(smtp.received.filter((m) => m.to.includes(to))).toHaveLength(1);
      }
      const rows = await t.db.db.select().from(outbox).where(eq(outbox.status, "pending"));
      expect(rows.filter((r) => r.recipient.startsWith("pair"))).toHaveLength(0);
    } finally {
      await other?.close();
    }
  });

  it("leaves a claimed mail alone until its lease ends, then another worker takes it", async () => {
    await enqueueMail(t.db.db, mail("lease@example.fr"), clock.now());
    smtp.mode = "hold";
    const stuck = worker();
    const running = stuck.runOnce(); // claims, then hangs on the stalled server
    await new Promise((r) => setTimeout(r, 300));
    smtp.mode = "accept";
    expect(await worker().runOnce()).toBe(0);
    clock.advance(61_000);
    expect(await worker().runOnce()).toBe(1);
    expect(smtp.received.filter((m) => m.to.includes("lease@example.fr"))).toHaveLength(1);
    void running.catch(() => {});
  });
});
