import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSessions, agents } from "../../src/db/schema.ts";
import { DEMO_AGENT_PASSWORD, DEMO_AGENTS, seedDemoAgents } from "../../src/services/demo.ts";
import { DEMO_ACR_ONE_FACTOR, PROCONNECT_DEMO_IDENTITIES, startProConnectDemo, type ProConnectDemoProvider } from "../../src/services/proconnect-demo.ts";
import { PROCONNECT_MFA_ACRS } from "../../src/services/proconnect.ts";
import { totpCode } from "../../src/services/totp.ts";
import { PUBLIC_URL, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, summaryErrors, type Page } from "../helpers/client.ts";
import { ManualClock } from "../helpers/clock.ts";
import { createAgent, currentCode, signInAgent, type TestAgent } from "../helpers/agents.ts";
import { createActiveAccount, signIn } from "../helpers/flows.ts";
import { ProviderBrowser } from "../helpers/franceconnect.ts";

const MINUTE = 60_000;
const PC_ENV = { PROCONNECT_CLIENT_ID: "agents-test", PROCONNECT_CLIENT_SECRET: "agents-test-secret" };

let provider: ProConnectDemoProvider;
let clock: ManualClock;
let t: TestApp;
let ip = 0;
const newBrowser = () => new Browser(t.app, `192.0.2.${++ip}`);

beforeAll(async () => {
  provider = await startProConnectDemo({
    port: 0,
    clientId: PC_ENV.PROCONNECT_CLIENT_ID,
    clientSecret: PC_ENV.PROCONNECT_CLIENT_SECRET,
    redirectUri: `${PUBLIC_URL}/agent/proconnect/callback`,
    postLogoutRedirectUri: `${PUBLIC_URL}/agent/proconnect/deconnexion`,
  });
  clock = new ManualClock(new Date("2026-03-02T09:00:10Z"));
  t = await startTestApp({ clock, proConnectIssuer: provider.issuer, env: PC_ENV });
  await seedDemoAgents(t.services.agents, t.services.places);
}, 180_000);
afterAll(async () => {
  await t.close();
  await provider.close();
});

/** Email and password, then the code page. */
async function passwordStep(browser: Browser, agent: { email: string; password: string }): Promise<Page> {
  await browser.get("/agent/connexion");
  const page = await browser.post("/agent/connexion", { email: agent.email, password: agent.password });
  expect(page.url).toBe("/agent/connexion/code");
  return page;
}

/** A six-digit code that is none of the window's codes. */
function wrongCode(agent: TestAgent): string {
  const near = [-1, 0, 1].map((s) => currentCode(t, agent, s));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!near.includes(code)) return code;
  }
}

