import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfCookieName } from "../../src/web/security/csrf.ts";
import { insertAccount } from "../../src/db/repositories/accounts.ts";
import { hashSecret } from "../../src/services/passwords.ts";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount, GOOD_PASSWORD, signIn } from "../helpers/flows.ts";

/** Tests that start an app of their own: a few seconds, more on a loaded machine. */
const APP_START_MS = 180_000;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("security defaults", () => {
  it("sends a CSP without unsafe-inline and the usual protective headers", async () => {
    const res = await t.app.inject("/connexion");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("pages carry no inline script, handler or style attribute", async () => {
    for (const url of ["/", "/connexion", "/compte/creer", "/mot-de-passe-oublie", "/identifiant-oublie", "/cgu"]) {
      const page = await new Browser(t.app).get(url);
      expect(page.status).toBe(200);
      for (const script of page.html.querySelectorAll("script")) expect(script.getAttribute("src")).toBeTruthy();
      expect(page.body).not.toMatch(/\son[a-z]+="/);
      expect(page.body).not.toMatch(/\sstyle="/);
    }
  });

  it("sets the CSRF cookie HttpOnly and SameSite=Lax, only when a form needs it, and no session for a mere visitor", async () => {
    const home = await t.app.inject("/");
    expect(home.headers["set-cookie"]).toBeUndefined();
    const form = await t.app.inject("/connexion");
    const cookie = String(form.headers["set-cookie"]);
    expect(cookie).toMatch(new RegExp(`^${csrfCookieName(false)}=`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure"); // plain http in tests
    expect(cookie).not.toContain(`${SESSION_COOKIE}=`);
  });

  it("sets the session cookie HttpOnly and SameSite=Lax once signed in", async () => {
    const b = new Browser(t.app, "198.51.100.31");
    const identifier = await createActiveAccount(t, b, { email: "cookie.session@example.fr" });
    await b.get("/connexion");
    const res = await t.app.inject({
      method: "POST",
      url: "/connexion",
      remoteAddress: "198.51.100.31",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${csrfCookieName(false)}=${b.cookie(csrfCookieName(false))}` },
      payload: new URLSearchParams({ _csrf: b.lastPage!.csrf!, identifier, password: GOOD_PASSWORD }).toString(),
    });
    expect(res.statusCode).toBe(303);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(new RegExp(`${SESSION_COOKIE}=`));
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });

  it("marks the cookie Secure and sends HSTS behind an https public address", async () => {
    const https = await startTestApp({ env: { PUBLIC_URL: "https://permis.example.gouv.fr", TRUST_PROXY: "1" } });
    try {
      const res = await https.app.inject({ url: "/connexion", headers: { "x-forwarded-proto": "https" } });
      // The CSRF secret's cookie: Secure, and __Host- so that no sub-domain can plant one.
      expect(String(res.headers["set-cookie"])).toMatch(/^__Host-permis_csrf=.*; Secure/);
      expect(res.headers["strict-transport-security"]).toContain("max-age=31536000");

      // The session's cookie too: a session planted by a sub-domain or a plain-http answer
      // (a cookie without the prefix) is not the session the service reads.
      const identifier = "essai1234";
      await insertAccount(https.db.db, {
        kind: "particulier",
        status: "active",
        familyName: "Essai",
        givenName: "Claire",
        email: "claire.essai@example.fr",
        identifier,
        passwordHash: await hashSecret(GOOD_PASSWORD),
        activatedAt: new Date(),
      });
      const csrfCookie = /^(__Host-permis_csrf=[^;]+)/.exec(String(res.headers["set-cookie"]))![1]!;
      const token = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
      const signedIn = await https.app.inject({
        method: "POST",
        url: "/connexion",
        remoteAddress: "198.51.100.32",
        headers: { "x-forwarded-proto": "https", "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        payload: new URLSearchParams({ _csrf: token, identifier, password: GOOD_PASSWORD }).toString(),
      });
      expect(signedIn.statusCode).toBe(303);
      const cookies = [signedIn.headers["set-cookie"] ?? []].flat().map(String);
      const session = cookies.find((c) => c.startsWith("__Host-permis_session="))!;
      expect(session).toMatch(/^__Host-permis_session=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
      // The browser's mark (security/device.ts) is __Host- too.
      expect(cookies.find((c) => c.startsWith("__Host-permis_appareil="))).toMatch(/; Max-Age=31536000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(session).not.toMatch(/Domain=/i);
      const sid = /^__Host-permis_session=([^;]+)/.exec(session)![1]!;
      const home = (cookie: string) => https.app.inject({ url: "/mon-espace", headers: { "x-forwarded-proto": "https", cookie } });
      expect((await home(`__Host-permis_session=${sid}`)).statusCode).toBe(200);
      const planted = await home(`${SESSION_COOKIE}=${sid}`);
      expect(planted.statusCode).toBe(303);
      expect(String(planted.headers.location)).toMatch(/^\/connexion/);
    } finally {
      await https.close();
    }
  }, APP_START_MS);

  it.each(["/connexion", "/compte/creer", "/identifiant-oublie", "/mot-de-passe-oublie", "/compte/activation/renvoyer", "/deconnexion"])(
    "refuses POST %s without a CSRF token",
    async (url) => {
      const b = new Browser(t.app);
      await b.get("/connexion");
      const page = await b.post(url, { email: "x@example.fr", identifier: "x", password: "x" }, { csrf: false });
      expect(page.status).toBe(403);
      const forged = await b.post(url, { email: "x@example.fr" }, { csrf: "forged-token" });
      expect(forged.status).toBe(403);
    },
  );

  it("answers unknown pages with a French 404 page", async () => {
    const page = await new Browser(t.app).get("/nulle-part");
    expect(page.status).toBe(404);
    expect(page.text("h1")).toBe("Page non trouvée");
  });

  it("has no development mailbox in production", async () => {
    const production = await startTestApp({
      env: {
        NODE_ENV: "production",
        PUBLIC_URL: "https://permis.example.gouv.fr",
        DATABASE_URL: "postgres://unused.invalid/db",
        SMTP_URL: "smtp://unused.invalid:25",
        FRANCECONNECT_ISSUER: "https://fc.example.gouv.fr",
        FRANCECONNECT_CLIENT_ID: "id",
        FRANCECONNECT_CLIENT_SECRET: "secret",
        STORAGE_ENCRYPTION_KEY: "ab".repeat(32),
      },
    });
    try {
      expect((await production.app.inject("/dev/mails")).statusCode).toBe(404);
      expect((await t.app.inject("/dev/mails")).statusCode).toBe(200);
    } finally {
      await production.close();
    }
  }, APP_START_MS);

  it("writes nothing personal in the logs", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await startTestApp({ appLogger: pino({ level: "debug" }, sink) });
    try {
      const identifier = await createActiveAccount(logged, new Browser(logged.app, "198.51.100.77"), {
        email: "secret.person@example.fr",
        familyName: "Confidentiel",
      });
      await signIn(new Browser(logged.app, "198.51.100.77"), identifier, "Mauvais#Mot1");
      const token = linkIn((await logged.mailsTo("secret.person@example.fr"))[0], "/compte/activer/").split("/").pop()!;
      const all = lines.join("\n");
      expect(lines.length).toBeGreaterThan(5);
      expect(all).toContain('"route":"/compte/activer/:token"');
      for (const secret of ["secret.person", "Confidentiel", identifier, "198.51.100.77", token, "Mauvais#Mot1"]) {
        expect(all).not.toContain(secret);
      }
    } finally {
      await logged.close();
    }
  }, APP_START_MS);
});
