import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordLicence } from "../../src/db/repositories/requests.ts";
import { CORRECTION_REFUSALS } from "../../src/domain/request/correction.ts";
import { expectAccessible, launchChromium, newContext, startLiveService, tick, type LiveService } from "../helpers/browser.ts";
import { Browser as HttpBrowser, summaryErrors, type Form } from "../helpers/client.ts";
import { createActiveAccount, GOOD_PASSWORD } from "../helpers/flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/**
 * "Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois" (seed
 * 004) in a real browser: from the account home, the licence number of a title produced by the
 * user's own earlier online request (seeded over HTTP, the number recorded as the back-office
 * does), the error's type and description, no step 4 (the photo is the original's), the
 * récapitulatif and the confirmation. Each new page is checked by axe-core; an unknown number
 * shows the seed's refusal; the start page and step 1 also work with JavaScript disabled.
 */
let live: LiveService;
let chromium: Browser;
const files = mkdtempSync(join(tmpdir(), "permis-correction-"));
beforeAll(async () => {
  live = await startLiveService();
  chromium = await launchChromium();
  writeFileSync(join(files, "carte-identite.pdf"), await pdf(2));
  writeFileSync(join(files, "facture.png"), PNG);
  writeFileSync(join(files, "permis.png"), PNG);
});
afterAll(async () => {
  await chromium?.close();
  await live?.close();
});

const DAY = 24 * 3600 * 1000;
const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };

/**
 * A user whose earlier perte request (first name typed "Silvie") was sent online and produced the
 * licence `licence`, issued about two months ago. Returns the identifier to sign in with and the
 * earlier request's number.
 */
async function userWithLicence(n: number, licence: string): Promise<{ identifier: string; original: string }> {
  const b = new HttpBrowser(live.t.app, `192.0.2.${n}`);
  const identifier = await createActiveAccount(live.t, b, { email: `correction${n}@example.fr` });
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  const steps: Array<[number, Form]> = [
    [1, STEP1_PERTE],
    [2, { ...STEP2, prenom1: "Silvie" }],
    [3, STEP3],
    [4, { photoOption: "numerique", codePhoto: await photoCode(live.t), action: "suivant" }],
  ];
  for (const [step, answers] of steps) {
    const page = await b.post(`/demandes/${id}/etape/${step}`, answers);
    expect(summaryErrors(page)).toEqual([]);
    expect(page.url).toBe(`/demandes/${id}/etape/${step + 1}`);
  }
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expect((await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(live.t), action: "suivant" })).url).toBe(`/demandes/${id}/etape/6`);
  const sent = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
  expect(sent.url).toBe(`/demandes/${id}/etape/7`);
  const original = /PC-\d{4}-\d{7}/.exec(sent.text("main"))![0];
  expect(await recordLicence(live.t.db.db, id, { number: licence, issuedAt: new Date(Date.now() - 60 * DAY) })).toBe(true);
  return { identifier, original };
}

async function signIn(page: Page, identifier: string) {
  await page.goto(`${live.url}/connexion`);
  await page.getByLabel(/^Identifiant/).fill(identifier);
  await page.locator("#password").fill(GOOD_PASSWORD);
  await page.getByRole("button", { name: "ME CONNECTER" }).click();
  await page.waitForURL(/\/mon-espace$/);
}

const CORRECTION_LINK = "Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois";

