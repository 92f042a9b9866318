import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSessions, agents, auditLog, outbox, requests } from "../../src/db/schema.ts";
import { startProConnectDemo } from "../../src/services/proconnect-demo.ts";
import sharp from "sharp";
import { PreviewMaker } from "../../src/services/previews.ts";
import { signSmsCallback } from "../../src/web/partners/sms-callback.ts";
import { flateBomb, handPdf, jpegDeclaring, png } from "../fixtures/hostile/generate.ts";
import { PUBLIC_URL, startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createAgent, createService, currentCode, signInAgent, type TestAgent } from "../helpers/agents.ts";
import { sendRequest } from "../helpers/life.ts";
import { insertSentRequest } from "../helpers/notify.ts";
import { listRoutes } from "../helpers/routes.ts";

/**
 * An attacker's review of the agents' area (issue 9): CSRF on every POST, ?retour=, brute force
 * and races on the second factor, privilege escalation, bounded inputs, the audit log's
 * accountability, the SMS delivery reports. Each test is an attack that must fail.
 */
const SMS_SECRET = "secret-de-rappel-sms-attaques-0123456789";
let t: TestApp;
let ip = 0;
const newBrowser = () => new Browser(t.app, `192.0.2.${++ip}`);
let imagesA: TestAgent;
let imagesB: TestAgent;
let admin: TestAgent;

beforeAll(async () => {
  t = await startTestApp({ env: { SMS_CALLBACK_SECRET: SMS_SECRET } });
  await createService(t.services, "att-a");
  await createService(t.services, "att-b");
  imagesA = await createAgent(t.services, { role: "images", serviceIds: ["att-a"] });
  imagesB = await createAgent(t.services, { role: "images", serviceIds: ["att-b"] });
  admin = await createAgent(t.services, { role: "admin" });
}, 120_000);
afterAll(() => t.close());

/** A six-digit code that is none of the window's codes. */
function wrongCode(agent: TestAgent, n = 0): string {
  const near = [-1, 0, 1].map((s) => currentCode(t, agent, s));
  for (let i = n; ; i++) {
    const code = String(i).padStart(6, "0");
    if (!near.includes(code)) return code;
  }
}

async function passwordStep(browser: Browser, agent: TestAgent): Promise<void> {
  await browser.get("/agent/connexion");
  const page = await browser.post("/agent/connexion", { email: agent.email, password: agent.password }, { follow: false });
  expect(page.headers.location).toBe("/agent/connexion/code");
  await browser.get("/agent/connexion/code");
}

describe("CSRF on every POST of the agents' area", () => {
  it("refuses a form without the token (403) and changes nothing: sign-out, admin, taking, acting", async () => {
    const { request } = await insertSentRequest(t.db.db, { serviceId: "att-a" });
    const victim = await createAgent(t.services, { role: "instruction", serviceIds: ["att-a"] });
    const images = await signInAgent(t, imagesA, newBrowser());
    const boss = await signInAgent(t, admin, newBrowser());
    await images.get(`/agent/dossiers/${request.id}`);
    await boss.get("/agent/admin/agents");

    for (const [browser, url, form] of [
      [images, `/agent/dossiers/${request.id}/prendre`, {}],
      [images, `/agent/dossiers/${request.id}/actions/rejeter_images`, { version: "0", motif: "photo_floue", message: "x" }],
      [boss, "/agent/admin/agents", { email: "intrus@test.gouv.fr", givenName: "A", familyName: "B", role: "admin" }],
      [boss, `/agent/admin/agents/${victim.id}/desactiver`, {}],
      [boss, `/agent/admin/agents/${victim.id}/reinitialiser-double-authentification`, {}],
      [boss, "/agent/admin/services", { name: "Service pirate" }],
      [images, "/agent/deconnexion", {}],
    ] as const) {
      const page = await browser.post(url, form, { csrf: false, follow: false });
      expect(page.status, url).toBe(403);
      // A forged token is no better.
      expect((await browser.post(url, form, { csrf: "forged-token-0123456789", follow: false })).status, url).toBe(403);
    }
    const [row] = await t.db.db.select().from(requests).where(eq(requests.id, request.id));
    expect(row!.state).toBe("envoyee");
    expect(row!.assignedAgentId).toBeNull();
    expect(await t.services.agents.findByEmail("intrus@test.gouv.fr")).toBeUndefined();
    const [target] = await t.db.db.select().from(agents).where(eq(agents.id, victim.id));
    expect(target!.active).toBe(true);
    expect(target!.totpEnabledAt).not.toBeNull();
    expect((await t.services.agents.services()).some((s) => s.name === "Service pirate")).toBe(false);
    // Still signed in: the sign-out without a token did nothing.
    expect((await images.get("/agent/mon-compte", { follow: false })).status).toBe(200);
  });
});

