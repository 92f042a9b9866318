import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EXTEND_EVERY_MS, SESSION_COOKIE } from "../../src/web/security/session.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount, signIn } from "../helpers/flows.ts";

/**
 * Issue 6 §12 and issue 8 goal 2: a visitor who submits nothing writes no session row, and a
 * signed-in reader's pages write nothing (the expiry is pushed back at most every 5 minutes).
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 240_000);
afterAll(() => t.close());

async function sessionRows(): Promise<Array<{ sid: string; version: string; expire: string }>> {
  // xmin changes with every write of the row (an UPDATE writes a new version).
  const result = await t.db.db.execute(sql`select sid, xmin::text as version, expire::text as expire from session order by sid`);
  return (result as unknown as { rows: Array<{ sid: string; version: string; expire: string }> }).rows;
}

describe("anonymous pages write no session", () => {
  it("50 views of the account creation page (and the other forms) insert no session row", async () => {
    const before = (await sessionRows()).length;
    for (let i = 0; i < 50; i++) {
      const res = await t.app.inject({ url: "/compte/creer", remoteAddress: `198.51.100.${i}` });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers["set-cookie"] ?? "")).not.toContain(`${SESSION_COOKIE}=`);
    }
    for (const url of ["/connexion", "/mot-de-passe-oublie", "/identifiant-oublie", "/compte/activation/renvoyer", "/", "/photographes?q=Paris"]) {
      expect((await t.app.inject({ url })).statusCode).toBe(200);
    }
    expect((await sessionRows()).length).toBe(before);
  });

  it("keeps CSRF on every form: the token checks against the visitor's own cookie, not another's", async () => {
    const alice = new Browser(t.app, "198.51.100.90");
    const mallory = new Browser(t.app, "198.51.100.91");
    await alice.get("/connexion");
    await mallory.get("/connexion");
    const aliceToken = alice.lastPage!.csrf!;
    const malloryToken = mallory.lastPage!.csrf!;
    expect(aliceToken).toBeTruthy();
    // Mallory's token in Alice's browser (a forged cross-site form) is refused.
    const forged = await alice.post("/identifiant-oublie", { email: "alice@example.fr" }, { csrf: malloryToken });
    expect(forged.status).toBe(403);
    const own = await alice.post("/identifiant-oublie", { email: "alice@example.fr" }, { csrf: aliceToken });
    expect(own.status).toBe(200);
    expect((await sessionRows()).length).toBe(0);
  });

  it("a tampered CSRF cookie (unsigned secret) is refused", async () => {
    const b = new Browser(t.app, "198.51.100.92");
    await b.get("/connexion");
    expect(b.cookie("permis_csrf")).toBeTruthy();
    b.setCookie("permis_csrf", "attacker-chosen-secret");
    const page = await b.post("/identifiant-oublie", { email: "x@example.fr" });
    expect(page.status).toBe(403);
  });

  it("page routes parse no JSON nor plain-text body (415)", async () => {
    const b = new Browser(t.app, "198.51.100.93");
    await b.get("/connexion");
    const cookie = `permis_csrf=${b.cookie("permis_csrf")}`;
    for (const [type, payload] of [
      ["application/json", JSON.stringify({ _csrf: b.lastPage!.csrf, identifier: "x", password: "y" })],
      ["text/plain", "hello"],
    ] as const) {
      const res = await t.app.inject({ method: "POST", url: "/connexion", headers: { "content-type": type, cookie }, payload });
      expect(res.statusCode).toBe(415);
      expect(res.body).toContain("Format non accepté");
    }
  });
});

describe("a signed-in reader writes nothing", () => {
  let reader: Browser;
  beforeAll(async () => {
    reader = new Browser(t.app, "198.51.100.94");
    const identifier = await createActiveAccount(t, new Browser(t.app, "198.51.100.94"), { email: "lecteur@example.fr" });
    await signIn(reader, identifier);
  }, 240_000);
  afterAll(() => vi.useRealTimers());

  it("10 views of the dashboard within a minute write no session row", async () => {
    expect((await reader.get("/mon-espace")).status).toBe(200);
    const before = await sessionRows();
    expect(before.length).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      const page = await reader.get("/mon-espace");
      expect(page.status).toBe(200);
      expect(String(page.headers["set-cookie"] ?? "")).not.toContain(`${SESSION_COOKIE}=`);
    }
    expect(await sessionRows()).toEqual(before);
  });

  it("pushes the expiry back once the last extension is more than 5 minutes old, then writes nothing again", async () => {
    const before = await sessionRows();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + EXTEND_EVERY_MS + 1000);
    const page = await reader.get("/mon-espace");
    expect(page.status).toBe(200);
    // The cookie is sent again with its new lifetime, and the row holds the new expiry.
    expect(String(page.headers["set-cookie"])).toContain(`${SESSION_COOKIE}=`);
    const after = await sessionRows();
    expect(after).toHaveLength(before.length);
    const mine = (rows: typeof before) => rows.find((r) => reader.cookie(SESSION_COOKIE)?.startsWith(r.sid))!;
    expect(new Date(mine(after).expire).getTime()).toBeGreaterThan(new Date(mine(before).expire).getTime() + EXTEND_EVERY_MS);
    await reader.get("/mon-espace");
    expect(await sessionRows()).toEqual(after);
    vi.useRealTimers();
  });

  it("a session that cannot be saved gives a plain 500 page, not the database's message", async () => {
    await t.db.db.execute(sql`create function refuse_session() returns trigger language plpgsql as $$
      begin raise exception 'secret-marker %', new.sess::text; end $$`);
    await t.db.db.execute(sql`create trigger refuse_session before insert or update on session for each row execute function refuse_session()`);
    try {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 2 * EXTEND_EVERY_MS + 2000);
      const res = await t.app.inject({ url: "/mon-espace", headers: { cookie: `${SESSION_COOKIE}=${reader.cookie(SESSION_COOKIE)}` } });
      vi.useRealTimers();
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain("Erreur inattendue");
      expect(res.body).not.toMatch(/secret-marker|accountId|displayName/);
      expect((await t.app.inject("/sante")).statusCode).toBe(200);
    } finally {
      vi.useRealTimers();
      await t.db.db.execute(sql`drop trigger refuse_session on session`);
    }
  });
});