describe("a correction (seed 004) in a real browser", { timeout: 180_000 }, () => {
  it("is started from the account home with the licence number, has no step 4, and is sent with JavaScript, accessible on each page", async () => {
    const licence = "26CD00000001";
    const { identifier, original } = await userWithLicence(111, licence);
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      await signIn(page, identifier);
      await page.getByRole("link", { name: CORRECTION_LINK }).click();

      // The start page of the démarche.
      await page.waitForURL(/\/demandes\/nouvelle\/correction$/);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Signaler une erreur sur mon permis de conduire");
      expect(await page.locator("main").innerText()).toContain("La photo et la signature seront reprises de la demande initiale");
      await expectAccessible(page);
      // Typed as a user may: lower case, with spaces.
      await page.getByLabel(/^Numéro du permis à corriger/).fill(" 26cd 0000 0001 ");
      await page.getByRole("button", { name: "Commencer la demande" }).click();

      // 1 Motif: the error's type and description.
      await page.waitForURL(/\/demandes\/[0-9a-f-]{36}\/etape\/1$/);
      const draft = /\/demandes\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
      expect(await page.locator(".fr-callout__text").innerText()).toContain(`Permis n° ${licence}, issu de votre demande n° ${original}`);
      await expectAccessible(page);
      await page.getByRole("button", { name: "Etape suivante >>" }).click();
      expect(await page.locator("#error-summary li").allInnerTexts()).toEqual(["Cochez l'erreur constatée sur votre permis.", "Décrivez l'erreur constatée : ce qui figure sur le permis et ce qui devrait y figurer."]);
      await expectAccessible(page);
      await tick(page, "une faute d'orthographe ou de saisie sur mon état civil");
      await page.getByLabel(/^Description de l'erreur/).fill("Mon prénom est écrit Silvie au lieu de Sylvie.");
      await page.getByRole("button", { name: "Etape suivante >>" }).click();

      // 2 État civil: the original's, to correct.
      await page.waitForURL(/\/etape\/2$/);
      expect(await page.getByLabel(/^Nom de naissance/).inputValue()).toBe("Dupont");
      expect(await page.getByLabel(/^1er prénom/).inputValue()).toBe("Silvie");
      await page.getByLabel(/^1er prénom/).fill("Sylvie");
      await page.getByRole("button", { name: "Etape suivante >>" }).click();

      // 3 Adresse et contact, then straight to 5: no step 4, the photo is the original's.
      await page.waitForURL(/\/etape\/3$/);
      expect(await page.getByLabel(/^Code Postal/).inputValue()).toBe("75007");
      await page.getByRole("button", { name: "Etape suivante >>" }).click();
      await page.waitForURL(/\/etape\/5$/);
      expect(page.url()).toBe(`${live.url}/demandes/${draft}/etape/5`);
      expect(await page.getByLabel(/^Code photo signature numérique/).count()).toBe(0);

      // 5 Pièces justificatives, with the licence to correct.
      await page.getByLabel(/^Ajouter un fichier : Pièce d'identité/).setInputFiles(join(files, "carte-identite.pdf"));
      await page.locator('button[name="joindre"][value="identite"]').click();
      await page.waitForURL(/\/etape\/5$/);
      await page.getByLabel(/^Ajouter un fichier : Justificatif de domicile/).setInputFiles(join(files, "facture.png"));
      await page.locator('button[name="joindre"][value="domicile"]').click();
      await page.waitForURL(/\/etape\/5$/);
      await page.getByLabel(/^Ajouter un fichier : Permis de conduire actuel/).setInputFiles(join(files, "permis.png"));
      await page.locator('button[name="joindre"][value="permis"]').click();
      await page.waitForURL(/\/etape\/5$/);
      await page.getByRole("button", { name: "Etape suivante >>" }).click();

      // 6 Récapitulatif: the error as described, the original's photo.
      await page.waitForURL(/\/etape\/6$/);
      const summary = await page.locator("main").innerText();
      expect(summary).toContain("Mon prénom est écrit Silvie au lieu de Sylvie.");
      expect(summary).toContain(`Celles de la demande initiale n° ${original}, non modifiables`);
      // The corrected état civil is the one sent.
      expect(await page.locator('dt:text-is("Prénom(s)") + dd').innerText()).toBe("Sylvie");
      await expectAccessible(page);
      await tick(page, /^J'atteste sur l'honneur/);
      await page.getByRole("button", { name: "Valider et envoyer ma demande" }).click();

      // 7 Confirmation.
      await page.waitForURL(`${live.url}/demandes/${draft}/etape/7`);
      const confirmation = await page.locator("main").innerText();
      const number = /PC-\d{4}-\d{7}/.exec(confirmation)![0];
      expect(number).not.toBe(original);
      await expectAccessible(page);
      await page.goto(`${live.url}/mon-espace`);
      expect(await page.locator("#requests-table tbody tr", { hasText: number }).innerText()).toContain("Envoyée");
    } finally {
      await context.close();
    }
  });

  it("shows the seed's refusal for a number of none of the user's online requests, the number kept to correct", async () => {
    const { identifier } = await userWithLicence(112, "26CD00000002");
    const context = await newContext(chromium, true);
    try {
      const page = await context.newPage();
      await signIn(page, identifier);
      await page.getByRole("link", { name: CORRECTION_LINK }).click();
      await page.waitForURL(/\/demandes\/nouvelle\/correction$/);
      await page.getByLabel(/^Numéro du permis à corriger/).fill("99ZZ00000000");
      await page.getByRole("button", { name: "Commencer la demande" }).click();
      expect(await page.locator("#numeroPermis-message-error").innerText()).toBe(CORRECTION_REFUSALS.inconnu);
      expect(await page.locator("#error-summary li").allInnerTexts()).toEqual([CORRECTION_REFUSALS.inconnu]);
      expect(await page.getByLabel(/^Numéro du permis à corriger/).inputValue()).toBe("99ZZ00000000");
      expect(new URL(page.url()).pathname).toBe("/demandes/nouvelle/correction");
      await expectAccessible(page);
      // No draft was made.
      await page.goto(`${live.url}/mon-espace`);
      expect(await page.locator("#requests-table tbody").innerText()).not.toContain("Brouillon");
    } finally {
      await context.close();
    }
  });

  it("starts and passes step 1 with JavaScript disabled", async () => {
    const licence = "26CD00000003";
    const { identifier, original } = await userWithLicence(113, licence);
    const context = await newContext(chromium, false);
    try {
      const page = await context.newPage();
      await signIn(page, identifier);
      await page.getByRole("link", { name: CORRECTION_LINK }).click();
      await page.waitForURL(/\/demandes\/nouvelle\/correction$/);
      await page.getByLabel(/^Numéro du permis à corriger/).fill(licence);
      await page.getByRole("button", { name: "Commencer la demande" }).click();
      await page.waitForURL(/\/etape\/1$/);
      expect(await page.locator(".fr-callout__text").innerText()).toContain(`Permis n° ${licence}, issu de votre demande n° ${original}`);
      await tick(page, "une mauvaise catégorie ou un oubli de catégorie");
      await page.getByRole("button", { name: "Etape suivante >>" }).click();
      expect(await page.locator("#error-summary li").allInnerTexts()).toEqual(["Décrivez l'erreur constatée : ce qui figure sur le permis et ce qui devrait y figurer."]);
      // The ticked type is kept.
      expect(await page.getByLabel("une mauvaise catégorie ou un oubli de catégorie", { exact: true }).isChecked()).toBe(true);
      await page.getByLabel(/^Description de l'erreur/).fill("La catégorie A2 manque.");
      await page.getByRole("button", { name: "Etape suivante >>" }).click();
      await page.waitForURL(/\/etape\/2$/);
    } finally {
      await context.close();
    }
  });
});
