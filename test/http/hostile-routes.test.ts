import { randomUUID } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfCookieName } from "../../src/web/security/csrf.ts";
import { safeReturnPath, SESSION_COOKIE } from "../../src/web/security/session.ts";
import { PUBLIC_URL, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount, GOOD_PASSWORD } from "../helpers/flows.ts";
import { listRoutes, type Route } from "../helpers/routes.ts";

/**
 * Issue 6 §1, §4, §8: no request ends the process or gets a 5xx. Every route of the app is
 * driven with hostile values in its path parameters, query string and form body, anonymous and
 * signed in; every answer must be a 2xx, 3xx or 4xx that quotes no SQL nor stack, and the app
 * must still answer afterwards.
 */

/** Hostile values, already written as they travel in a URL or an urlencoded body. */
const HOSTILE = [
  "a%00b",
  "%2F%0D%0A",
  "%1B%5B31m%7F",
  "%C2%85",
  "%C3%28",
  "%FF",
  "%ED%A0%80",
  "x".repeat(10_000),
  "-".repeat(36),
  "00000000-0000-0000-0000-000000000000",
  "..",
  "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
  "%27%3B%20select%201%20--",
  "%2F%09%2Fevil.example",
];

/** The fields that get a 10 kB value (all of them at once would pass the 64 kB form limit: a mere 413). */
const LONG_FIELDS = ["identifier", "email", "familyName", "nomNaissance", "prenom1", "telephone", "q", "returnTo"];

/** Every name a form of the service uses, and a few more. */
const FIELDS = (
  "_method action additional amSeul attestation beneficiaire captcha captchaId categories categoriesDetenues cgu codePhoto codePostal commune " +
  "communeNaissance complement conduiteAccompagnee consentement dejaTitulaire departementNaissance description email erreurs examen extension " +
  "fabrication familyName formation formationComplementaire givenName group identifier inscription justificatifAuNom kind naissance naissanceJour " +
  "naissanceMois naissanceAnnee nationalite nomNaissance nomUsage nomVoie numero numeroPermis numeroTimbre password passwordConfirmation paysNaissance " +
  "photoOption piece pour prefecture prenom1 prenom2 prenomCount q repNom repPrenom repQualite returnTo secretAnswer secretQuestion sex sexe " +
  "telephone typeVoie visiteMedicale vision affection pension vehiculeAmenage francais"
).split(" ");

const QUERY_NAMES = ["q", "retour", "_csrf", "deconnecte", "motdepasse", "fc", "error", "code", "state", "iss", "x"];

/** What a response must never show: SQL, drivers' messages, stack frames. */
const LEAKS = /Failed query|params:|syntax error|invalid input syntax|violates|PGlite|drizzle|\bselect\b.+\bfrom\b|\binsert into\b|\n\s+at [^\n]+:\d+:\d+|node_modules|ERR_INVALID_CHAR/i;



let t: TestApp;
let routes: Route[];
let draftId: string;
let anonymous: { cookie: string; token: string };
let signedIn: { cookie: string; token: string };
let ipCounter = 0;
const nextIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

function cookieHeader(b: Browser, ...names: string[]): string {
  return names.flatMap((n) => (b.cookie(n) ? [`${n}=${b.cookie(n)}`] : [])).join("; ");
}

beforeAll(async () => {
  t = await startTestApp();
  routes = listRoutes(t.app.printRoutes({ commonPrefix: false }));

  const anon = new Browser(t.app, "192.0.2.1");
  const anonPage = await anon.get("/connexion");
  anonymous = { cookie: cookieHeader(anon, csrfCookieName(false)), token: anonPage.csrf! };

  const user = new Browser(t.app, "192.0.2.2");
  const identifier = await createActiveAccount(t, user, { email: "hostile.routes@example.fr" });
  await user.get("/connexion");
  const home = await user.post("/connexion", { identifier, password: GOOD_PASSWORD });
  expect(home.url).toBe("/mon-espace");
  await user.get("/demandes/nouvelle");
  const created = await user.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
  draftId = /^\/demandes\/([0-9a-f-]{36})\/etape\/1$/.exec(created.url)![1]!;
  signedIn = { cookie: cookieHeader(user, SESSION_COOKIE, csrfCookieName(false)), token: created.csrf! };
}, 240_000);
afterAll(() => t.close());