describe("?retour= after the agent's sign-in", () => {
  it.each([
    "//evil.example/agent",
    "https://evil.example/agent/dossiers",
    "/\t/evil.example",
    "/\\evil.example",
    "/agent/../mon-espace",
    "/agent/%2e%2e/mon-espace",
    "/agent/..%2f..%2fmon-espace",
    "/agentx",
    "/mon-espace",
    "/agent/connexion?retour=//evil.example",
    "/agent/\r\nSet-Cookie: x=1",
  ])("never leads off the agents' area (%j)", async (retour) => {
    const browser = newBrowser();
    await browser.get(`/agent/connexion?retour=${encodeURIComponent(retour)}`);
    await browser.post("/agent/connexion", { email: imagesB.email, password: imagesB.password, retour }, { follow: false });
    await t.db.db.update(agents).set({ totpLastStep: null }).where(eq(agents.id, imagesB.id));
    await browser.get("/agent/connexion/code");
    const done = await browser.post("/agent/connexion/code", { code: currentCode(t, imagesB) }, { follow: false });
    expect(done.status).toBe(303);
    const location = String(done.headers.location);
    expect(location === "/agent" || location.startsWith("/agent/")).toBe(true);
    expect(location).not.toMatch(/^\/agent\/connexion/);
    expect(new URL(location, "http://permis.test").pathname.startsWith("/agent")).toBe(true);
    expect(location).not.toMatch(/[\r\n\t\\]/);
  });
});

describe("session fixation", () => {
  it("a session token planted before the password is not the one that carries the password step, nor the sign-in", async () => {
    // The victim has never signed in: their second factor is still to enrol.
    const created = await t.services.agents.create({ email: "premiere.connexion@test.gouv.fr", givenName: "Première", familyName: "Connexion", role: "images", serviceIds: ["att-a"], password: "mot-de-passe-de-la-victime" });
    if (!created.ok) throw new Error("victim not created");
    // The attacker gets a session token of their own (their password step) and plants it in the victim's browser.
    const attacker = newBrowser();
    await passwordStep(attacker, imagesB);
    const planted = attacker.cookie("agent_sid")!;
    const victim = newBrowser();
    victim.setCookie("agent_sid", planted);
    await victim.get("/agent/connexion");
    const afterPassword = await victim.post("/agent/connexion", { email: "premiere.connexion@test.gouv.fr", password: "mot-de-passe-de-la-victime" }, { follow: false });
    expect(afterPassword.headers.location).toBe("/agent/connexion/double-authentification");
    expect(victim.cookie("agent_sid")).not.toBe(planted);
    // With the planted token, the attacker sees neither the victim's TOTP secret nor their code page.
    const enrolment = await attacker.get("/agent/connexion/double-authentification", { follow: false });
    expect(enrolment.status).toBe(303);
    expect(enrolment.body).not.toContain("otpauth");
    expect(String(enrolment.headers.location)).toMatch(/^\/agent\/connexion/);
  });
});