describe("agent sign-in with a password and a TOTP code", () => {
  it("signs in, on a cookie of its own (Path=/agent, HttpOnly, SameSite=Strict)", async () => {
    const agent = await createAgent(t.services, { role: "instruction", serviceIds: ["cert-a"] });
    const browser = newBrowser();
    await passwordStep(browser, agent);
    const done = await browser.post("/agent/connexion/code", { code: currentCode(t, agent) }, { follow: false });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe("/agent");
    const cookie = ([] as string[]).concat(done.headers["set-cookie"] ?? []).find((c) => c.startsWith("agent_sid="));
    expect(cookie).toMatch(/Path=\/agent(;|$)/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const account = await browser.get("/agent/mon-compte");
    expect(account.status).toBe(200);
    expect(account.text("#account-role")).toBe("Instruction");
    expect(account.text("#account-services")).toBe("CERT-A");
    expect(account.text("#account-method")).toBe("Mot de passe et code de vérification");
  });

  it("refuses a wrong password, an unknown email alike, and forms without the CSRF token", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const browser = newBrowser();
    await browser.get("/agent/connexion");
    for (const email of [agent.email, "personne@test.gouv.fr"]) {
      const page = await browser.post("/agent/connexion", { email, password: "pas le bon mot de passe" });
      expect(page.status).toBe(400);
      expect(summaryErrors(page)).toContain("Adresse électronique ou mot de passe incorrect.");
    }
    const noToken = await browser.post("/agent/connexion", { email: agent.email, password: agent.password }, { csrf: false });
    expect(noToken.status).toBe(403);
  });

  it("rate limits password attempts for one agent", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const browser = newBrowser();
    await browser.get("/agent/connexion");
    let last: Page | undefined;
    for (let i = 0; i < 6; i++) last = await browser.post("/agent/connexion", { email: agent.email, password: `faux-${i}-mot-de-passe` });
    expect(last!.status).toBe(429);
    expect(summaryErrors(last!)[0]).toMatch(/^Trop de tentatives de connexion\. Réessayez dans/);
  });

  it("does not let a stranger's wrong passwords lock an agent out of a browser they signed in from", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const own = await signInAgent(t, agent, newBrowser());
    expect(own.cookie("agent_appareil")).toBeTruthy();
    await own.post("/agent/deconnexion", {}, { csrf: (await own.get("/agent/deconnexion")).csrf });
    // Someone else tries passwords on the agent's address: blocked for every other browser…
    for (let i = 0; i < 6; i++) {
      const b = newBrowser();
      await b.get("/agent/connexion");
      await b.post("/agent/connexion", { email: agent.email, password: `faux-${i}-mot-de-passe` });
    }
    const stranger = newBrowser();
    await stranger.get("/agent/connexion");
    expect((await stranger.post("/agent/connexion", { email: agent.email, password: agent.password })).status).toBe(429);
    // …not in the agent's own browser, which goes on to the second factor.
    await own.get("/agent/connexion");
    const back = await own.post("/agent/connexion", { email: agent.email, password: agent.password }, { follow: false });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe("/agent/connexion/code");
  });

  it("refuses a wrong code, an expired code and a replayed code", async () => {
    const agent = await createAgent(t.services, { role: "instruction", serviceIds: ["cert-a"] });
    const browser = newBrowser();
    await passwordStep(browser, agent);

    const wrong = await browser.post("/agent/connexion/code", { code: wrongCode(agent) });
    expect(wrong.status).toBe(400);
    expect(summaryErrors(wrong)[0]).toMatch(/^Code incorrect ou expiré/);

    // Two steps (60 s) old: outside the window of one step either side.
    const expired = await browser.post("/agent/connexion/code", { code: totpCode(agent.totpSecret, new Date(clock.now().getTime() - 60_000)) });
    expect(expired.status).toBe(400);
    expect(summaryErrors(expired)[0]).toMatch(/^Code incorrect ou expiré/);

    const code = currentCode(t, agent);
    const signedIn = await browser.post("/agent/connexion/code", { code });
    expect(signedIn.status).not.toBe(400);
    expect((await browser.get("/agent/mon-compte")).status).toBe(200);

    // Signed out, then in again within the same 30 seconds: the same code, or the previous step's, is a replay.
    await browser.post("/agent/deconnexion", {}, { csrf: (await browser.get("/agent/deconnexion")).csrf });
    expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(303);
    await passwordStep(browser, agent);
    for (const replayed of [code, currentCode(t, agent, -1)]) {
      const page = await browser.post("/agent/connexion/code", { code: replayed });
      expect(page.status).toBe(400);
      expect(summaryErrors(page)[0]).toMatch(/^Ce code a déjà été utilisé/);
    }
    // The next step's code is accepted once the phone shows it.
    clock.advance(30_000);
    const next = await browser.post("/agent/connexion/code", { code: currentCode(t, agent) }, { follow: false });
    expect(next.status).toBe(303);
  });

  it("accepts a recovery code once", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const recovery = agent.recoveryCodes[3]!;
    const browser = newBrowser();
    await passwordStep(browser, agent);
    const first = await browser.post("/agent/connexion/code", { code: recovery.toLowerCase() }, { follow: false });
    expect(first.status).toBe(303);
    const account = await browser.get("/agent/mon-compte");
    expect(account.text("#flash")).toBe("Vous vous êtes connecté avec un code de secours. Il vous en reste 9.");
    expect(account.text("#account-recovery")).toBe("9");

    const again = newBrowser();
    await passwordStep(again, agent);
    const second = await again.post("/agent/connexion/code", { code: recovery });
    expect(second.status).toBe(400);
    expect(summaryErrors(second)[0]).toMatch(/^Code incorrect ou expiré/);
  });

  it("asks the code within 5 minutes of the password", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const browser = newBrowser();
    await passwordStep(browser, agent);
    clock.advance(6 * MINUTE);
    const late = await browser.post("/agent/connexion/code", { code: currentCode(t, agent) });
    expect(late.url).toBe("/agent/connexion?delai=1");
    expect(late.text("#notice")).toMatch(/Le délai pour saisir le code est dépassé/);
  });

  it("enrols the second factor at the first sign-in: QR code, secret, first code, 10 recovery codes", async () => {
    const created = await t.services.agents.create({ email: "nouvel.agent@test.gouv.fr", givenName: "Nouvel", familyName: "AGENT", role: "images", serviceIds: ["cert-a"], password: "un mot de passe assez long" });
    expect(created.ok).toBe(true);
    const browser = newBrowser();
    await browser.get("/agent/connexion");
    const enrol = await browser.post("/agent/connexion", { email: "nouvel.agent@test.gouv.fr", password: "un mot de passe assez long" });
    expect(enrol.url).toBe("/agent/connexion/double-authentification");
    expect(enrol.html.querySelector("#totp-qr")?.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = enrol.text("#totp-secret").replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // Reloading shows the same secret.
    expect((await browser.get("/agent/connexion/double-authentification")).text("#totp-secret").replace(/\s/g, "")).toBe(secret);

    const wrong = await browser.post("/agent/connexion/double-authentification", { code: "12345" });
    expect(wrong.status).toBe(400);
    const done = await browser.post("/agent/connexion/double-authentification", { code: totpCode(secret, clock.now()) });
    expect(done.status).toBe(200);
    const codes = done.html.querySelectorAll("#recovery-codes li").map((li) => li.textContent.trim());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await browser.get("/agent/mon-compte")).text("#account-recovery")).toBe("10");
    // Only hashes are stored, and the secret is encrypted.
    const [row] = await t.db.db.select().from(agents).where(eq(agents.email, "nouvel.agent@test.gouv.fr"));
    expect(row!.totpSecret).not.toContain(secret);
    expect(row!.totpEnabledAt).not.toBeNull();
  });
});