const failures: string[] = [];

/** Without FranceConnect configured (tests), its sign-in button answers "unavailable": a page, not a failure. */
const unavailableByDesign = (label: string, status: number) => status === 503 && label.includes(" GET /franceconnect/connexion ");

function check(label: string, res: LightMyRequestResponse) {
  if ((res.statusCode >= 500 && !unavailableByDesign(label, res.statusCode)) || res.statusCode < 200) failures.push(`${res.statusCode} ${label}`);
  else if (LEAKS.test(res.body)) failures.push(`leak ${label}: ${LEAKS.exec(res.body)![0]}`);
}

/** Runs the requests a few at a time (the database is the bottleneck, not the CPU). */
async function pool<T>(items: T[], run: (item: T) => Promise<void>, width = 6) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** A route's URL with each parameter replaced by `value`, or a well-formed neutral one. */
function fill(url: string, value: ((param: string) => string) | string): string {
  const pick = typeof value === "string" ? () => value : value;
  return url.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => pick(name ?? "*"));
}

const neutral = (id: string) => (param: string) => (param === "id" || param === "doc" ? id : param === "step" ? "1" : param === "*" ? "x" : "abc");

/** Routes whose form would end the session or delete the draft: driven with an unknown id only. */
const destructive = (r: Route) => /supprimer|deconnexion|envoyer/.test(r.url);

