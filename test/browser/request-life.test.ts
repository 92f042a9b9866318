import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requests } from "../../src/db/schema.ts";
import { displayNeph, isNeph } from "../../src/domain/request/neph.ts";
import { REQUEST_STATES } from "../../src/domain/request/state.ts";
import { DROITS_TITLE, INSCRIPTION_TITLE } from "../../src/services/pdf/index.ts";
import { createAgent, createService, type TestAgent } from "../helpers/agents.ts";
import { launchChromium, newContext, startLiveService, tick, type LiveService } from "../helpers/browser.ts";
import {
  agentState,
  checkAccessible,
  download,
  expectedMessages,
  filesDir,
  mailSubject,
  pdfText,
  press,
  RequestOutbox,
  sendRequest,
  signInAgentPage,
  signInUser,
  replacePiece,
  userState,
  type SentRequest,
} from "../helpers/life.ts";

/**
 * The life of a request in a real browser (issue 9, "Tests", Browser): agents of the request's
 * service signed in through the pages (password + TOTP) move it through its states; at each step
 * the user's own page shows the state's label, and the request's outbox holds exactly the step's
 * mails (to the step-3 address) and SMS (to the step-3 mobile). Every back-office page visited is
 * checked by axe-core (WCAG 2.1 A and AA). Then the documents of a decision: the NEPH and the
 * attestation d'inscription of a validated inscription, the attestation de droits à conduire of a
 * validated loss, read back with pdftotext.
 */
let live: LiveService;
let chromium: Browser;
let files: Awaited<ReturnType<typeof filesDir>>;
let imagesAgent: TestAgent;
let instructionAgent: TestAgent;

beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
  files = await filesDir();
  // The service instructeur of the préfecture chosen at step 3 (75056), and its two agents.
  await createService(live.t.services, "cert-vie", ["75056"]);
  imagesAgent = await createAgent(live.t.services, { role: "images", serviceIds: ["cert-vie"], givenName: "Inès", familyName: "Images" });
  instructionAgent = await createAgent(live.t.services, { role: "instruction", serviceIds: ["cert-vie"], givenName: "Ivan", familyName: "Instruction" });
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

const S = REQUEST_STATES;

/** The agent opens the request from its queue (by its number), axe-checked. */
async function openFromQueue(page: Page, queueLabel: string, number: string): Promise<void> {
  await page.goto(`${live.url}/agent/dossiers`);
  await page.getByRole("link", { name: new RegExp(`^${queueLabel} \\(`) }).click();
  await page.waitForURL(/\/agent\/dossiers\?file=/);
  await checkAccessible(page);
  await page.getByRole("link", { name: number, exact: true }).click();
  await page.waitForURL(/\/agent\/dossiers\/[0-9a-f-]{36}$/);
  await checkAccessible(page);
}

async function expectStep(user: Page, r: SentRequest, box: RequestOutbox, state: keyof typeof S, events: Parameters<typeof expectedMessages>[1]) {
  expect(await userState(user, live.url, r.id)).toBe(S[state].label);
  expect(await user.locator("main").innerText()).toContain(S[state].meaning);
  expect(await box.next()).toEqual(expectedMessages(r, events));
}

