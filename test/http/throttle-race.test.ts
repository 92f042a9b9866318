import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { ACTIVATION_FORM, createActiveAccount, GOOD_PASSWORD, signIn } from "../helpers/flows.ts";
import type * as Passwords from "../../src/services/passwords.ts";

/**
 * Issue 6, item 5: a burst of parallel attempts must not get more password (or secret answer)
 * evaluations than the rate-limit policy allows. Every evaluation goes through the verifier,
 * which this file counts.
 */
const evaluations = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/services/passwords.ts", async (importOriginal) => {
  const actual = await importOriginal<typeof Passwords>();
  return {
    ...actual,
    verifySecret: (secret: string, stored: string) => {
      evaluations.count++;
      return actual.verifySecret(secret, stored);
    },
    verifyDecoy: (secret: string) => {
      evaluations.count++;
      return actual.verifyDecoy(secret);
    },
  };
});

let t: TestApp;
let identifier: string;
beforeAll(async () => {
  t = await startTestApp();
  identifier = await createActiveAccount(t, new Browser(t.app, "192.0.2.1"), { email: "rafale@example.fr" });
}, 180_000);
afterAll(() => t.close());
beforeEach(() => {
  evaluations.count = 0;
});

/** Many argon2 evaluations on a shared machine: generous time limits. */
const SLOW = 180_000;

let ip = 1;
const freshIp = () => `198.51.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`;

/** `n` browsers on the given page (session and CSRF token ready), from `ipOf(i)`. */
async function browsersOn(url: string, n: number, ipOf: (i: number) => string): Promise<Browser[]> {
  const browsers: Browser[] = [];
  for (let i = 0; i < n; i++) {
    const b = new Browser(t.app, ipOf(i));
    await b.get(url);
    browsers.push(b);
  }
  return browsers;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("sign-in under a burst of parallel attempts", () => {
  it("100 parallel wrong passwords on one identifier, from 100 addresses: 5 evaluations, the rest refused with 429", async () => {
    const browsers = await browsersOn("/connexion", 100, freshIp);
    evaluations.count = 0;
    const pages = await Promise.all(browsers.map((b, i) => b.post("/connexion", { identifier, password: `Faux#Mot${i}` })));
    const statuses = pages.map((p) => p.status);
    expect(evaluations.count).toBe(5);
    expect(count(statuses, 400)).toBe(5);
    expect(count(statuses, 429)).toBe(95);
    // Blocked: even the right password is not looked at.
    evaluations.count = 0;
    expect((await signIn(new Browser(t.app, freshIp()), identifier, GOOD_PASSWORD)).status).toBe(429);
    expect(evaluations.count).toBe(0);
  }, SLOW);

  it("100 parallel wrong passwords from one address on 100 identifiers: 20 evaluations", async () => {
    const address = freshIp();
    const browsers = await browsersOn("/connexion", 100, () => address);
    evaluations.count = 0;
    const pages = await Promise.all(browsers.map((b, i) => b.post("/connexion", { identifier: `essai${String(i).padStart(4, "0")}`, password: "Faux#Mot1" })));
    expect(evaluations.count).toBe(20);
    expect(count(pages.map((p) => p.status), 429)).toBe(80);
  }, SLOW);

  it("the same at the service level: 100 parallel calls, 5 evaluations", async () => {
    const other = await createActiveAccount(t, new Browser(t.app, freshIp()), { email: "rafale2@example.fr" });
    evaluations.count = 0;
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => t.services.accounts.signin(other, `Faux#Mot${i}`, `192.0.2.${(i % 200) + 20}`)));
    expect(evaluations.count).toBe(5);
    expect(results.filter((r) => r.kind === "invalid")).toHaveLength(5);
    expect(results.filter((r) => r.kind === "throttled")).toHaveLength(95);
  }, SLOW);

  it("successful sign-ins give the address its attempts back: 21 in a row from one address all succeed", async () => {
    const b = new Browser(t.app, freshIp());
    const other = await createActiveAccount(t, b, { email: "rafale3@example.fr" });
    for (let i = 0; i < 21; i++) {
      const page = await signIn(b, other, GOOD_PASSWORD);
      expect(page.url, `sign-in ${i + 1}`).toBe("/mon-espace");
    }
    // ... and the failures still count: 20 more from that address block it.
    for (let i = 0; i < 20; i++) expect((await signIn(b, `autre${String(i).padStart(4, "0")}`, "Faux#Mot1")).status).toBe(400);
    expect((await signIn(b, other, GOOD_PASSWORD)).status).toBe(429);
  }, SLOW);

  it("a success after failures clears the identifier's count: five more failures are allowed", async () => {
    const other = await createActiveAccount(t, new Browser(t.app, freshIp()), { email: "rafale4@example.fr" });
    for (let i = 0; i < 4; i++) expect((await signIn(new Browser(t.app, freshIp()), other, "Faux#Mot1")).status).toBe(400);
    expect((await signIn(new Browser(t.app, freshIp()), other)).url).toBe("/mon-espace");
    for (let i = 0; i < 5; i++) expect((await signIn(new Browser(t.app, freshIp()), other, "Faux#Mot1")).status).toBe(400);
    expect((await signIn(new Browser(t.app, freshIp()), other)).status).toBe(429);
  }, SLOW);
});

describe("\"Mot de passe oublié\" under a burst of parallel attempts", () => {
  const wrong = { secretQuestion: ACTIVATION_FORM.secretQuestion, secretAnswer: "Mauvaise réponse" };

  it("100 parallel tries on one identifier, from 100 addresses: 5 evaluations of the answer", async () => {
    const other = await createActiveAccount(t, new Browser(t.app, freshIp()), { email: "rafale5@example.fr" });
    const browsers = await browsersOn("/mot-de-passe-oublie", 100, freshIp);
    evaluations.count = 0;
    const pages = await Promise.all(browsers.map((b) => b.post("/mot-de-passe-oublie", { identifier: other, ...wrong })));
    expect(evaluations.count).toBe(5);
    expect(count(pages.map((p) => p.status), 429)).toBe(95);
  }, SLOW);

  it("100 parallel tries from one address: 5 evaluations", async () => {
    const address = freshIp();
    const browsers = await browsersOn("/mot-de-passe-oublie", 100, () => address);
    evaluations.count = 0;
    const pages = await Promise.all(browsers.map((b, i) => b.post("/mot-de-passe-oublie", { identifier: `oubli${String(i).padStart(4, "0")}`, ...wrong })));
    expect(evaluations.count).toBe(5);
    expect(count(pages.map((p) => p.status), 429)).toBe(95);
  }, SLOW);
});
