import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors } from "../helpers/client.ts";
import { createActiveAccount, GOOD_PASSWORD, signIn } from "../helpers/flows.ts";

let t: TestApp;
let identifier: string;
beforeAll(async () => {
  t = await startTestApp();
  identifier = await createActiveAccount(t, new Browser(t.app, "192.0.2.200"), { email: "connexion@example.fr", givenName: "Paul", familyName: "Bernard" });
}, 180_000); // a fresh database takes long to migrate on a loaded machine
afterAll(() => t.close());

let ip = 1;
const browser = () => new Browser(t.app, `203.0.113.${ip++}`);

describe("JE POSSÈDE DÉJÀ UN COMPTE, JE M'IDENTIFIE", () => {
  it("shows the form with its verbatim labels, the forgotten links and FranceConnect", async () => {
    const page = await browser().get("/connexion");
    expect(page.text("h1")).toBe("JE POSSÈDE DÉJÀ UN COMPTE, JE M'IDENTIFIE");
    expect(page.text('label[for="identifier"]')).toContain("Identifiant");
    expect(page.text('label[for="password"]')).toContain("Mot de passe");
    expect(page.text('form[action="/connexion"] button[type="submit"]')).toBe("ME CONNECTER");
    expect(page.text('a[href="/identifiant-oublie"]')).toBe("Identifiant oublié ?");
    expect(page.text('a[href="/mot-de-passe-oublie"]')).toBe("Mot de passe oublié ?");
    expect(page.text(".fr-connect")).toBe("S’identifier avec FranceConnect");
  });

  it("asks for both fields", async () => {
    const b = browser();
    await b.get("/connexion");
    const page = await b.post("/connexion", {});
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual(["Saisissez votre identifiant.", "Saisissez votre mot de passe."]);
    expect(fieldError(page, "identifier")).toBe("Saisissez votre identifiant.");
  });

  it("gives the same answer for an unknown identifier and a wrong password", async () => {
    const b = browser();
    const unknown = await signIn(b, "inconnu1234", "Nimporte#1");
    const wrong = await signIn(browser(), identifier, "Mauvais#Mot1");
    expect(unknown.status).toBe(400);
    expect(wrong.status).toBe(unknown.status);
    expect(wrong.text("#error-summary")).toBe("Identifiant ou mot de passe incorrect.");
    expect(wrong.text("#error-summary")).toBe(unknown.text("#error-summary"));
    expect(wrong.html.querySelector("#identifier")!.getAttribute("value")).toBe(identifier);
  });

  it("signs in with the identifier, forgiving case and spaces, on a new session id", async () => {
    const b = browser();
    await b.get("/connexion");
    expect(b.cookie(SESSION_COOKIE)).toBeUndefined(); // no session for a visitor: the CSRF secret has its own cookie
    // Session fixation: a valid session id planted in the browser is not the one signed in.
    const other = browser();
    await signIn(other, identifier);
    const before = other.cookie(SESSION_COOKIE)!;
    b.setCookie(SESSION_COOKIE, before);
    const page = await b.post("/connexion", { identifier: `  ${identifier.toUpperCase()} `, password: GOOD_PASSWORD });
    expect(page.url).toBe("/mon-espace");
    expect(page.text("h1")).toBe("Bienvenue Paul Bernard");
    expect(b.cookie(SESSION_COOKIE)).toBeDefined();
    expect(b.cookie(SESSION_COOKIE)).not.toBe(before);
  });

  it("returns to the page asked for before signing in, and only to a local page", async () => {
    const b = browser();
    const asked = await b.get("/mon-espace");
    expect(asked.url).toBe("/connexion?retour=%2Fmon-espace");
    expect(asked.text(".fr-alert")).toBe("Connectez-vous pour accéder à cette page.");
    const page = await b.post("/connexion", { identifier, password: GOOD_PASSWORD, returnTo: "/mon-espace" });
    expect(page.url).toBe("/mon-espace");

    const c = browser();
    await c.get("/connexion");
    const evil = await c.post("/connexion", { identifier, password: GOOD_PASSWORD, returnTo: "//evil.example/" }, { follow: false });
    expect(evil.headers.location).toBe("/mon-espace");
  });

  it("throttles a burst of failed sign-ins on one identifier, whoever tries, with growing delays", async () => {
    const target = await createActiveAccount(t, browser(), { email: "cible@example.fr" });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(browser(), target, `Faux#Mot${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    // Even the right password is refused while the identifier is blocked.
    const blocked = await signIn(browser(), target, GOOD_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text("#error-summary")).toMatch(/^Trop de tentatives de connexion\. Pour protéger votre compte, réessayez dans \d+ secondes\.$/);
    const first = Number(blocked.headers["retry-after"]);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(30);
    // The same refusal for an unknown identifier hammered the same way.
    for (let i = 0; i < 5; i++) await signIn(browser(), "fantome0000", `Faux#Mot${i}`);
    expect((await signIn(browser(), "fantome0000", GOOD_PASSWORD)).status).toBe(429);
  });

  it("does not let a stranger's failures lock the owner out of a browser she signed in from", async () => {
    const owner = browser();
    const target = await createActiveAccount(t, owner, { email: "appareil@example.fr" });
    // She signed in from this browser once (the activation signs in too; a sign-in marks the browser).
    expect((await signIn(owner, target)).url).toBe("/mon-espace");
    expect(owner.cookie("permis_appareil")).toBeTruthy();
    await owner.post("/deconnexion", {});

    // A stranger hammers her identifier from elsewhere: blocked for everyone else…
    for (let i = 0; i < 6; i++) await signIn(browser(), target, `Faux#Mot${i}`);
    expect((await signIn(browser(), target, GOOD_PASSWORD)).status).toBe(429);
    // …but not in her browser, which has a limit of its own.
    const back = await signIn(owner, target);
    expect(back.url).toBe("/mon-espace");

    // That browser's own limit still holds against guessing from it.
    await owner.post("/deconnexion", {});
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(owner, target, `Faux#Mot${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400]);
    expect((await signIn(owner, target)).status).toBe(429);

    // A browser marked for another account, or a forged mark, counts with everyone else.
    const other = browser();
    const mine = await createActiveAccount(t, other, { email: "autre-appareil@example.fr" });
    expect((await signIn(other, mine)).url).toBe("/mon-espace");
    await other.post("/deconnexion", {});
    expect((await signIn(other, target)).status).toBe(429);
    const forged = browser();
    forged.setCookie("permis_appareil", owner.cookie("permis_appareil")!.replace(/\.[^.]+$/, ".AAAA"));
    expect((await signIn(forged, target)).status).toBe(429);
  });

  it("throttles one address trying many identifiers", async () => {
    const b = browser();
    for (let i = 0; i < 20; i++) await signIn(b, `essai${i}0000`, "Faux#Mot1");
    const blocked = await signIn(b, identifier, GOOD_PASSWORD);
    expect(blocked.status).toBe(429);
    // The account itself stays reachable from elsewhere.
    expect((await signIn(browser(), identifier, GOOD_PASSWORD)).url).toBe("/mon-espace");
  });

  it("signs out: the session is destroyed on the server, not just forgotten by the browser", async () => {
    const b = browser();
    await signIn(b, identifier);
    const cookie = b.cookie(SESSION_COOKIE)!;
    const home = await b.get("/mon-espace");
    const out = await b.post("/deconnexion", {}, { csrf: home.csrf });
    expect(out.url).toBe("/connexion?deconnecte=1");
    const replay = new Browser(t.app);
    replay.setCookie(SESSION_COOKIE, cookie);
    expect((await replay.get("/mon-espace")).url).toMatch(/^\/connexion/);
  });

  it("refuses a sign-out without CSRF token", async () => {
    const b = browser();
    await signIn(b, identifier);
    const page = await b.post("/deconnexion", {}, { csrf: false });
    expect(page.status).toBe(403);
    expect((await b.get("/mon-espace")).url).toBe("/mon-espace");
  });
});