describe("every route, hostile values", () => {
  it("enumerates the app's routes", () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    expect(names.length).toBeGreaterThan(30);
    for (const expected of ["POST /connexion", "GET /demandes/:id/etape/:step", "POST /demandes/:id/pieces", "POST /api/photographes/depots", "GET /sante"]) {
      expect(names).toContain(expected);
    }
  });

  it("answers every hostile request with a 2xx, 3xx or 4xx, quoting no SQL nor stack", async () => {
    const jobs: Array<() => Promise<void>> = [];
    for (const who of [anonymous, signedIn]) {
      for (const route of routes) {
        // Signing out would end the signed-in identity for the rest of the run (it is driven last).
        if (who === signedIn && route.url === "/deconnexion") continue;
        const hasParams = /:\w+|\*/.test(route.url);
        for (const h of HOSTILE) {
          const headers = (extra: Record<string, string> = {}) => ({ cookie: who.cookie, ...extra });
          const send = (label: string, opts: { url: string; payload?: string; type?: string }) => async () => {
            const res = await t.app.inject({
              method: route.method as "GET",
              url: opts.url,
              remoteAddress: nextIp(),
              headers: headers(opts.payload !== undefined ? { "content-type": opts.type ?? "application/x-www-form-urlencoded" } : {}),
              ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
            });
            check(`${who === signedIn ? "signed-in" : "anonymous"} ${route.method} ${route.url} ${label} ${h.slice(0, 40)}`, res);
          };
          if (hasParams) jobs.push(send("path", { url: fill(route.url, h) }));
          const query = QUERY_NAMES.map((n) => `${n}=${h}`).join("&");
          jobs.push(send("query", { url: `${fill(route.url, neutral(randomUUID()))}?${query}` }));
          if (route.method === "POST") {
            const id = destructive(route) ? randomUUID() : draftId;
            const fields = h.length > 1000 ? LONG_FIELDS : FIELDS;
            const body = [`_csrf=${encodeURIComponent(who.token)}`, ...fields.map((f) => `${f}=${h}`)].join("&");
            // Every other value, each field repeated (arrays where strings are expected).
            const repeated = HOSTILE.indexOf(h) % 2 === 1 ? `&${fields.map((f) => `${f}=${h}`).join("&")}` : "";
            jobs.push(send("body", { url: fill(route.url, neutral(id)), payload: body + repeated }));
          }
        }
      }
    }
    await pool(jobs, (job) => job());
    expect(failures).toEqual([]);
    // Still up, still signed in.
    expect((await t.app.inject("/sante")).statusCode).toBe(200);
    expect((await t.app.inject({ url: "/mon-espace", headers: { cookie: signedIn.cookie } })).statusCode).toBe(200);
  }, 600_000);

  it("answers malformed multipart bodies with a 4xx, never a 5xx", async () => {
    failures.length = 0;
    const boundary = "----hostile";
    const part = (headers: string, content: string) => `--${boundary}\r\n${headers}\r\n\r\n${content}\r\n`;
    const bodies: Array<[string, string | Buffer]> = [
      ["multipart/form-data", "no boundary at all"],
      [`multipart/form-data; boundary=${boundary}`, "garbage without any boundary"],
      [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="a.pdf"\r\n\r\n%PDF-1.4 truncated`],
      [`multipart/form-data; boundary=${boundary}`, `${part('Content-Disposition: form-data; name="piece"', "x".repeat(10_000))}--${boundary}--\r\n`],
      [`multipart/form-data; boundary=${boundary}`, Buffer.from(`${part('Content-Disposition: form-data; name="fichier"; filename="a\u0000b\r.pdf"\r\nContent-Type: application/pdf', "%PDF-1.4")}--${boundary}--\r\n`, "latin1")],
      [`multipart/form-data; boundary=${boundary}`, `${part("Content-Disposition: garbage", "x")}--${boundary}--\r\n`],
      [`multipart/form-data; boundary=${boundary}`, `${part('Content-Disposition: form-data; name="__proto__"', "x")}--${boundary}--\r\n`],
      ["multipart/form-data; boundary=", "--\r\n"],
    ];
    // An upload's token is the first field of its body (never in the address): it is put first,
    // so that the hostile rest of the body reaches the route's parser.
    const withToken = (payload: string | Buffer) => Buffer.concat([Buffer.from(part('Content-Disposition: form-data; name="_csrf"', signedIn.token)), Buffer.from(payload)]);
    for (const [type, payload] of bodies) {
      for (const [url, cookie, body] of [
        [`/demandes/${draftId}/pieces`, signedIn.cookie, withToken(payload)],
        [`/api/photographes/depots`, "", payload],
      ] as const) {
        const res = await t.app.inject({ method: "POST", url, remoteAddress: nextIp(), headers: { cookie, "content-type": type, authorization: "Bearer nope" }, payload: body });
        check(`multipart ${url} ${type}`, res);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("answers a malformed id with a 404, before any query", async () => {
    for (const id of ["notauuid", "-".repeat(36), "x".repeat(36), `${randomUUID()}x`, "%00", "1"]) {
      for (const url of [`/demandes/${id}`, `/demandes/${id}/etape/1`, `/demandes/${draftId}/pieces/${id}`, `/demandes/${id}/recepisse.pdf`, `/demandes/${id}/supprimer`]) {
        const res = await t.app.inject({ url, headers: { cookie: signedIn.cookie } });
        expect(res.statusCode, url).toBe(404);
        expect(res.body).toContain("Page non trouvée");
      }
    }
    // A well-formed id of nothing (zeros) is a 404 as well.
    expect((await t.app.inject({ url: "/demandes/00000000-0000-0000-0000-000000000000", headers: { cookie: signedIn.cookie } })).statusCode).toBe(404);
    for (const url of [
      "/captcha/notauuid/image.svg",
      "/captcha/notauuid/image.png",
      `/captcha/${"-".repeat(36)}/audio.wav`,
      "/captcha/00000000-0000-0000-0000-000000000000/image.png",
      `/captcha/${"x".repeat(5000)}/image.png`,
    ]) {
      const res = await t.app.inject(url);
      // A parameter past the router's length limit is a 414 (URI too long).
      expect([404, 414], url.slice(0, 60)).toContain(res.statusCode);
      expect(res.body).not.toMatch(LEAKS);
    }
  });

  it("signs out, then still answers", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/deconnexion",
      headers: { cookie: signedIn.cookie, "content-type": "application/x-www-form-urlencoded" },
      payload: `_csrf=${encodeURIComponent(signedIn.token)}&x=%00`,
    });
    expect(res.statusCode).toBeLessThan(500);
    expect((await t.app.inject("/sante")).statusCode).toBe(200);
  });
});

describe("the destination after sign-in (returnTo, retour)", () => {
  it.each<[string, string | undefined]>([
    ["/demandes/nouvelle", "/demandes/nouvelle"],
    ["/demandes?x=1#haut", "/demandes?x=1#haut"],
    ["/mon espace", "/mon%20espace"],
    ["/\r", undefined],
    ["/\n", undefined],
    ["/\u0000", undefined],
    ["/\u0085", undefined],
    ["/\t/evil.example", undefined],
    ["//evil.example", undefined],
    ["/\\evil.example", undefined],
    ["/.//evil.example", undefined],
    ["/..//evil.example", undefined],
    ["https://evil.example", undefined],
    ["http://permis.test/mon-espace", undefined],
    ["mon-espace", undefined],
    ["", undefined],
  ])("safeReturnPath(%j) = %j", (value, expected) => {
    expect(safeReturnPath(value, PUBLIC_URL)).toBe(expected);
  });

  it("refuses a destination longer than 2048 characters", () => {
    expect(safeReturnPath("/x".repeat(1024), PUBLIC_URL)).toBe("/x".repeat(1024));
    expect(safeReturnPath("/x".repeat(1025), PUBLIC_URL)).toBeUndefined();
  });

  it("signs in with a hostile returnTo: redirected home, never to another host, and the app still answers", async () => {
    const user = new Browser(t.app, "192.0.2.3");
    const identifier = await createActiveAccount(t, user, { email: "retour.hostile@example.fr" });
    for (const returnTo of ["/\r", "/\r\nSet-Cookie: x=1", "/\t/evil.example", "//evil", "/\\evil", "https://evil", "/.//evil.example"]) {
      const b = new Browser(t.app, nextIp());
      await b.get("/connexion");
      const res = await b.post("/connexion", { identifier, password: GOOD_PASSWORD, returnTo }, { follow: false });
      expect(res.status, JSON.stringify(returnTo)).toBe(303);
      expect(res.headers.location).toBe("/mon-espace");
    }
    expect((await t.app.inject("/sante")).statusCode).toBe(200);
  });

  it("a victim's link /connexion?retour=%2F%0D leads home after sign-in", async () => {
    const user = new Browser(t.app, "192.0.2.4");
    const identifier = await createActiveAccount(t, user, { email: "retour.lien@example.fr" });
    const victim = new Browser(t.app, "192.0.2.5");
    const form = await victim.get("/connexion?retour=%2F%0D");
    expect(form.status).toBe(200);
    const hidden = form.html.querySelector('input[name="returnTo"]')?.getAttribute("value");
    expect(hidden === undefined || !/[\r\n]/.test(hidden)).toBe(true);
    // Even if the form were altered to carry it back.
    const res = await victim.post("/connexion", { identifier, password: GOOD_PASSWORD, returnTo: "/\r" }, { follow: false });
    expect(res.headers.location).toBe("/mon-espace");
  });

  it("keeps a local destination", async () => {
    const user = new Browser(t.app, "192.0.2.6");
    const identifier = await createActiveAccount(t, user, { email: "retour.local@example.fr" });
    const b = new Browser(t.app, "192.0.2.7");
    await b.get("/connexion?retour=%2Fdemandes%2Fnouvelle");
    const res = await b.post("/connexion", { identifier, password: GOOD_PASSWORD, returnTo: "/demandes/nouvelle" }, { follow: false });
    expect(res.headers.location).toBe("/demandes/nouvelle");
  });
});