describe("the life of a request in a real browser", { timeout: 300_000 }, () => {
  it("goes Envoyée → Vérification des images → En cours d'instruction → A compléter → (one piece replaced, sent back) → En cours d'instruction → Validée, the user's page, mails and SMS right at each step", async () => {
    const r = await sendRequest(live.t, 31, "perte");
    const box = new RequestOutbox(live.t, r.id);
    const userContext = await newContext(chromium, true);
    const imagesContext = await newContext(chromium, true);
    const instructionContext = await newContext(chromium, true);
    try {
      const user = await userContext.newPage();
      await signInUser(user, live.url, r.identifier);
      expect(await user.locator("#requests-table tbody tr", { hasText: r.number }).innerText()).toContain(S.envoyee.label);
      await expectStep(user, r, box, "envoyee", ["envoyee"]);
      // A loss: until the attestation de droits à conduire, the person may not drive (seed 004).
      expect(await user.locator("main").innerText()).toContain("Vous n'êtes pas autorisé à conduire");
      await checkAccessible(user);

      // The images agent takes it: "Vérification des images".
      const images = await imagesContext.newPage();
      await signInAgentPage(images, live.url, live.t, imagesAgent, checkAccessible);
      await checkAccessible(images);
      await openFromQueue(images, "À vérifier", r.number);
      expect(await agentState(images)).toBe(S.envoyee.label);
      await press(images, "Je prends ce dossier");
      expect(await images.locator("#pris-par").innerText()).toContain("Dossier pris par vous");
      expect(await agentState(images)).toBe(S.verification_images.label);
      await checkAccessible(images);
      // The photo and the signature, side by side, are the service's previews.
      const shown = await images.locator("#photo-signature img").evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0));
      expect(shown).toEqual([true, true]);
      await expectStep(user, r, box, "verification_images", ["verification_images"]);

      // Accepted: "En cours d'instruction".
      await press(images, "Accepter les images");
      expect(await agentState(images)).toBe(S.en_instruction.label);
      await checkAccessible(images);
      await expectStep(user, r, box, "en_instruction", ["en_instruction"]);

      // The instruction agent takes it and asks for one piece again: "A compléter".
      const instruction = await instructionContext.newPage();
      await signInAgentPage(instruction, live.url, live.t, instructionAgent, checkAccessible);
      await openFromQueue(instruction, "À instruire", r.number);
      await press(instruction, "Je prends ce dossier");
      expect(await instruction.locator("#pris-par").innerText()).toContain("Dossier pris par vous");
      expect(await agentState(instruction)).toBe(S.en_instruction.label);
      await checkAccessible(instruction);
      const reason = "Le justificatif de domicile est illisible : joignez une facture de moins de 6 mois.";
      await tick(instruction, /^Justificatif de domicile/);
      await instruction.getByLabel(/^Ce qui manque ou est incorrect : Justificatif de domicile/).fill(reason);
      await press(instruction, "Demander un complément");
      expect(await agentState(instruction)).toBe(S.a_completer.label);
      await checkAccessible(instruction);
      await expectStep(user, r, box, "a_completer", ["a_completer"]);

      // The user reads the agent's words on the request's page, replaces that piece and sends the request back.
      expect(await user.locator("#elements-a-completer").innerText()).toContain(reason);
      await checkAccessible(user);
      await user.getByRole("link", { name: "Modifier la demande" }).click();
      await user.waitForURL(`${live.url}/demandes/${r.id}/completer`);
      expect(await user.locator("#item-domicile").innerText()).toContain(reason);
      await checkAccessible(user);
      await replacePiece(user, "domicile", "Justificatif de domicile", files.pdf);
      expect(await user.locator("#item-domicile").innerText()).toContain("nouveau-justificatif.pdf");
      await checkAccessible(user);
      await user.getByRole("button", { name: "Renvoyer ma demande" }).click();
      await user.waitForURL(`${live.url}/demandes/${r.id}`);
      await expectStep(user, r, box, "en_instruction", ["en_instruction"]);

      // The agent sees what changed, and validates: "Validée par l'administration".
      await instruction.goto(`${live.url}/agent/dossiers/${r.id}`);
      expect(await agentState(instruction)).toBe(S.en_instruction.label);
      expect(await instruction.locator("#ce-qui-a-change").innerText()).toContain("nouveau-justificatif.pdf");
      await checkAccessible(instruction);
      await press(instruction, "Valider la demande");
      expect(await agentState(instruction)).toBe(S.validee.label);
      await checkAccessible(instruction);
      await expectStep(user, r, box, "validee", ["validee", "attestation_droits"]);
      // Mails to the step-3 address, in order: one per step, the loss's attestation announced too.
      const events = ["envoyee", "verification_images", "en_instruction", "a_completer", "en_instruction", "validee", "attestation_droits"] as const;
      expect((await live.t.mailsTo(r.email)).map((m) => m.subject)).toEqual(events.map((e) => mailSubject(r, e)));

      // A loss: the attestation de droits à conduire, read back.
      await user.goto(`${live.url}/demandes/${r.id}`);
      expect(await user.locator("main").innerText()).not.toContain("Vous n'êtes pas autorisé à conduire");
      await checkAccessible(user);
      const attestation = await download(user, /^Attestation de droits à conduire/);
      expect(attestation.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const text = pdfText(attestation.bytes);
      expect(text).toContain(DROITS_TITLE);
      expect(text).toContain(r.number);
      expect(text.toUpperCase()).toContain("DUPONT");

      // The SMS are in the development sink, readable in the browser beside the mails.
      await user.goto(`${live.url}/dev/sms`);
      const sink = await user.locator("#sms-list").innerText();
      for (const sms of expectedMessages(r, events).filter((m) => m.channel === "sms")) {
        expect(sink).toContain(sms.text);
      }
    } finally {
      await userContext.close();
      await imagesContext.close();
      await instructionContext.close();
    }
  });

  it("validates an inscription: its NEPH on the user's page, the attestation d'inscription downloaded and read back", async () => {
    const r = await sendRequest(live.t, 32, "inscription");
    const box = new RequestOutbox(live.t, r.id);
    const imagesContext = await newContext(chromium, true);
    const instructionContext = await newContext(chromium, true);
    const userContext = await newContext(chromium, true);
    try {
      const images = await imagesContext.newPage();
      await signInAgentPage(images, live.url, live.t, imagesAgent);
      await openFromQueue(images, "À vérifier", r.number);
      await press(images, "Je prends ce dossier");
      await press(images, "Accepter les images");
      expect(await agentState(images)).toBe(S.en_instruction.label);

      const instruction = await instructionContext.newPage();
      await signInAgentPage(instruction, live.url, live.t, instructionAgent);
      await openFromQueue(instruction, "À instruire", r.number);
      await press(instruction, "Je prends ce dossier");
      await press(instruction, "Valider la demande");
      expect(await agentState(instruction)).toBe(S.validee.label);
      const [row] = await live.t.db.db.select().from(requests).where(eq(requests.id, r.id));
      const neph = row!.neph!;
      expect(isNeph(neph)).toBe(true);
      // The agent sees it too.
      expect(await instruction.locator("main").innerText()).toContain(`NEPH : ${displayNeph(neph)}`);
      await checkAccessible(instruction);
      expect(await box.next()).toEqual(expectedMessages(r, ["envoyee", "verification_images", "en_instruction", "inscription_validee"]));

      const user = await userContext.newPage();
      await signInUser(user, live.url, r.identifier);
      expect(await userState(user, live.url, r.id)).toBe(S.validee.label);
      expect(await user.locator("#neph").innerText()).toContain(displayNeph(neph));
      await checkAccessible(user);
      const attestation = await download(user, /^Attestation d'inscription au permis de conduire/);
      expect(attestation.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const text = pdfText(attestation.bytes);
      expect(text).toContain(INSCRIPTION_TITLE);
      expect(text).toContain(displayNeph(neph));
      expect(text.toUpperCase()).toContain("DUPONT");
      // Recto/verso on one sheet: two pages.
      expect(text.split("\f").filter((page) => page.trim() !== "")).toHaveLength(2);
    } finally {
      await imagesContext.close();
      await instructionContext.close();
      await userContext.close();
    }
  });
});
