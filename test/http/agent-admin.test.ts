import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { findAgentByEmail, findAgentWithServices, insertAuditEntry } from "../../src/db/repositories/agents.ts";
import { parseAgentArgs } from "../../src/services/agents.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors } from "../helpers/client.ts";
import { createAgent, createService, signInAgent, type TestAgent } from "../helpers/agents.ts";
import { testDatabase } from "../helpers/db.ts";

let t: TestApp;
let admin: TestAgent;
let adminBrowser: Browser;
let ip = 0;
const newBrowser = () => new Browser(t.app, `192.0.2.${++ip}`);

beforeAll(async () => {
  t = await startTestApp();
  await createService(t.services, "cert-ouest", ["29232", "35238"]);
  await createService(t.services, "cert-est", ["67482"]);
  admin = await createAgent(t.services, { role: "admin", email: "chef@test.gouv.fr", givenName: "Camille", familyName: "CHEF" });
  adminBrowser = await signInAgent(t, admin, newBrowser());
}, 180_000);
afterAll(async () => {
  await t.close();
});

describe("administration pages", () => {
  it("are refused to the other roles (403), and to anonymous visitors (sign-in)", async () => {
    for (const role of ["images", "instruction"] as const) {
      const agent = await createAgent(t.services, { role, serviceIds: ["cert-ouest"] });
      const browser = await signInAgent(t, agent, newBrowser());
      for (const path of ["/agent/admin/agents", "/agent/admin/agents/nouveau", "/agent/admin/services", "/agent/admin/services/cert-ouest", "/agent/admin/journal"]) {
        const page = await browser.get(path);
        expect(page.status, path).toBe(403);
        expect(page.text("h1")).toBe("Accès refusé");
      }
      const token = (await browser.get("/agent/mon-compte")).csrf;
      const post = await browser.post("/agent/admin/agents", { email: "x@test.gouv.fr", givenName: "X", familyName: "Y", role: "admin" }, { csrf: token });
      expect(post.status).toBe(403);
      const svc = await browser.post("/agent/admin/services", { name: "Service pirate" }, { csrf: token });
      expect(svc.status).toBe(403);
      expect(await t.services.agents.service("service-pirate")).toBeUndefined();
    }
    const anonymous = await newBrowser().get("/agent/admin/agents", { follow: false });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe("/agent/connexion?retour=%2Fagent%2Fadmin%2Fagents");
  });

  it("create an agent with role and services, and refuse an incomplete form", async () => {
    const form = await adminBrowser.get("/agent/admin/agents/nouveau");
    expect(form.status).toBe(200);
    expect(form.html.querySelectorAll('input[name="serviceIds"]').map((i) => i.getAttribute("value"))).toEqual(["cert-est", "cert-ouest"]);

    const refused = await adminBrowser.post("/agent/admin/agents", { email: "pas-une-adresse", givenName: "", familyName: "MARTIN", role: "instruction" });
    expect(refused.status).toBe(400);
    expect(fieldError(refused, "email")).toMatch(/^Saisissez une adresse électronique valide/);
    expect(fieldError(refused, "givenName")).toBe("Saisissez le prénom de l'agent.");
    expect(fieldError(refused, "serviceIds")).toBe("Choisissez au moins un service instructeur.");
    expect(summaryErrors(refused)).toHaveLength(3);

    const created = await adminBrowser.post("/agent/admin/agents", {
      email: "Lea.Martin@Interieur.gouv.fr",
      givenName: "Léa",
      familyName: "MARTIN",
      role: "instruction",
      serviceIds: ["cert-ouest", "cert-est"],
    });
    expect(created.url).toBe("/agent/admin/agents");
    expect(created.text("#flash")).toMatch(/^L'agent Léa MARTIN a été créé/);
    const agent = await findAgentByEmail(t.db.db, "lea.martin@interieur.gouv.fr");
    expect(agent?.role).toBe("instruction");
    expect((await findAgentWithServices(t.db.db, agent!.id))?.serviceIds).toEqual(["cert-est", "cert-ouest"]);
    expect(created.text(`#agent-${agent!.id}`)).toContain("lea.martin@interieur.gouv.fr");

    const duplicate = await adminBrowser.post("/agent/admin/agents", { email: "lea.martin@interieur.gouv.fr", givenName: "Léa", familyName: "MARTIN", role: "images", serviceIds: "cert-est" });
    expect(duplicate.status).toBe(400);
    expect(fieldError(duplicate, "email")).toBe("Un agent a déjà cette adresse électronique.");

    const unknownService = await adminBrowser.post("/agent/admin/agents", { email: "autre@interieur.gouv.fr", givenName: "A", familyName: "B", role: "images", serviceIds: "cert-nulle-part" });
    expect(fieldError(unknownService, "serviceIds")).toBe("Un des services choisis n'existe pas.");
  });

  it("deactivate an agent: their sessions end at once; reactivate them", async () => {
    const agent = await createAgent(t.services, { role: "images", serviceIds: ["cert-est"] });
    const browser = await signInAgent(t, agent, newBrowser());
    const list = await adminBrowser.get("/agent/admin/agents");
    const page = await adminBrowser.post(`/agent/admin/agents/${agent.id}/desactiver`, {}, { csrf: list.csrf });
    expect(page.url).toBe("/agent/admin/agents");
    expect(page.text(`#agent-${agent.id}`)).toContain("Désactivé");
    expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(303);
    // No form to deactivate oneself, and the route refuses it.
    expect(page.html.querySelector(`form[action="/agent/admin/agents/${admin.id}/desactiver"]`)).toBeNull();
    expect((await adminBrowser.post(`/agent/admin/agents/${admin.id}/desactiver`, {}, { csrf: page.csrf })).status).toBe(404);
    const back = await adminBrowser.post(`/agent/admin/agents/${agent.id}/reactiver`, {}, { csrf: page.csrf });
    expect(back.text(`#agent-${agent.id}`)).toContain("Actif");
  });

  it("reset an agent's second factor: sessions end, the agent enrols again", async () => {
    const agent = await createAgent(t.services, { role: "instruction", serviceIds: ["cert-est"] });
    const browser = await signInAgent(t, agent, newBrowser());
    const list = await adminBrowser.get("/agent/admin/agents");
    const page = await adminBrowser.post(`/agent/admin/agents/${agent.id}/reinitialiser-double-authentification`, {}, { csrf: list.csrf });
    expect(page.text("#flash")).toMatch(/^La double authentification de l'agent est réinitialisée/);
    expect(page.text(`#agent-${agent.id}`)).toContain("Non activée");
    expect((await browser.get("/agent/mon-compte", { follow: false })).status).toBe(303);
    await browser.get("/agent/connexion");
    const next = await browser.post("/agent/connexion", { email: agent.email, password: agent.password });
    expect(next.url).toBe("/agent/connexion/double-authentification");
    expect(await t.services.agents.unusedRecoveryCodes(agent.id)).toBe(0);
  });

  it("create a service instructeur and map préfectures to it", async () => {
    const services = await adminBrowser.get("/agent/admin/services");
    expect(services.text("#services")).toContain("CERT-OUEST");
    const unmappedBefore = Number(services.text("#unmapped"));
    expect(unmappedBefore).toBe(t.services.places.prefectures().length - 3);

    const empty = await adminBrowser.post("/agent/admin/services", { name: "" });
    expect(empty.status).toBe(400);
    expect(fieldError(empty, "name")).toBe("Saisissez le nom du service.");

    const created = await adminBrowser.post("/agent/admin/services", { name: "CERT Île-de-France" });
    expect(created.url).toBe("/agent/admin/services/cert-ile-de-france");
    expect(created.text("h1")).toBe("CERT Île-de-France");
    const again = await adminBrowser.post("/agent/admin/services", { name: "CERT Île-de-France" }, { csrf: created.csrf });
    expect(fieldError(again, "id")).toBe("Un service a déjà cet identifiant.");

    const page = await adminBrowser.get("/agent/admin/services/cert-ile-de-france");
    const wrong = await adminBrowser.post("/agent/admin/services/cert-ile-de-france/prefectures", { prefectureId: "99999" });
    expect(wrong.status).toBe(400);
    expect(fieldError(wrong, "prefectureId")).toBe("Choisissez une préfecture dans la liste.");
    // Paris (75056) is new; Brest (29232) moves from CERT-OUEST.
    for (const prefectureId of ["75056", "29232"]) {
      const mapped = await adminBrowser.post("/agent/admin/services/cert-ile-de-france/prefectures", { prefectureId }, { csrf: page.csrf });
      expect(mapped.url).toBe("/agent/admin/services/cert-ile-de-france");
    }
    expect(await t.services.agents.prefecturesOf("cert-ile-de-france")).toEqual(["29232", "75056"]);
    expect(await t.services.agents.prefecturesOf("cert-ouest")).toEqual(["35238"]);
    expect((await adminBrowser.get("/agent/admin/services/nulle-part")).status).toBe(404);
  });

  it("show the audit log, newest first, 50 a page", async () => {
    const base = new Date("2026-01-01T00:00:00Z").getTime();
    for (let i = 1; i <= 60; i++) {
      await insertAuditEntry(t.db.db, { at: new Date(base + i * 60_000), agentId: admin.id, action: "valider", requestNumber: `R-${String(i).padStart(3, "0")}`, fromState: "en_instruction", toState: "validee" });
    }
    const first = await adminBrowser.get("/agent/admin/journal");
    expect(first.status).toBe(200);
    const rows = first.html.querySelectorAll("#audit tbody tr");
    expect(rows).toHaveLength(50);
    // The admin's own actions of the previous tests come last (inserted first); the newest row first.
    expect(rows[0]!.textContent).toContain("R-060");
    expect(rows[0]!.textContent).toContain("En cours d'instruction");
    expect(rows[0]!.textContent).toContain("Validée par l'administration");
    expect(rows[0]!.textContent).toContain("Camille CHEF");
    const next = first.html.querySelector("#audit-next")!.getAttribute("href")!;
    const second = await adminBrowser.get(next);
    const text = second.text("#audit");
    expect(text).toContain("R-001");
    expect(text).toContain("Agent créé");
    expect(text).toContain("Service créé");
    expect(text).toContain("Préfecture rattachée");
    expect(text).not.toContain("R-060");
  });
});

describe("npm run agent:creer", () => {
  it("parses its options and refuses unknown ones", () => {
    expect(parseAgentArgs(["--email", "a@b.fr", "--prenom", "A", "--nom", "B", "--role", "images", "--services", "x,y", "--mot-de-passe"])).toEqual({
      ok: true,
      input: { email: "a@b.fr", givenName: "A", familyName: "B", role: "images", serviceIds: ["x", "y"] },
      withPassword: true,
    });
    expect(parseAgentArgs(["--email", "a@b.fr", "--prenom", "A", "--nom", "B", "--role", "images", "--admin"]).ok).toBe(false);
    expect(parseAgentArgs(["--email", "a@b.fr"]).ok).toBe(false);
  });

  it("creates an agent in the environment's database, with a password shown once", async () => {
    // A database another process can open: a PGlite folder, or a new database on the server.
    const db = await testDatabase();
    let env: Record<string, string>;
    let dataDir: string | undefined;
    if (db.url) {
      env = { DATABASE_URL: db.url };
    } else {
      await db.dispose();
      dataDir = mkdtempSync(join(tmpdir(), "permis-cli-"));
      env = { DATA_DIR: dataDir };
    }
    const run = (args: string[]) =>
      promisify(execFile)("npx", ["tsx", "scripts/admin.ts", ...args], { env: { ...process.env, ...env, NODE_ENV: "development", LOG_LEVEL: "silent" }, timeout: 120_000 });
    try {
      const service = await run(["service", "--nom", "CERT Test", "--prefectures", "75056"]);
      expect(service.stdout).toContain("Service cert-test créé, 1 préfecture(s) rattachée(s).");
      const out = await run(["agent", "--email", "Paul.Durand@interieur.gouv.fr", "--prenom", "Paul", "--nom", "DURAND", "--role", "instruction", "--services", "cert-test", "--mot-de-passe"]);
      expect(out.stdout).toContain("Agent paul.durand@interieur.gouv.fr créé (instruction).");
      expect(out.stdout).toMatch(/Mot de passe \(affiché une seule fois\) : \S{20}/);
      const check = db.url ? await openDatabase({ url: db.url, poolSize: 1 }) : await openDatabase({ dataDir: dataDir! });
      try {
        const agent = await findAgentByEmail(check.db, "paul.durand@interieur.gouv.fr");
        expect(agent?.passwordHash).toMatch(/^\$argon2id\$/);
        expect(agent?.role).toBe("instruction");
        expect((await findAgentWithServices(check.db, agent!.id))?.serviceIds).toEqual(["cert-test"]);
      } finally {
        await check.close();
      }
    } finally {
      if (db.url) await db.dispose();
    }
  }, 240_000);
});