describe("second factor brute force and races", () => {
  it("limits wrong codes per agent, whatever the address: the right code is then refused too (429)", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["att-a"] });
    const first = newBrowser();
    await passwordStep(first, agent);
    /** The same pending sign-in, from another address each time. */
    const elsewhere = () => {
      const b = newBrowser();
      for (const name of ["agent_sid", "agent_csrf"]) b.setCookie(name, first.cookie(name)!);
      b.lastPage = first.lastPage;
      return b;
    };
    for (let i = 0; i < 5; i++) {
      const page = await elsewhere().post("/agent/connexion/code", { code: wrongCode(agent, i * 10) });
      expect(page.status).toBe(400);
    }
    const b = elsewhere();
    const refused = await b.post("/agent/connexion/code", { code: currentCode(t, agent) }, { follow: false });
    expect(refused.status).toBe(429);
    expect(refused.body).toContain("Trop de tentatives");
    expect((await b.get("/agent/mon-compte", { follow: false })).status).toBe(303);
  });

  it("a recovery code used by two sign-ins at once opens exactly one session", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["att-a"] });
    const [one, two] = [newBrowser(), newBrowser()];
    await passwordStep(one, agent);
    await passwordStep(two, agent);
    const code = agent.recoveryCodes[0]!.toLowerCase().replace(/-/g, " ");
    const answers = await Promise.all([one, two].map((b) => b.post("/agent/connexion/code", { code }, { follow: false })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400]);
    expect(await t.services.agents.unusedRecoveryCodes(agent.id)).toBe(9);
  });

  it("a TOTP code sent by two sign-ins at once opens exactly one session", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["att-a"] });
    const [one, two] = [newBrowser(), newBrowser()];
    await passwordStep(one, agent);
    await passwordStep(two, agent);
    const code = currentCode(t, agent);
    const answers = await Promise.all([one, two].map((b) => b.post("/agent/connexion/code", { code }, { follow: false })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400]);
  });
});

describe("privilege escalation", () => {
  it("an administrator cannot give an agent an unknown service, nor a role that does not exist", async () => {
    const boss = await signInAgent(t, admin, newBrowser());
    for (const form of [
      { email: "nouvel.agent1@test.gouv.fr", givenName: "Nouvel", familyName: "Agent", role: "images", serviceIds: "service-inconnu" },
      { email: "nouvel.agent2@test.gouv.fr", givenName: "Nouvel", familyName: "Agent", role: "images", serviceIds: ["att-a", "../att-b"] },
      { email: "nouvel.agent3@test.gouv.fr", givenName: "Nouvel", familyName: "Agent", role: "superadmin", serviceIds: "att-a" },
    ]) {
      await boss.get("/agent/admin/agents/nouveau");
      const page = await boss.post("/agent/admin/agents", form);
      expect(page.status).toBe(400);
      expect(await t.services.agents.findByEmail(form.email)).toBeUndefined();
    }
  });

  it("a non-administrator's POST to the administration is refused (403), with a valid token", async () => {
    const images = await signInAgent(t, imagesA, newBrowser());
    const victim = await createAgent(t.services, { role: "instruction", serviceIds: ["att-a"] });
    const csrf = (await images.get("/agent/mon-compte")).csrf ?? (await images.get("/agent/deconnexion")).csrf;
    for (const url of ["/agent/admin/agents", `/agent/admin/agents/${victim.id}/desactiver`, "/agent/admin/services", "/agent/admin/services/att-a/prefectures"]) {
      const page = await images.post(url, { email: "x@test.gouv.fr", givenName: "x", familyName: "x", role: "admin", name: "x", prefectureId: "75056" }, { csrf, follow: false });
      expect(page.status, url).toBe(403);
    }
    expect(await t.services.agents.findByEmail("x@test.gouv.fr")).toBeUndefined();
    expect((await t.services.agents.find(victim.id))!.active).toBe(true);
  });
});

describe("the audit log of the administration", () => {
  it("names the agent an administrator created, deactivated, reactivated or reset", async () => {
    const boss = await signInAgent(t, admin, newBrowser());
    await boss.get("/agent/admin/agents/nouveau");
    await boss.post("/agent/admin/agents", { email: "audite@test.gouv.fr", givenName: "Audité", familyName: "Agent", role: "images", serviceIds: "att-a" });
    const created = (await t.services.agents.findByEmail("audite@test.gouv.fr"))!;
    await boss.get("/agent/admin/agents");
    for (const action of ["desactiver", "reactiver", "reinitialiser-double-authentification"]) {
      const page = await boss.post(`/agent/admin/agents/${created.id}/${action}`, {});
      expect(page.status, action).toBe(200);
    }
    const rows = await t.db.db.select().from(auditLog).where(eq(auditLog.agentId, admin.id));
    for (const action of ["agent_cree", "agent_desactive", "agent_reactive", "double_authentification_reinitialisee"]) {
      const row = rows.find((r) => r.action === action);
      expect(row, action).toBeDefined();
      expect(row!.motive ?? "", action).toContain(created.id);
      // No personal data: neither the email nor the name.
      expect(JSON.stringify(row), action).not.toMatch(/audite@|Audité/);
    }
  });
});