describe("agent cookies behind HTTPS", () => {
  it("are Secure", async () => {
    const secure = await startTestApp({ env: { PUBLIC_URL: "https://permis.test" } });
    try {
      const agent = await createAgent(secure.services, { role: "images", serviceIds: ["cert-a"] });
      const browser = new Browser(secure.app, "192.0.2.250");
      const form = await browser.get("/agent/connexion");
      const csrfCookie = ([] as string[]).concat(form.headers["set-cookie"] ?? []).find((c) => c.startsWith("agent_csrf="));
      expect(csrfCookie).toMatch(/; Secure/);
      expect(csrfCookie).toMatch(/Path=\/agent(;|$)/);
      await browser.post("/agent/connexion", { email: agent.email, password: agent.password });
      const done = await browser.post("/agent/connexion/code", { code: currentCode(secure, agent) }, { follow: false });
      const cookie = ([] as string[]).concat(done.headers["set-cookie"] ?? []).find((c) => c.startsWith("agent_sid="));
      expect(cookie).toMatch(/; Secure/);
    } finally {
      await secure.close();
    }
  }, 120_000);
});

describe("agent sessions", () => {
  it("end after 30 minutes without activity", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const browser = await signInAgent(t, agent, newBrowser());
    clock.advance(29 * MINUTE);
    expect((await browser.get("/agent/mon-compte")).status).toBe(200);
    clock.advance(29 * MINUTE);
    expect((await browser.get("/agent/mon-compte")).status).toBe(200);
    clock.advance(31 * MINUTE);
    const expired = await browser.get("/agent/mon-compte");
    expect(expired.url).toBe("/agent/connexion?retour=%2Fagent%2Fmon-compte&expiree=1");
    expect(expired.text("#notice")).toMatch(/^Votre session a expiré/);
  });

  it("end 8 hours after signing in, even when active", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-a"] });
    const browser = await signInAgent(t, agent, newBrowser());
    for (let elapsed = 0; elapsed + 25 < 8 * 60; elapsed += 25) {
      clock.advance(25 * MINUTE);
      expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(200);
    }
    clock.advance(25 * MINUTE);
    const page = await browser.get("/agent/mon-compte", { follow: false });
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/agent\/connexion\?.*expiree=1/);
  });

  it("end at sign-out, and are refused once the agent is deactivated", async () => {
    const agent = await createAgent(t.services, { role: "instruction", serviceIds: ["cert-a"] });
    const browser = await signInAgent(t, agent, newBrowser());
    const other = await signInAgent(t, agent, newBrowser());
    await browser.post("/agent/deconnexion", {}, { csrf: (await browser.get("/agent/deconnexion")).csrf });
    expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(303);
    expect((await other.get("/agent/mon-compte")).status).toBe(200);
    await t.services.agents.setActive(agent.id, false);
    expect((await other.get("/agent/mon-compte", { follow: false })).status).toBe(303);
    const browser3 = newBrowser();
    await browser3.get("/agent/connexion");
    const refused = await browser3.post("/agent/connexion", { email: agent.email, password: agent.password });
    expect(refused.status).toBe(400);
  });

  it("keep citizens and agents apart", async () => {
    // A signed-in citizen reaches no agent page.
    const citizen = newBrowser();
    const identifier = await createActiveAccount(t, citizen, { email: "usager.agent-test@example.com" });
    await signIn(citizen, identifier);
    expect((await citizen.get("/mon-espace")).status).toBe(200);
    for (const path of ["/agent", "/agent/mon-compte", "/agent/admin/agents"]) {
      const page = await citizen.get(path, { follow: false });
      expect(page.status).toBe(303);
      expect(page.headers.location).toMatch(/^\/agent\/connexion/);
    }
    // A signed-in agent is nobody on the citizens' pages.
    const agent = await createAgent(t.services, { role: "admin" });
    const browser = await signInAgent(t, agent, newBrowser());
    expect(browser.cookie("permis_session")).toBeUndefined();
    const home = await browser.get("/mon-espace", { follow: false });
    expect(home.status).toBe(303);
    expect(home.headers.location).toMatch(/^\/connexion/);
    const rows = await t.db.db.select().from(agentSessions);
    expect(rows.length).toBeGreaterThan(0);
  });
});

