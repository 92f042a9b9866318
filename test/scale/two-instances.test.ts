import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";
import { ACTIVATION_FORM, signIn, submitSignup } from "../helpers/flows.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

/**
 * Two instances of the service on one database behave as one service: sessions, captchas,
 * links and mails live in PostgreSQL. (On PGlite both share the one embedded database.)
 */
let db: TestDatabase;
let second: TestDatabase;
let a: TestApp;
let b: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  db = await testDatabase();
  // On a server, the second instance has its own connection pool, as a second process would.
  second = db.url ? { ...(await openDatabase({ url: db.url, poolSize: 5 })), dispose: async () => {} } : db;
  const env = { SMTP_URL: smtp.url };
  a = await startTestApp({ db, env });
  b = await startTestApp({ db: second, env });
});
afterAll(async () => {
  await a.close();
  await b.close();
  if (second !== db) await second.close();
  await db.dispose();
  await smtp.close();
});

describe("two instances on one database", () => {
  it("accept a form rendered by the other, and share the session opened on either", async () => {
    const onA = new Browser(a.app, "192.0.2.50");
    // The captcha and CSRF token come from instance A; the form is posted to instance B.
    const form = await onA.get("/compte/creer");
    const captchaId = form.html.querySelector('input[name="captchaId"]')!.getAttribute("value")!;
    const onB = onA.on(b.app);
    const sent = await onB.post("/compte/creer", {
      kind: "particulier", familyName: "Durand", givenName: "Inès", email: "deux@example.fr", captchaId, captcha: await a.captchaAnswer(captchaId), cgu: "oui",
    });
    expect(sent.url).toBe("/compte/creer/envoye");

    const link = linkIn((await a.mailsTo("deux@example.fr"))[0], "/compte/activer/");
    await onA.get(link);
    const home = await onA.on(b.app).post(link, ACTIVATION_FORM);
    expect(home.url).toBe("/mon-espace");
    // Signed in through B: A knows the session too.
    const onAgain = onA.on(a.app);
    expect((await onAgain.get("/mon-espace")).text("h1")).toBe("Bienvenue Inès Durand");

    const identifier = /Votre identifiant est : (\S+)/.exec((await a.mailsTo("deux@example.fr"))[1]!.bodyText)![1]!;
    const other = new Browser(b.app, "192.0.2.51");
    await signIn(other, identifier);
    const out = await other.on(a.app).post("/deconnexion", {}, { csrf: (await other.on(a.app).get("/mon-espace")).csrf });
    expect(out.url).toBe("/connexion?deconnecte=1");
    expect((await other.on(b.app).get("/mon-espace")).url).toMatch(/^\/connexion/);
  });

  it("deliver each outbox mail once with both workers running", async () => {
    a.services.outbox.start();
    b.services.outbox.start();
    try {
      const recipients = Array.from({ length: 8 }, (_, i) => `lot${i}@example.fr`);
      await Promise.all(
        recipients.map((email, i) => submitSignup(i % 2 ? a : b, new Browser(i % 2 ? a.app : b.app, `192.0.2.${60 + i}`), { email })),
      );
      for (const email of recipients) await smtp.waitFor((m) => m.to.includes(email));
      await new Promise((r) => setTimeout(r, 1500)); // time for a duplicate to show up, if any
      for (const email of recipients) {
        expect(smtp.received.filter((m) => m.to.includes(email))).toHaveLength(1);
      }
    } finally {
      await a.services.outbox.stop();
      await b.services.outbox.stop();
    }
  });
});