describe("every input bounded", () => {
  it("an over-long motive message, search or cursor is a 400, never a 500 nor an echo of SQL", async () => {
    const { id } = await sendRequest(t, 240, "perte");
    const boss = await signInAgent(t, admin, newBrowser());
    // The token of the queues' page (not the request's page: this test is about the action's bounds).
    const csrf = (await boss.get("/agent/dossiers")).csrf;
    const taken = await boss.post(`/agent/dossiers/${id}/prendre`, {}, { csrf, follow: false });
    expect(taken.status).toBe(303);
    const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
    expect(row!.state).toBe("verification_images");
    const tooLong = await boss.post(`/agent/dossiers/${id}/actions/rejeter_images`, { version: String(row!.version), motif: "photo_floue", message: "é".repeat(2001) }, { csrf, follow: false });
    expect(tooLong.status).toBe(400);
    const [after] = await t.db.db.select().from(requests).where(eq(requests.id, id));
    expect(after!.state).toBe("verification_images");
    for (const url of [`/agent/dossiers?q=${"A".repeat(10_000)}`, `/agent/dossiers?apres=${"x".repeat(5000)}`, `/agent/dossiers?du=${"9".repeat(300)}`]) {
      const page = await boss.get(url);
      expect(page.status, url.slice(0, 40)).toBe(400);
      expect(page.body).not.toMatch(/Failed query|params:|"requests"|\.ts:\d+/i);
    }
  }, 60_000);
});

/** An SMS sent for a validated request (accepted by the provider), and how to report on it, signed. */
async function sentSms() {
  const { request } = await insertSentRequest(t.db.db, { telephone: "0612345678", serviceId: "att-a" });
  await t.db.db.transaction((tx) => t.services.notifier.queue(tx, { requestId: request.id, event: "validee", now: t.services.clock.now() }));
  await t.services.outbox.runOnce();
  const sms = (await t.db.db.select().from(outbox).where(and(eq(outbox.requestId, request.id), eq(outbox.channel, "sms"))))[0]!;
  return {
    id: sms.providerMessageId,
    report: (body: string) =>
      t.app.inject({ method: "POST", url: "/sms/statut", headers: { "content-type": "application/json", "x-signature": signSmsCallback(SMS_SECRET, body) }, payload: body }),
    read: async () => (await t.db.db.select().from(outbox).where(eq(outbox.id, sms.id)))[0]!,
  };
}

describe("SMS delivery reports", () => {
  it("refuse a report dated in the future (it would freeze the status shown to agents)", async () => {
    const sms = await sentSms();
    const answer = await sms.report(JSON.stringify({ id: sms.id, status: "failed", at: "2099-01-01T00:00:00Z" }));
    expect(answer.statusCode).toBe(400);
    expect((await sms.read()).deliveryStatus).toBe("accepted");
  });
});