describe("agent sign-in through ProConnect (demonstration provider)", () => {
  async function proConnect(browser: Browser, idp: ProviderBrowser, sub: string, fields: Record<string, string> = {}, start_ = "/agent/proconnect/connexion") {
    const start = await browser.get(start_, { follow: false });
    expect(start.status).toBe(303);
    const oidcCookie = ([] as string[]).concat(start.headers["set-cookie"] ?? []).find((c) => c.startsWith("agent_oidc="));
    expect(oidcCookie).toMatch(/Path=\/agent\/proconnect/);
    expect(oidcCookie).toMatch(/SameSite=Lax/);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(authorize.searchParams.get("nonce")!.length).toBeGreaterThanOrEqual(32);
    expect(authorize.searchParams.get("scope")).toBe("openid email given_name usual_name siret uid organization_label");
    let page = await idp.follow(authorize.href);
    if (!page.url.startsWith("/")) {
      expect(page.body).toContain("ProConnect de démonstration");
      page = await idp.chooseIdentity(page, sub, fields);
    }
    expect(page.url).toMatch(/^\/agent\/proconnect\/callback\?/);
    return browser.get(page.url);
  }

  it("wishes for two factors on every sign-in, and requires them after an administrator's refusal", async () => {
    const claimsOf = async (path: string) => {
      const start = await newBrowser().get(path, { follow: false });
      return JSON.parse(new URL(String(start.headers.location)).searchParams.get("claims")!) as { id_token: { acr: { essential: boolean; values: string[] } } };
    };
    const wished = await claimsOf("/agent/proconnect/connexion");
    expect(wished.id_token.acr.essential).toBe(false);
    expect(wished.id_token.acr.values).toEqual(PROCONNECT_MFA_ACRS);
    expect((await claimsOf("/agent/proconnect/connexion?double-authentification=1")).id_token.acr.essential).toBe(true);
  });

  it("refuses an administrator signed in with one factor, and lets another agent in", async () => {
    const admin = PROCONNECT_DEMO_IDENTITIES.find((i) => i.email === "admin@demo.permis.localhost")!;
    const browser = newBrowser();
    const before = (await t.services.agents.findByEmail(admin.email))!.lastLoginAt;
    const refused = await proConnect(browser, new ProviderBrowser(), admin.sub, { acr: DEMO_ACR_ONE_FACTOR });
    expect(refused.status).toBe(403);
    expect(refused.text("h1")).toBe("Double authentification requise");
    expect(refused.html.querySelector('a[href="/agent/proconnect/connexion?double-authentification=1"]')?.textContent?.trim()).toBe("Se reconnecter avec la double authentification");
    // No session was opened, nothing was written.
    expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(303);
    expect((await t.services.agents.findByEmail(admin.email))!.lastLoginAt).toEqual(before);

    // Asked again with two factors required, ProConnect does not let a one-factor sign-in through.
    const idp = new ProviderBrowser();
    const again = await browser.get("/agent/proconnect/connexion?double-authentification=1", { follow: false });
    const chooser = await idp.follow(String(again.headers.location));
    const looped = await idp.chooseIdentity(chooser, admin.sub, { acr: DEMO_ACR_ONE_FACTOR });
    expect(looped.url.startsWith("/agent/proconnect/callback")).toBe(false);
    expect(looped.body).toContain("Choisissez un agent de démonstration");
    // With two factors, the administrator is in.
    const done = await browser.get((await idp.chooseIdentity(looped, admin.sub)).url);
    expect(done.status).toBe(200);
    expect((await browser.get("/agent/mon-compte")).text("#account-role")).toBe("Administrateur");

    const instructor = PROCONNECT_DEMO_IDENTITIES.find((i) => i.email === "instruction.nord@demo.permis.localhost")!;
    const other = newBrowser();
    expect((await proConnect(other, new ProviderBrowser(), instructor.sub, { acr: DEMO_ACR_ONE_FACTOR })).status).toBe(200);
    expect((await other.get("/agent/mon-compte")).text("#account-role")).toBe("Instruction");
  });

  it("lists the demonstration agents and signs one in, matched by email", async () => {
    const browser = newBrowser();
    const idp = new ProviderBrowser();
    const start = await browser.get("/agent/proconnect/connexion", { follow: false });
    const list = await idp.follow(String(start.headers.location));
    for (const demo of DEMO_AGENTS) expect(list.body).toContain(demo.email);
    expect(list.body).toContain(DEMO_AGENT_PASSWORD);

    const admin = PROCONNECT_DEMO_IDENTITIES.find((i) => i.email === "admin@demo.permis.localhost")!;
    const done = await proConnect(browser, idp, admin.sub);
    expect(done.status).toBe(200);
    expect(done.html.querySelector('meta[http-equiv="refresh"]')?.getAttribute("content")).toBe("0;url=/agent");
    const account = await browser.get("/agent/mon-compte");
    expect(account.status).toBe(200);
    expect(account.text("#account-email")).toBe("admin@demo.permis.localhost");
    expect(account.text("#account-role")).toBe("Administrateur");
    expect(account.text("#account-method")).toBe("ProConnect");
    expect((await browser.get("/agent/admin/agents")).status).toBe(200);

    // Signing out goes through ProConnect's end-session page.
    const out = await browser.post("/agent/deconnexion", {}, { csrf: (await browser.get("/agent/deconnexion")).csrf, follow: false });
    expect(String(out.headers.location)).toMatch(new RegExp(`^${provider.issuer}/session/end\\?`));
    expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(303);
  });

  it("refuses a ProConnect identity that is no agent, and a deactivated agent", async () => {
    const unknown = PROCONNECT_DEMO_IDENTITIES.find((i) => i.sub === "demo-agent-inconnu")!;
    const page = await proConnect(newBrowser(), new ProviderBrowser(), unknown.sub);
    expect(page.status).toBe(403);
    expect(page.text("h1")).toBe("Accès refusé");
    expect(page.body).toContain("Aucun compte agent n'est associé à cette adresse");

    const demo = PROCONNECT_DEMO_IDENTITIES.find((i) => i.email === "images.sud@demo.permis.localhost")!;
    const agent = await t.services.agents.findByEmail(demo.email);
    await t.services.agents.setActive(agent!.id, false);
    const refused = await proConnect(newBrowser(), new ProviderBrowser(), demo.sub);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("Votre compte agent est désactivé");
    await t.services.agents.setActive(agent!.id, true);
  });

  it("refuses a callback without the pending authorization", async () => {
    const page = await newBrowser().get("/agent/proconnect/callback?code=abc&state=def");
    expect(page.url).toBe("/agent/connexion?pc=echec");
    expect(page.text("#notice")).toMatch(/La connexion avec ProConnect n'a pas abouti/);
  });

  it("seeds the demonstration services over every préfecture, and the agents with their known TOTP secrets", async () => {
    const services = await t.services.agents.services();
    const nord = services.find((s) => s.id === "cert-nord")!;
    const sud = services.find((s) => s.id === "cert-sud")!;
    expect(nord.name).toBe("CERT Nord");
    expect(sud.name).toBe("CERT Sud");
    expect(nord.prefectures + sud.prefectures).toBe(t.services.places.prefectures().length);
    // A demonstration agent signs in with the password and TOTP secret published in README.
    const demo = DEMO_AGENTS.find((a) => a.email === "instruction@demo.permis.localhost")!;
    const browser = newBrowser();
    await passwordStep(browser, { email: demo.email, password: DEMO_AGENT_PASSWORD });
    const done = await browser.post("/agent/connexion/code", { code: totpCode(demo.totpSecret, clock.now()) }, { follow: false });
    expect(done.status).toBe(303);
    expect((await browser.get("/agent/mon-compte")).text("#account-services")).toBe("CERT Nord, CERT Sud");
  });
});
