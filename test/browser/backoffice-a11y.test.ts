import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requests } from "../../src/db/schema.ts";
import { displayNeph, isNeph } from "../../src/domain/request/neph.ts";
import { REQUEST_STATES } from "../../src/domain/request/state.ts";
import { BACKOFFICE_MESSAGES, STALE_MESSAGE } from "../../src/services/backoffice.ts";
import { createAgent, createService, currentCode, type TestAgent } from "../helpers/agents.ts";
import { launchChromium, newContext, startLiveService, tick, type LiveService } from "../helpers/browser.ts";
import { agentState, checkAccessible, filesDir, press, replacePiece, sendRequest, signInAgentPage, signInUser, userState, type SentRequest } from "../helpers/life.ts";

/**
 * The back-office in a real browser (issue 9 §3, "usable by keyboard alone"): axe-core (WCAG 2.1
 * A and AA) on every page an agent meets — sign-in and its errors, each queue, filters in error,
 * search with and without results, a request's page untaken, taken, each action's form refused
 * (missing motive, nothing ticked, missing reason), a request already taken by another agent, an
 * action refused, a stale version, a decision, the 404 of another service's request, the 403 of a
 * page of another role, the account, sign-out and the administrator's pages. Then the whole
 * back-office journey once more with JavaScript disabled.
 */
let live: LiveService;
let chromium: Browser;
let files: Awaited<ReturnType<typeof filesDir>>;
const agents: Record<"images" | "images2" | "instruction" | "admin" | "other", TestAgent> = {} as never;

beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
  files = await filesDir();
  const s = live.t.services;
  await createService(s, "cert-a11y", ["75056"]);
  await createService(s, "cert-autre");
  agents.images = await createAgent(s, { role: "images", serviceIds: ["cert-a11y"], givenName: "Inès", familyName: "Images" });
  agents.images2 = await createAgent(s, { role: "images", serviceIds: ["cert-a11y"], givenName: "Ilan", familyName: "Second" });
  agents.instruction = await createAgent(s, { role: "instruction", serviceIds: ["cert-a11y"], givenName: "Ivan", familyName: "Instruction" });
  agents.admin = await createAgent(s, { role: "admin", givenName: "Adèle", familyName: "Admin" });
  agents.other = await createAgent(s, { role: "images", serviceIds: ["cert-autre"], givenName: "Otto", familyName: "Autre" });
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

const S = REQUEST_STATES;

/** Goes to a back-office address and checks the page; returns the status. */
async function visit(page: Page, path: string, check = true): Promise<number> {
  const response = await page.goto(`${live.url}${path}`);
  if (check) await checkAccessible(page);
  return response?.status() ?? 0;
}

/** The messages of the error summary at the top of the page. */
async function summary(page: Page): Promise<string[]> {
  return page.locator("#error-summary li").allInnerTexts();
}

async function requestPage(page: Page, r: SentRequest): Promise<void> {
  await page.goto(`${live.url}/agent/dossiers/${r.id}`);
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`Demande n° ${r.number}`);
}

