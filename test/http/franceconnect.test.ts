import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "../../src/db/schema.ts";
import type { DemoProvider } from "../../src/services/franceconnect-demo.ts";
import { linkIn, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { ACTIVATION_FORM, createActiveAccount, GOOD_PASSWORD } from "../helpers/flows.ts";
import { ANGELA, FC_ENV, ProviderBrowser, startTestProvider } from "../helpers/franceconnect.ts";
import { DEMO_IDENTITIES } from "../../src/services/franceconnect-demo.ts";

let provider: DemoProvider;
let t: TestApp;
beforeAll(async () => {
  provider = await startTestProvider();
  t = await startTestApp({ franceConnectIssuer: provider.issuer, env: FC_ENV });
}, 180_000); // a fresh database takes long to migrate on a loaded machine
afterAll(async () => {
  await t.close();
  await provider.close();
});

/** "S'identifier avec FranceConnect", through the provider and back. */
async function franceConnect(browser: Browser, idp: ProviderBrowser, sub: string) {
  const start = await browser.get("/franceconnect/connexion", { follow: false });
  expect(start.status).toBe(303);
  const authorize = new URL(String(start.headers.location));
  expect(authorize.origin).toBe(provider.issuer);
  const params = authorize.searchParams;
  expect(params.get("code_challenge_method")).toBe("S256");
  expect(params.get("state")).toBeTruthy();
  expect(params.get("nonce")).toBeTruthy();
  expect(params.get("acr_values")).toBe("eidas1");
  expect(params.get("scope")).toBe("openid given_name family_name birthdate gender birthplace birthcountry email");
  let page = await idp.follow(authorize.href);
  if (!page.url.startsWith("/")) {
    expect(page.body).toContain("Fournisseur d'identité de démonstration");
    page = await idp.chooseIdentity(page, sub);
  }
  expect(page.url).toMatch(/^\/franceconnect\/callback\?/);
  return browser.get(page.url);
}

const accountOf = async (sub: string) => (await t.db.db.select().from(accounts).where(eq(accounts.franceConnectSub, sub)))[0];

describe("FranceConnect", () => {
  it("creates the account in one click from the identity, then signs in to the same account", async () => {
    const browser = new Browser(t.app);
    const idp = new ProviderBrowser();
    const home = await franceConnect(browser, idp, ANGELA.sub);
    expect(home.url).toBe("/mon-espace");
    expect(home.text("h1")).toBe("Bienvenue Angela Claire Louise DUBOIS");
    expect(home.text(".fr-alert--success")).toBe("Votre compte a été créé avec FranceConnect.");
    const account = (await accountOf(ANGELA.sub))!;
    expect(account).toMatchObject({
      status: "active",
      kind: "particulier",
      email: ANGELA.email,
      sex: "F",
      birthdate: "1962-08-24",
      birthplace: "75107",
      birthcountry: "99100",
    });

    // Signed out (which also ends the FranceConnect session), then back in.
    const out = await browser.post("/deconnexion", {}, { follow: false });
    expect(String(out.headers.location)).toMatch(new RegExp(`^${provider.issuer}/`));
    const logout = new URL(String(out.headers.location));
    expect(logout.searchParams.get("id_token_hint")).toBeTruthy();
    const confirm = await idp.follow(logout.href);
    const back = await idp.confirmLogout(confirm);
    expect(back.url).toMatch(/^\/franceconnect\/deconnexion\?state=/);
    expect((await browser.get(back.url)).url).toBe("/connexion?deconnecte=1");
    expect((await browser.get("/mon-espace")).url).toMatch(/^\/connexion/);

    // The provider's session is over: it asks again who is connecting.
    const again = await franceConnect(browser, idp, ANGELA.sub);
    expect(again.url).toBe("/mon-espace");
    expect(again.html.querySelector(".fr-alert--success")).toBeNull();
    expect(await t.db.db.select().from(accounts).where(eq(accounts.email, ANGELA.email))).toHaveLength(1);
  });

  it("links an existing account with the same address after one sign-in with the identifier", async () => {
    const pierre = DEMO_IDENTITIES[1]!;
    const identifier = await createActiveAccount(t, new Browser(t.app, "192.0.2.9"), { email: pierre.email, givenName: "Pierre", familyName: "Martin" });
    const browser = new Browser(t.app);
    const idp = new ProviderBrowser();
    const signin = await franceConnect(browser, idp, pierre.sub);
    expect(signin.url).toBe("/connexion");
    expect(signin.text(".fr-alert")).toContain("Un compte existe déjà avec l'adresse mél de votre identité FranceConnect");
    expect(await accountOf(pierre.sub)).toBeUndefined();

    const home = await browser.post("/connexion", { identifier, password: GOOD_PASSWORD });
    expect(home.url).toBe("/mon-espace");
    expect(home.text(".fr-alert--success")).toBe("Votre compte est désormais relié à FranceConnect.");
    expect((await accountOf(pierre.sub))!.identifier).toBe(identifier);

    const later = new Browser(t.app);
    const next = await franceConnect(later, new ProviderBrowser(), pierre.sub);
    expect(next.text("h1")).toBe("Bienvenue Pierre Martin");
  });

  it("writes no session row for a click on the button: the pending authorization rides its own signed cookie", async () => {
    const count = async () => ((await t.db.db.execute(sql`SELECT count(*)::int AS n FROM session`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
    const before = await count();
    for (let i = 0; i < 20; i++) {
      const start = await new Browser(t.app, `192.0.2.${100 + i}`).get("/franceconnect/connexion", { follow: false });
      expect(start.status).toBe(303);
      const cookie = String(start.headers["set-cookie"]);
      expect(cookie).toMatch(/^permis_fc=[^;]+; Max-Age=600; Path=\/franceconnect; HttpOnly; SameSite=Lax$/);
      expect(cookie).not.toContain("permis_session");
    }
    expect(await count()).toBe(before);

    // The cookie is signed: one edited in the browser starts nothing.
    const browser = new Browser(t.app);
    const start = await browser.get("/franceconnect/connexion", { follow: false });
    const idp = new ProviderBrowser();
    const page = await idp.chooseIdentity(await idp.follow(String(start.headers.location)), ANGELA.sub);
    expect(page.url).toMatch(/^\/franceconnect\/callback\?/);
    browser.setCookie("permis_fc", browser.cookie("permis_fc")!.replace(/^[^.]+/, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    expect((await browser.get(page.url)).url).toBe("/connexion?fc=echec");
  });

  it("refuses a callback whose state does not match, or that nobody started", async () => {
    const browser = new Browser(t.app);
    const start = await browser.get("/franceconnect/connexion", { follow: false });
    const idp = new ProviderBrowser();
    const page = await idp.chooseIdentity(await idp.follow(String(start.headers.location)), DEMO_IDENTITIES[2]!.sub);
    const forged = page.url.replace(/state=[^&]+/, "state=forged");
    const refused = await browser.get(forged);
    expect(refused.url).toBe("/connexion?fc=echec");
    expect(refused.text(".fr-alert")).toContain("La connexion avec FranceConnect n'a pas abouti");
    expect(await accountOf(DEMO_IDENTITIES[2]!.sub)).toBeUndefined();

    // Replaying the genuine callback in another browser fails too: no authorization was started there.
    expect((await new Browser(t.app).get(page.url)).url).toBe("/connexion?fc=echec");
    // The user cancelled at the provider.
    expect((await new Browser(t.app).get("/franceconnect/callback?error=access_denied&state=x")).url).toBe("/connexion?fc=echec");
  });
});

describe("FranceConnect and a sign-up never activated (issue 6, item 11)", () => {
  it("signs in the verified identity whose address a stranger used for a sign-up, and kills that activation link", async () => {
    const amina = DEMO_IDENTITIES[2]!;
    // Someone starts a sign-up with Amina's address (in capitals) and never activates it.
    await t.services.accounts.signup({ kind: "particulier", familyName: "Usurpateur", givenName: "Eve", email: amina.email.toUpperCase() });
    const [pending] = await t.db.db.select().from(accounts).where(eq(accounts.email, amina.email.toUpperCase()));
    expect(pending!.status).toBe("pending");
    const activation = linkIn((await t.mailsTo(amina.email.toUpperCase())).at(-1), "/compte/activer/");
    expect((await new Browser(t.app).get(activation)).status).toBe(200);

    const home = await franceConnect(new Browser(t.app), new ProviderBrowser(), amina.sub);
    expect(home.url).toBe("/mon-espace");
    expect(home.text(".fr-alert--success")).toBe("Votre compte a été créé avec FranceConnect.");
    const holders = await t.db.db.select().from(accounts).where(sql`lower(${accounts.email}) = ${amina.email}`);
    expect(holders).toHaveLength(1);
    expect(holders[0]).toMatchObject({ status: "active", franceConnectSub: amina.sub, familyName: amina.family_name });

    // The stranger's activation link is dead: it can neither be shown nor used.
    const dead = new Browser(t.app);
    const page = await dead.get(activation);
    expect(page.status).toBe(404);
    const csrf = (await dead.get("/connexion")).csrf;
    expect((await dead.post(activation, ACTIVATION_FORM, { csrf })).status).toBe(404);
    expect((await t.db.db.select().from(accounts).where(sql`lower(${accounts.email}) = ${amina.email}`))[0]!.franceConnectSub).toBe(amina.sub);
  });

  it("still leaves an active account holding the address alone (the user links it by signing in once)", async () => {
    const identity = { sub: "demo-inconnu", givenName: "Jean", familyName: "TEST", email: "course@example.fr" };
    await t.services.accounts.signup({ kind: "particulier", familyName: "Test", givenName: "Jean", email: identity.email });
    await t.db.db.update(accounts).set({ status: "active" }).where(eq(accounts.email, identity.email));
    expect((await t.services.accounts.franceConnectSignin(identity)).kind).toBe("email_taken");
    expect(await accountOf(identity.sub)).toBeUndefined();
  });
});

describe("FranceConnect and a pending link planted in someone else's browser", () => {
  it("links a pending identity only to the account of its address (a session planted in someone else's browser)", async () => {
    const own = await startTestApp({ franceConnectIssuer: provider.issuer, env: FC_ENV });
    try {
      // The attacker holds an account with their own FranceConnect identity's address…
      const attackerIdentity = DEMO_IDENTITIES[1]!;
      await createActiveAccount(own, new Browser(own.app, "192.0.2.10"), { email: attackerIdentity.email, givenName: "Paul", familyName: "Leroy" });
      // …and a victim an account of her own.
      const victim = await createActiveAccount(own, new Browser(own.app, "192.0.2.11"), { email: "victime.planted@example.fr", givenName: "Alice", familyName: "Bernard" });
      // The attacker's FranceConnect sign-in leaves a pending link in this browser's session…
      const planted = new Browser(own.app, "192.0.2.12");
      const pending = await franceConnect(planted, new ProviderBrowser(), attackerIdentity.sub);
      expect(pending.url).toBe("/connexion");
      // …which the victim then uses (the cookie planted in her browser) to sign in with her password.
      const home = await planted.post("/connexion", { identifier: victim, password: GOOD_PASSWORD });
      expect(home.url).toBe("/mon-espace");
      expect(home.text("h1")).toBe("Bienvenue Alice Bernard");
      expect(home.html.querySelector(".fr-alert--success")).toBeNull();
      expect((await own.db.db.select().from(accounts).where(eq(accounts.franceConnectSub, attackerIdentity.sub)))[0]).toBeUndefined();
      const [victimRow] = await own.db.db.select().from(accounts).where(eq(accounts.identifier, victim));
      expect(victimRow!.franceConnectSub).toBeNull();
      // The attacker's identity still opens nothing but the link notice.
      const again = await franceConnect(new Browser(own.app, "192.0.2.13"), new ProviderBrowser(), attackerIdentity.sub);
      expect(again.url).toBe("/connexion");
      expect(again.text("h1")).not.toContain("Alice");
    } finally {
      await own.close();
    }
  }, 180_000);
});