describe("SMS delivery reports replayed", () => {
  it("an older signed report replayed after a newer one changes nothing", async () => {
    const sms = await sentSms();
    const older = JSON.stringify({ id: sms.id, status: "failed", at: "2026-01-10T10:00:00Z" });
    const newer = JSON.stringify({ id: sms.id, status: "delivered", at: "2026-01-10T10:05:00Z" });
    expect((await sms.report(older)).statusCode).toBe(204);
    expect((await sms.report(newer)).statusCode).toBe(204);
    // The attacker replays the captured "failed" report.
    expect((await sms.report(older)).statusCode).toBe(204);
    const row = await sms.read();
    expect(row.deliveryStatus).toBe("delivered");
    expect(row.deliveryAt!.toISOString()).toBe("2026-01-10T10:05:00.000Z");
  });

  it("an undated report changes the status while it is not final, never once it is (a replay would be dated now)", async () => {
    const sms = await sentSms();
    // Nothing final yet: the provider's undated "sent" is recorded, dated on arrival.
    const before = Date.now();
    expect((await sms.report(JSON.stringify({ id: sms.id, status: "sent" }))).statusCode).toBe(204);
    expect((await sms.read()).deliveryStatus).toBe("accepted");
    expect((await sms.read()).deliveryAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    // The provider reports the delivery, dated ten minutes ago.
    const deliveredAt = new Date(Date.now() - 10 * 60_000).toISOString();
    expect((await sms.report(JSON.stringify({ id: sms.id, status: "delivered", at: deliveredAt }))).statusCode).toBe(204);
    expect((await sms.read()).deliveryStatus).toBe("delivered");
    // An undated "failed" (captured, then replayed) would be dated now, after the delivery: it changes nothing.
    expect((await sms.report(JSON.stringify({ id: sms.id, status: "failed" }))).statusCode).toBe(204);
    const row = await sms.read();
    expect(row.deliveryStatus).toBe("delivered");
    expect(row.deliveryAt!.toISOString()).toBe(deliveredAt);
  });

  it("reports arriving together: the final status of the latest date stands, whatever the order", async () => {
    const sms = await sentSms();
    const older = JSON.stringify({ id: sms.id, status: "failed", at: "2026-01-10T10:00:00Z" });
    const newer = JSON.stringify({ id: sms.id, status: "delivered", at: "2026-01-10T10:05:00Z" });
    // The older report first in half the pairs, second in the others.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => sms.report((i + Math.floor(i / 2)) % 2 === 0 ? older : newer)));
    expect(answers.every((a) => a.statusCode === 204)).toBe(true);
    // Once "delivered" at 10:05 is in, neither the older report nor an undated one moves it.
    expect((await sms.report(older)).statusCode).toBe(204);
    expect((await sms.report(JSON.stringify({ id: sms.id, status: "failed" }))).statusCode).toBe(204);
    const row = await sms.read();
    expect(row.deliveryStatus).toBe("delivered");
    expect(row.deliveryAt!.toISOString()).toBe("2026-01-10T10:05:00.000Z");
  });
});

describe("ProConnect's pending authorization", () => {
  it("an anonymous visitor starting ProConnect writes no row; a forged, tampered or foreign pending cookie is refused", async () => {
    const env = { PROCONNECT_CLIENT_ID: "agents-attaques", PROCONNECT_CLIENT_SECRET: "agents-attaques-secret" };
    const provider = await startProConnectDemo({
      port: 0,
      clientId: env.PROCONNECT_CLIENT_ID,
      clientSecret: env.PROCONNECT_CLIENT_SECRET,
      redirectUri: `${PUBLIC_URL}/agent/proconnect/callback`,
      postLogoutRedirectUri: `${PUBLIC_URL}/agent/proconnect/deconnexion`,
    });
    const pc = await startTestApp({ proConnectIssuer: provider.issuer, env });
    try {
      const before = (await pc.db.db.select().from(agentSessions)).length;
      const cookies: string[] = [];
      for (let i = 0; i < 20; i++) {
        const start = await pc.app.inject({ method: "GET", url: "/agent/proconnect/connexion", remoteAddress: `198.51.100.${i + 1}` });
        expect(start.statusCode).toBe(303);
        const cookie = ([] as string[]).concat(start.headers["set-cookie"] ?? []).find((c) => c.startsWith("agent_oidc="));
        expect(cookie).toMatch(/Path=\/agent\/proconnect/);
        expect(cookie).toMatch(/HttpOnly/);
        expect(cookie).toMatch(/SameSite=Lax/);
        cookies.push(cookie!.split(";")[0]!.slice("agent_oidc=".length));
      }
      expect((await pc.db.db.select().from(agentSessions)).length).toBe(before);

      const state = "a".repeat(43);
      for (const value of [
        `${state}.${"b".repeat(43)}.${"c".repeat(43)}.${Date.now()}`, // unsigned
        `${cookies[0]!.slice(0, 10)}X${cookies[0]!.slice(11)}`, // tampered
        "", // empty
        "x".repeat(5000), // huge
      ]) {
        const answer = await pc.app.inject({ method: "GET", url: `/agent/proconnect/callback?code=abc&state=${state}`, cookies: { agent_oidc: value } });
        expect(answer.statusCode).toBe(303);
        expect(answer.headers.location).toBe("/agent/connexion?pc=echec");
      }
      // A pending cookie of this service, but another authorization's state: refused by the state check.
      const answer = await pc.app.inject({ method: "GET", url: `/agent/proconnect/callback?code=abc&state=${state}`, cookies: { agent_oidc: cookies[1]! } });
      expect(answer.headers.location).toBe("/agent/connexion?pc=echec");
    } finally {
      await pc.close();
      await provider.close();
    }
  }, 60_000);
});


describe("every route of the agents' area, driven by an administrator with hostile values", () => {
  it("answers 2xx/3xx/4xx, quotes no SQL nor stack, and keeps serving", async () => {
    const routes = listRoutes(t.app.printRoutes({ commonPrefix: false })).filter((r) => r.url.startsWith("/agent") && !(r.method === "POST" && r.url === "/agent/deconnexion"));
    expect(routes.length).toBeGreaterThan(20);
    const boss = await signInAgent(t, admin, newBrowser());
    const csrf = (await boss.get("/agent/admin/agents")).csrf!;
    const cookie = ["agent_sid", "agent_csrf"].map((n) => `${n}=${boss.cookie(n)}`).join("; ");
    const hostile = ["\u0000", "%00", "..%2f..%2fetc%2fpasswd", "'; drop table agents; --", "-".repeat(36), "00000000-0000-0000-0000-000000000000", "%C3%28", "x".repeat(3000)];
    const problems: string[] = [];
    for (const route of routes) {
      for (const value of hostile) {
        const encoded = value.startsWith("%") || value.includes("%2f") ? value : encodeURIComponent(value);
        const url = `${route.url.replace(/:[a-z]+/gi, encoded).replace(/\*$/, encoded)}?q=${encoded}&avant=${encoded}&retour=${encoded}&file=${encoded}&apres=${encoded}`;
        const form = new URLSearchParams({ _csrf: csrf, version: value, motif: value, message: value, email: value, givenName: value, familyName: value, role: value, serviceIds: value, name: value, id: value, prefectureId: value, agent: value, elements: value, code: value });
        const answer = await t.app.inject({
          method: route.method as "GET" | "POST",
          url,
          remoteAddress: "192.0.2.250",
          headers: { cookie, ...(route.method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
          ...(route.method === "POST" ? { payload: form.toString() } : {}),
        });
        if (answer.statusCode >= 500 || /Failed query|params:|\.ts:\d+| {4}at /.test(answer.body)) problems.push(`${route.method} ${url.slice(0, 80)} → ${answer.statusCode}`);
      }
    }
    expect(problems).toEqual([]);
    // Still signed in (the sweep ran as the administrator throughout), and the service answers.
    expect((await boss.get("/agent/mon-compte", { follow: false })).status).toBe(200);
  }, 180_000);
});

describe("previews of hostile files", () => {
  const maker = new PreviewMaker();
  const side = async (bytes: Buffer) => {
    const meta = await sharp(bytes).metadata();
    return Math.max(meta.width!, meta.height!);
  };

  it("never decodes an image declaring more pixels than the ceiling", async () => {
    expect(await maker.make("image/png", png(60_000, 60_000), 1)).toBeUndefined();
    expect(await maker.make("image/jpeg", jpegDeclaring(65_000, 65_000), 1)).toBeUndefined();
  });

  it("rasterises a page of any declared size to a bounded image, and a page bomb within its limits", async () => {
    // A page of 200 km a side (MediaBox 14400 pt × UserUnit 75000).
    const huge = handPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /UserUnit 75000 >>"], "/Root 1 0 R");
    const preview = await maker.make("application/pdf", huge, 1);
    expect(preview).toBeDefined();
    expect(await side(preview!.bytes)).toBeLessThanOrEqual(1600);
    // A content stream inflating to 256 Mo of drawing operators.
    const bomb = flateBomb(Buffer.from("0 0 m 1 1 l S\n"), 256 * 1024 * 1024);
    const bombPdf = handPdf(
      [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        Buffer.concat([Buffer.from(`<< /Length ${bomb.length} /Filter /FlateDecode >>\nstream\n`), bomb, Buffer.from("\nendstream")]),
      ],
      "/Root 1 0 R",
    );
    const bounded = new PreviewMaker({ timeoutMs: 3000 });
    const result = await bounded.make("application/pdf", bombPdf, 1);
    if (result) expect(await side(result.bytes)).toBeLessThanOrEqual(1600);
  }, 60_000);
});