describe("the back-office in a real browser", { timeout: 400_000 }, () => {
  it("passes axe-core on every page an agent meets, error states included", async () => {
    const r = await sendRequest(live.t, 41, "perte");
    const rejected = await sendRequest(live.t, 42, "perte");
    const contexts: BrowserContext[] = [];
    const context = async (javaScript = true) => {
      const c = await newContext(chromium, javaScript);
      contexts.push(c);
      return c;
    };
    try {
      /* ---- Sign-in with its errors ---- */
      const images = await (await context()).newPage();
      await visit(images, "/agent/connexion");
      await images.getByRole("button", { name: "Continuer" }).click();
      await images.waitForLoadState();
      expect(await summary(images)).toHaveLength(2);
      await checkAccessible(images);
      await images.getByLabel(/^Adresse électronique professionnelle/).fill(agents.images.email);
      await images.getByLabel(/^Mot de passe/).fill("pas-le-bon-mot-de-passe");
      await images.getByRole("button", { name: "Continuer" }).click();
      await images.waitForLoadState();
      expect(await summary(images)).toContain("Adresse électronique ou mot de passe incorrect.");
      await checkAccessible(images);
      await images.getByLabel(/^Mot de passe/).fill(agents.images.password);
      await images.getByRole("button", { name: "Continuer" }).click();
      await images.waitForURL(/\/agent\/connexion\/code$/);
      await checkAccessible(images);
      const right = currentCode(live.t, agents.images);
      await images.getByLabel(/^Code de vérification/).fill(String((Number(right) + 500_000) % 1_000_000).padStart(6, "0"));
      await images.getByRole("button", { name: "Se connecter" }).click();
      await images.waitForLoadState();
      expect((await summary(images)).join(" ")).toContain("Code incorrect ou expiré");
      await checkAccessible(images);
      await images.getByLabel(/^Code de vérification/).fill(currentCode(live.t, agents.images));
      await images.getByRole("button", { name: "Se connecter" }).click();
      await images.waitForURL(/\/agent\/dossiers(\?.*)?$/);
      await checkAccessible(images);

      /* ---- Queues, filters in error, search ---- */
      const queues = await images.locator('nav[aria-label="Files de dossiers"] a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute("href")!));
      expect(queues.length).toBeGreaterThan(0);
      for (const href of queues) await visit(images, href);
      expect(await visit(images, "/agent/dossiers?file=a_verifier&du=2026-02-31&au=demain")).toBe(400);
      expect((await summary(images)).length).toBeGreaterThan(0);
      await visit(images, "/agent/dossiers?file=a_verifier");
      await images.getByLabel(/^Rechercher un dossier/).fill(r.number);
      await images.getByRole("button", { name: "Rechercher" }).click();
      await images.waitForURL(/q=/);
      expect(await images.locator("#dossiers").innerText()).toContain(r.number);
      await checkAccessible(images);
      await images.getByLabel(/^Rechercher un dossier/).fill("PC-2000-0000001");
      await images.getByRole("button", { name: "Rechercher" }).click();
      await images.waitForURL(/q=PC-2000/);
      expect(await images.locator("#aucun-dossier").count()).toBe(1);
      await checkAccessible(images);

      /* ---- A request's page: untaken, taken, taken by another, each images form refused, released ---- */
      const second = await (await context()).newPage();
      await signInAgentPage(second, live.url, live.t, agents.images2);
      await requestPage(images, r);
      expect(await images.locator("#pris-par").innerText()).toBe("Personne n'a pris ce dossier.");
      await checkAccessible(images);
      await requestPage(second, r);
      await press(images, "Je prends ce dossier");
      expect(await agentState(images)).toBe(S.verification_images.label);
      await checkAccessible(images);
      await press(second, "Je prends ce dossier");
      expect(await second.locator("#alerte").innerText()).toContain(BACKOFFICE_MESSAGES.takenBy("Inès Images").slice(0, 30));
      await checkAccessible(second);
      await press(images, "Rejeter les images");
      expect((await summary(images)).length).toBeGreaterThan(0);
      await checkAccessible(images);
      await press(images, "Libérer ce dossier");
      expect(await images.locator("#pris-par").innerText()).toBe("Personne n'a pris ce dossier.");
      await checkAccessible(images);
      await press(images, "Je prends ce dossier");
      await press(images, "Accepter les images");
      expect(await agentState(images)).toBe(S.en_instruction.label);
      await checkAccessible(images);

      // Another request: its images rejected with a motive and a message.
      await requestPage(images, rejected);
      await press(images, "Je prends ce dossier");
      await images.getByLabel(/^Motif du rejet/).selectOption({ label: "Photo floue" });
      await images.getByLabel(/^Message à l'usager/).fill("La photo est floue : faites-en refaire une chez un photographe agréé.");
      await press(images, "Rejeter les images");
      expect(await agentState(images)).toBe(S.rejet_images.label);
      await checkAccessible(images);

      /* ---- Instruction: each form refused, an action refused, a stale version, a rejection ---- */
      const instructionContext = await context();
      const instruction = await instructionContext.newPage();
      await signInAgentPage(instruction, live.url, live.t, agents.instruction, checkAccessible);
      await requestPage(instruction, r);
      await press(instruction, "Je prends ce dossier");
      await checkAccessible(instruction);
      // Two more tabs on the same version: one will be refused, the other stale.
      const refusedTab = await instructionContext.newPage();
      await requestPage(refusedTab, r);
      const staleTab = await instructionContext.newPage();
      await requestPage(staleTab, r);
      await press(instruction, "Rejeter la demande");
      expect((await summary(instruction)).length).toBeGreaterThan(0);
      await checkAccessible(instruction);
      await press(instruction, "Demander un complément");
      expect((await summary(instruction)).length).toBeGreaterThan(0);
      await checkAccessible(instruction);
      await tick(instruction, /^Justificatif de domicile/);
      await press(instruction, "Demander un complément");
      expect((await summary(instruction)).join(" ")).toContain("Justificatif de domicile");
      await checkAccessible(instruction);
      await instruction.getByLabel(/^Ce qui manque ou est incorrect : Justificatif de domicile/).fill("Facture de plus de 6 mois : joignez-en une récente.");
      await press(instruction, "Demander un complément");
      expect(await agentState(instruction)).toBe(S.a_completer.label);
      await checkAccessible(instruction);
      // The tab still showing "En cours d'instruction": validating is refused now.
      await press(refusedTab, "Valider la demande");
      expect(await refusedTab.locator("#alerte").innerText()).toContain(BACKOFFICE_MESSAGES.refused);
      await checkAccessible(refusedTab);

      // The user replaces the piece and sends the request back.
      const user = await (await context()).newPage();
      await signInUser(user, live.url, r.identifier);
      await user.goto(`${live.url}/demandes/${r.id}/completer`);
      await replacePiece(user, "domicile", "Justificatif de domicile", files.pdf);
      await user.getByRole("button", { name: "Renvoyer ma demande" }).click();
      await user.waitForURL(`${live.url}/demandes/${r.id}`);
      expect(await userState(user, live.url, r.id)).toBe(S.en_instruction.label);

      // The tab shown before the completion: "En cours d'instruction" again, but another version.
      await press(staleTab, "Valider la demande");
      expect(await staleTab.locator("#alerte").innerText()).toContain(STALE_MESSAGE);
      expect(await agentState(staleTab)).toBe(S.en_instruction.label);
      await checkAccessible(staleTab);
      // "Autre motif" needs a message; then the rejection.
      await staleTab.getByLabel(/^Motif du rejet/).selectOption("autre_instruction");
      await press(staleTab, "Rejeter la demande");
      expect((await summary(staleTab)).length).toBeGreaterThan(0);
      await checkAccessible(staleTab);
      await staleTab.getByLabel(/^Motif du rejet/).selectOption({ label: "Pièces justificatives toujours non conformes après complément" });
      await press(staleTab, "Rejeter la demande");
      expect(await agentState(staleTab)).toBe(S.rejet_instruction.label);
      await checkAccessible(staleTab);

    } finally {
      for (const c of contexts) await c.close();
    }
  });

  it("passes axe-core on the 404, 403, account, sign-out and administration pages, and on reassigning", async () => {
    const assigned = await sendRequest(live.t, 43, "perte");
    const contexts: BrowserContext[] = [];
    const context = async () => {
      const c = await newContext(chromium, true);
      contexts.push(c);
      return c;
    };
    try {
      const images = await (await context()).newPage();
      await signInAgentPage(images, live.url, live.t, agents.images);

      /* ---- 404 (another service's request, an unknown one), 403 (another role's page), account, sign-out ---- */
      const other = await (await context()).newPage();
      await signInAgentPage(other, live.url, live.t, agents.other);
      expect(await visit(other, `/agent/dossiers/${assigned.id}`)).toBe(404);
      expect(await visit(other, "/agent/dossiers/00000000-0000-4000-8000-000000000000")).toBe(404);
      expect(await visit(images, "/agent/admin/agents")).toBe(403);
      expect(await visit(images, "/agent/mon-compte")).toBe(200);
      expect(await visit(images, "/agent/deconnexion")).toBe(200);
      await images.getByRole("button", { name: "Se déconnecter" }).click();
      await images.waitForURL(/\/agent\/connexion/);
      await checkAccessible(images);

      /* ---- The administrator: reassigning (refused, then done) and the administration pages ---- */
      const admin = await (await context()).newPage();
      await signInAgentPage(admin, live.url, live.t, agents.admin, checkAccessible);
      for (const href of await admin.locator('nav[aria-label="Files de dossiers"] a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute("href")!))) {
        await visit(admin, href);
      }
      await requestPage(admin, assigned);
      await checkAccessible(admin);
      await press(admin, "Attribuer");
      expect((await summary(admin)).length).toBeGreaterThan(0);
      await checkAccessible(admin);
      await admin.getByLabel(/^Agent/).selectOption({ label: "Inès Images" });
      await press(admin, "Attribuer");
      expect(await admin.locator("#pris-par").innerText()).toContain("Inès Images");
      await checkAccessible(admin);
      for (const path of ["/agent/admin/agents", "/agent/admin/agents/nouveau", "/agent/admin/services", "/agent/admin/services/cert-a11y", "/agent/admin/journal"]) {
        expect(await visit(admin, path), path).toBe(200);
      }
      await visit(admin, "/agent/admin/agents/nouveau", false);
      await admin.getByRole("button", { name: "Créer l'agent" }).click();
      await admin.waitForLoadState();
      expect((await summary(admin)).length).toBeGreaterThan(0);
      await checkAccessible(admin);
    } finally {
      for (const c of contexts) await c.close();
    }
  });

  it("runs the whole back-office journey with JavaScript disabled", async () => {
    const r = await sendRequest(live.t, 44, "inscription");
    const imagesContext = await newContext(chromium, false);
    const instructionContext = await newContext(chromium, false);
    const userContext = await newContext(chromium, false);
    try {
      // Images: sign-in, the queue, the request, a refused form, taking and accepting.
      const images = await imagesContext.newPage();
      await signInAgentPage(images, live.url, live.t, agents.images);
      await images.getByRole("link", { name: /^À vérifier \(/ }).click();
      await images.getByRole("link", { name: r.number, exact: true }).click();
      await images.waitForURL(`${live.url}/agent/dossiers/${r.id}`);
      expect(await agentState(images)).toBe(S.envoyee.label);
      await press(images, "Je prends ce dossier");
      expect(await agentState(images)).toBe(S.verification_images.label);
      await press(images, "Rejeter les images");
      expect((await summary(images)).length).toBeGreaterThan(0);
      expect(await agentState(images)).toBe(S.verification_images.label);
      await press(images, "Accepter les images");
      expect(await agentState(images)).toBe(S.en_instruction.label);

      // Instruction: takes it, asks for a piece again.
      const instruction = await instructionContext.newPage();
      await signInAgentPage(instruction, live.url, live.t, agents.instruction);
      await instruction.getByRole("link", { name: /^À instruire \(/ }).click();
      await instruction.getByRole("link", { name: r.number, exact: true }).click();
      await instruction.waitForURL(`${live.url}/agent/dossiers/${r.id}`);
      await press(instruction, "Je prends ce dossier");
      expect(await instruction.locator("#pris-par").innerText()).toContain("Dossier pris par vous");
      await tick(instruction, /^Justificatif de domicile/);
      await instruction.getByLabel(/^Ce qui manque ou est incorrect : Justificatif de domicile/).fill("Justificatif illisible.");
      await press(instruction, "Demander un complément");
      expect(await agentState(instruction)).toBe(S.a_completer.label);

      // The user (also without JavaScript) replaces it and sends it back.
      const user = await userContext.newPage();
      await signInUser(user, live.url, r.identifier);
      expect(await userState(user, live.url, r.id)).toBe(S.a_completer.label);
      await user.getByRole("link", { name: "Modifier la demande" }).click();
      await user.waitForURL(`${live.url}/demandes/${r.id}/completer`);
      await replacePiece(user, "domicile", "Justificatif de domicile", files.pdf);
      await user.getByRole("button", { name: "Renvoyer ma demande" }).click();
      await user.waitForURL(`${live.url}/demandes/${r.id}`);

      // The agent sees what changed and validates: the NEPH is assigned and shown.
      await instruction.goto(`${live.url}/agent/dossiers/${r.id}`);
      expect(await agentState(instruction)).toBe(S.en_instruction.label);
      expect(await instruction.locator("#ce-qui-a-change").innerText()).toContain("nouveau-justificatif.pdf");
      await press(instruction, "Valider la demande");
      expect(await agentState(instruction)).toBe(S.validee.label);
      const [row] = await live.t.db.db.select().from(requests).where(eq(requests.id, r.id));
      expect(isNeph(row!.neph!)).toBe(true);
      expect(await instruction.locator("main").innerText()).toContain(`NEPH : ${displayNeph(row!.neph!)}`);
      // The queue of processed requests lists it.
      await instruction.goto(`${live.url}/agent/dossiers?file=traitees`);
      expect(await instruction.locator("#dossiers").innerText()).toContain(r.number);
    } finally {
      await imagesContext.close();
      await instructionContext.close();
      await userContext.close();
    }
  });
});
