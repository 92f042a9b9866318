import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordLicence } from "../../src/db/repositories/requests.ts";
import { photoCodes, requests } from "../../src/db/schema.ts";
import { CORRECTION_REFUSALS } from "../../src/domain/request/correction.ts";
import { frozenContent } from "../../src/services/requests/index.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/**
 * "Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois" (seed
 * 004): a démarche of its own from the account home; the licence number is matched to the user's
 * own earlier online request that produced it (the back-office records the number on that request
 * when the title is made: here, `recordLicence`); refused with the seed's reasons; the photo and
 * signature are the original request's, so there is no step 4.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const DAY = 24 * 3600 * 1000;

let accounts = 0;
async function newUser(): Promise<Browser> {
  accounts++;
  const b = new Browser(t.app, `198.51.100.${100 + accounts}`);
  await createActiveAccount(t, b, { email: `correction-${accounts}@example.fr` });
  return b;
}

function expectAt(page: Page, url: string) {
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(url);
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

/** A perte request filed and sent with a digital photo code; returns its id and the code. */
async function sentRequest(b: Browser): Promise<{ id: string; code: string }> {
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  const code = await photoCode(t);
  const steps: Array<[number, Form]> = [
    [1, STEP1_PERTE],
    [2, STEP2],
    [3, STEP3],
    [4, { photoOption: "numerique", codePhoto: code, action: "suivant" }],
  ];
  for (const [step, answers] of steps) expectAt(await b.post(`/demandes/${id}/etape/${step}`, answers), `/demandes/${id}/etape/${step + 1}`);
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${id}/etape/6`);
  expectAt(await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" }), `/demandes/${id}/etape/7`);
  return { id, code };
}

let licences = 0;
/** The back-office makes the title of request `id`: its number is recorded, `daysAgo` days ago. */
async function licenceOf(id: string, daysAgo = 20): Promise<string> {
  licences++;
  const number = `26AB${String(licences).padStart(8, "0")}`;
  expect(await recordLicence(t.db.db, id, { number, issuedAt: new Date(Date.now() - daysAgo * DAY) })).toBe(true);
  return number;
}

async function startCorrection(b: Browser, numeroPermis: string): Promise<Page> {
  await b.get("/demandes/nouvelle/correction");
  return b.post("/demandes/nouvelle/correction", { numeroPermis });
}

describe("correction: the licence number is matched to the user's own earlier online request", { timeout: 120_000 }, () => {
  it("refuses, with the seed's reasons, a number of no request, another user's, an international licence, a title older than 6 months", async () => {
    const b = await newUser();
    const { id } = await sentRequest(b);
    const start = await b.get("/demandes/nouvelle/correction");
    expect(start.status).toBe(200);
    expect(start.text("main")).toContain("La photo et la signature seront reprises de la demande initiale");

    // "Seuls les titres issus d'une demande en ligne peuvent être corrigés" (and the old paper format never comes from one).
    const unknown = await startCorrection(b, "99ZZ00000000");
    expect(unknown.status).toBe(400);
    expect(fieldError(unknown, "numeroPermis")).toBe(CORRECTION_REFUSALS.inconnu);
    expect((await b.get("/mon-espace")).text("#requests-table tbody")).not.toContain("Brouillon");

    // "reçu un titre qui n'est pas le vôtre": the same answer as an unknown number (nothing tells another account's number exists).
    const other = await newUser();
    const othersNumber = await licenceOf((await sentRequest(other)).id);
    expect(fieldError(await startCorrection(b, othersNumber), "numeroPermis")).toBe(CORRECTION_REFUSALS.inconnu);

    // "reçu votre titre il y a plus de 6 mois"
    const old = await licenceOf(id, 200);
    expect(fieldError(await startCorrection(b, old), "numeroPermis")).toBe(CORRECTION_REFUSALS.ancien);

    // "fait une demande de permis de conduire international"
    const { id: second } = await sentRequest(b);
    await t.db.db.update(requests).set({ motif: "permis_international" }).where(eq(requests.id, second));
    expect(fieldError(await startCorrection(b, await licenceOf(second)), "numeroPermis")).toBe(CORRECTION_REFUSALS.international);

    const format = await startCorrection(b, "12-AB");
    expect(fieldError(format, "numeroPermis")).toBe("Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis.");
    expect(format.html.querySelector('input[name="numeroPermis"]')?.getAttribute("value")).toBe("12-AB");
  });

  it("refuses a user who has since moved to another département, at step 3", async () => {
    const b = await newUser();
    const { id } = await sentRequest(b);
    const created = await startCorrection(b, await licenceOf(id));
    const draft = created.url.split("/")[2]!;
    expectAt(await b.post(`/demandes/${draft}/etape/1`, { erreurs: ["etat_civil"], description: "Prénom écrit Silvie au lieu de Sylvie.", action: "suivant" }), `/demandes/${draft}/etape/2`);
    expectAt(await b.post(`/demandes/${draft}/etape/2`, { ...STEP2, action: "suivant" }), `/demandes/${draft}/etape/3`);
    const moved = await b.post(`/demandes/${draft}/etape/3`, { ...STEP3, codePostal: "42000", commune: "Saint-Étienne", prefecture: "42218" });
    expect(moved.status).toBe(400);
    expect(fieldError(moved, "commune")).toBe(CORRECTION_REFUSALS.demenagement);
    expectAt(await b.post(`/demandes/${draft}/etape/3`, STEP3), `/demandes/${draft}/etape/5`);
  });
});

describe("correction: the photo and signature are the original request's", { timeout: 120_000 }, () => {
  it("has no step 4, asks the type and the description of the error, and is sent with the original's photo", async () => {
    const b = await newUser();
    const { id, code } = await sentRequest(b);
    const original = await rowOf(id);
    const number = await licenceOf(id);
    const created = await startCorrection(b, ` ${number.toLowerCase()} `);
    expect(created.url).toMatch(/^\/demandes\/[0-9a-f-]{36}\/etape\/1$/);
    const draft = created.url.split("/")[2]!;
    expect((await rowOf(draft)).motif).toBe("correction");
    expect(created.text(".fr-callout__text")).toContain(`Permis n° ${number}, issu de votre demande n° ${original.number}`);
    expect(created.html.querySelector('input[name="numeroPermis"]')).toBeNull();

    const empty = await b.post(`/demandes/${draft}/etape/1`, { action: "suivant" });
    expect(empty.status).toBe(400);
    expect(fieldError(empty, "erreurs")).toBe("Cochez l'erreur constatée sur votre permis.");
    expect(fieldError(empty, "description")).toBe("Décrivez l'erreur constatée : ce qui figure sur le permis et ce qui devrait y figurer.");
    expectAt(await b.post(`/demandes/${draft}/etape/1`, { erreurs: ["etat_civil"], description: "Mon prénom est écrit Silvie au lieu de Sylvie.", action: "suivant" }), `/demandes/${draft}/etape/2`);

    // The état civil and the address of the original request are there, to correct.
    const step2 = await b.get(`/demandes/${draft}/etape/2`);
    expect(step2.html.querySelector('input[name="nomNaissance"]')?.getAttribute("value")).toBe("Dupont");
    expectAt(await b.post(`/demandes/${draft}/etape/2`, { ...STEP2, prenom1: "Sylvie" }), `/demandes/${draft}/etape/3`);
    // Step 3 leads past step 4, which does not exist for a correction.
    const step3 = await b.post(`/demandes/${draft}/etape/3`, STEP3);
    expectAt(step3, `/demandes/${draft}/etape/5`);
    const four = await b.get(`/demandes/${draft}/etape/4`, { follow: false });
    expect(four.status).toBe(303);
    expect(four.headers.location).toBe(`/demandes/${draft}/etape/5`);
    // Posting a photo code to step 4 changes nothing: the code is not taken.
    const otherCode = await photoCode(t);
    await b.post(`/demandes/${draft}/etape/4`, { photoOption: "numerique", codePhoto: otherCode, action: "suivant" });
    const [free] = await t.db.db.select().from(photoCodes).where(eq(photoCodes.code, otherCode));
    expect(free!.requestId).toBeNull();
    // "<< Etape précédente" from step 5 goes back to step 3.
    const back = await b.post(`/demandes/${draft}/etape/5`, { action: "precedent" }, { follow: false });
    expect(back.headers.location).toBe(`/demandes/${draft}/etape/3`);

    await upload(b, draft, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
    await upload(b, draft, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    await upload(b, draft, { piece: "permis" }, { name: "permis.png", type: "image/png", content: PNG });
    expectAt(await b.post(`/demandes/${draft}/etape/5`, { action: "suivant" }), `/demandes/${draft}/etape/6`);
    const recap = await b.get(`/demandes/${draft}/etape/6`);
    expect(recap.text("main")).toContain(`Celles de la demande initiale n° ${original.number}, non modifiables`);
    expect(recap.text("main")).toContain("Mon prénom est écrit Silvie au lieu de Sylvie.");
    expectAt(await b.post(`/demandes/${draft}/envoyer`, { attestation: "oui" }), `/demandes/${draft}/etape/7`);

    const sent = frozenContent(await rowOf(draft))!;
    expect(sent.photo).toEqual({ option: "reprise", demandeInitiale: original.number });
    expect(sent.step1?.correction).toMatchObject({ numeroPermis: number, demandeInitiale: original.number, erreurs: ["etat_civil"] });
    // The original's code stays the original's (used once, by it).
    const [used] = await t.db.db.select().from(photoCodes).where(eq(photoCodes.code, code));
    expect(used!.requestId).toBe(id);
  });
});
