import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoCodes } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { ManualClock } from "../helpers/clock.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/** Step 4 — Photo / Signature: the 22-digit code, valid 6 months, usable once. */

const clock = new ManualClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

const DAY = 24 * 60 * 60 * 1000;
const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const MESSAGES = {
  unknown: "Ce code photo signature numérique est inconnu : vérifiez les 22 chiffres figurant sur la planche remise par le photographe ou la cabine.",
  expired: "Ce code photo signature numérique a expiré : il était valable 6 mois. Faites une nouvelle photo chez un photographe ou dans une cabine agréés.",
  used: "Ce code photo signature numérique a déjà été utilisé pour une autre demande : un code ne sert qu'une seule fois.",
};

let accounts = 0;
async function newUser(): Promise<Browser> {
  accounts++;
  const b = new Browser(t.app, `198.51.100.${accounts}`);
  await createActiveAccount(t, b, { email: `photo-${accounts}@example.fr` });
  return b;
}

function expectAt(page: Page, url: string) {
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(url);
}

/** A perte draft of a new account, with steps 1 to 3 filled in: the browser is on step 4. */
async function draftAtStep4(): Promise<{ b: Browser; id: string }> {
  const b = await newUser();
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3]] as Array<[number, Form]>) {
    expectAt(await b.post(`/demandes/${id}/etape/${step}`, answers), `/demandes/${id}/etape/${step + 1}`);
  }
  return { b, id };
}

/** Step 5 and 6 of a draft whose step 4 is done: pieces, stamp, then sending. */
async function finishAndSend(b: Browser, id: string) {
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${id}/etape/6`);
  expectAt(await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" }), `/demandes/${id}/etape/7`);
}

const postCode = (b: Browser, id: string, code: string, action = "suivant") => b.post(`/demandes/${id}/etape/4`, { photoOption: "numerique", codePhoto: code, action });
const inputValue = (page: Page, name: string) => page.html.querySelector(`input[name="${name}"]`)?.getAttribute("value");
const checkedOption = (page: Page) => page.html.querySelector('input[name="photoOption"][checked]')?.getAttribute("value");

async function holderOf(code: string) {
  const [row] = await t.db.db.select().from(photoCodes).where(eq(photoCodes.code, code));
  return row;
}

describe("step 4: the photo code", () => {
  it("says how many digits were typed, and keeps the code and the option", async () => {
    const { b, id } = await draftAtStep4();
    const code21 = "123456789012345678901";
    const page = await postCode(b, id, code21);
    expect(page.status).toBe(400);
    expect(page.url).toBe(`/demandes/${id}/etape/4`);
    expect(fieldError(page, "codePhoto")).toBe("Le code photo signature numérique comporte 22 chiffres : vous en avez saisi 21.");
    expect(summaryErrors(page)).toEqual(["Le code photo signature numérique comporte 22 chiffres : vous en avez saisi 21."]);
    expect(inputValue(page, "codePhoto")).toBe(code21);
    expect(checkedOption(page)).toBe("numerique");

    const letters = await postCode(b, id, "12345678901234567890AB");
    expect(fieldError(letters, "codePhoto")).toBe("Le code photo signature numérique ne comporte que des chiffres.");
    const empty = await postCode(b, id, "");
    expect(fieldError(empty, "codePhoto")).toBe("Saisissez le code photo signature numérique (22 chiffres).");
    const none = await b.post(`/demandes/${id}/etape/4`, { action: "suivant" });
    expect(none.status).toBe(400);
    expect(fieldError(none, "photoOption")).toBe("Choisissez l'une des options pour la photo et la signature.");
  });

  it("refuses an unknown code", async () => {
    const { b, id } = await draftAtStep4();
    const page = await postCode(b, id, "1".repeat(22));
    expect(page.status).toBe(400);
    expect(fieldError(page, "codePhoto")).toBe(MESSAGES.unknown);
    expect(summaryErrors(page)).toEqual([MESSAGES.unknown]);
    expect(inputValue(page, "codePhoto")).toBe("1".repeat(22));
  });

  it("accepts a valid code typed with spaces, and then opens step 5", async () => {
    const { b, id } = await draftAtStep4();
    const code = await photoCode(t);
    const spaced = code.replace(/(\d{4})(?=\d)/g, "$1 ");
    expectAt(await postCode(b, id, spaced), `/demandes/${id}/etape/5`);
    expect((await holderOf(code))?.requestId).toBe(id);
  });

  it("refuses a code more than 6 months old", async () => {
    const { b, id } = await draftAtStep4();
    const code = await photoCode(t);
    const sevenMonths = 7 * 31 * DAY;
    clock.advance(sevenMonths);
    try {
      const page = await postCode(b, id, code);
      expect(page.status).toBe(400);
      expect(fieldError(page, "codePhoto")).toBe(MESSAGES.expired);
      expect(summaryErrors(page)).toEqual([MESSAGES.expired]);
      expect((await holderOf(code))?.requestId).toBeNull();
    } finally {
      clock.advance(-sevenMonths);
    }
    // Five months and a half later, it was still good.
    clock.advance(170 * DAY);
    try {
      expectAt(await postCode(b, id, code), `/demandes/${id}/etape/5`);
    } finally {
      clock.advance(-170 * DAY);
    }
  });

  it("refuses a code used by another account's sent request", async () => {
    const first = await draftAtStep4();
    const code = await photoCode(t);
    expectAt(await postCode(first.b, first.id, code), `/demandes/${first.id}/etape/5`);
    await finishAndSend(first.b, first.id);
    expect((await holderOf(code))?.usedAt).not.toBeNull();

    const second = await draftAtStep4();
    const page = await postCode(second.b, second.id, code);
    expect(page.status).toBe(400);
    expect(fieldError(page, "codePhoto")).toBe(MESSAGES.used);
    expect(summaryErrors(page)).toEqual([MESSAGES.used]);
    expect(inputValue(page, "codePhoto")).toBe(code);
    expect((await holderOf(code))?.requestId).toBe(first.id);
  });

  it("refuses a code held by another draft, until that draft chooses a classic photo", async () => {
    const holder = await draftAtStep4();
    const code = await photoCode(t);
    expectAt(await postCode(holder.b, holder.id, code), `/demandes/${holder.id}/etape/5`);

    const other = await draftAtStep4();
    const refused = await postCode(other.b, other.id, code);
    expect(refused.status).toBe(400);
    expect(fieldError(refused, "codePhoto")).toBe(MESSAGES.used);
    // The holder's step 5 is still open: the refusal took nothing from it.
    expect((await holder.b.get(`/demandes/${holder.id}/etape/5`)).url).toBe(`/demandes/${holder.id}/etape/5`);

    await holder.b.get(`/demandes/${holder.id}/etape/4`);
    expectAt(await holder.b.post(`/demandes/${holder.id}/etape/4`, { photoOption: "classique", action: "suivant" }), `/demandes/${holder.id}/etape/5`);
    expect((await holderOf(code))?.requestId).toBeNull();
    expectAt(await postCode(other.b, other.id, code), `/demandes/${other.id}/etape/5`);
    expect((await holderOf(code))?.requestId).toBe(other.id);
  });

  it("blocks « Je ne dispose pas encore de photo » with a message pointing to approved photographers", async () => {
    const { b, id } = await draftAtStep4();
    const page = await b.post(`/demandes/${id}/etape/4`, { photoOption: "aucune", action: "suivant" });
    expect(page.status).toBe(400);
    const message =
      "Pour continuer, il vous faut une photo et une signature : faites-les chez un photographe ou dans une cabine agréés, puis revenez compléter votre demande avec le code remis.";
    expect(fieldError(page, "photoOption")).toBe(message);
    expect(summaryErrors(page)).toEqual([message]);
    expect(checkedOption(page)).toBe("aucune");
    expect(page.html.querySelector('a[href="/photographes"]')).not.toBeNull();
    expect((await b.get(`/demandes/${id}/etape/5`, { follow: false })).headers.location).toBe(`/demandes/${id}/etape/4`);
  });

  it("gives a code to exactly one of two drafts racing for it", async () => {
    const one = await draftAtStep4();
    const two = await draftAtStep4();
    const code = await photoCode(t);
    const pages = await Promise.all([postCode(one.b, one.id, code), postCode(two.b, two.id, code)]);
    const winners = pages.filter((p) => p.url.endsWith("/etape/5"));
    const losers = pages.filter((p) => p.url.endsWith("/etape/4"));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.status).toBe(400);
    expect(fieldError(losers[0]!, "codePhoto")).toBe(MESSAGES.used);
    expect(losers[0]!.text("#error-summary")).toContain("déjà été utilisé");
    const winnerId = pages[0] === winners[0] ? one.id : two.id;
    expect((await holderOf(code))?.requestId).toBe(winnerId);
  });

  // A code saved with "Enregistrer" is taken at once; a free code is never reported as used.
  it("never calls a free code « déjà été utilisé » when it was only saved with « Enregistrer »", async () => {
    const { b, id } = await draftAtStep4();
    const first = await photoCode(t);
    expectAt(await postCode(b, id, first), `/demandes/${id}/etape/5`);
    const second = await photoCode(t);
    await b.get(`/demandes/${id}/etape/4`);
    const saved = await postCode(b, id, second, "enregistrer");
    expect(saved.status).toBe(200);
    await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${id}/etape/6`);
    const sent = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
    expect(sent.text("#error-summary")).not.toContain("déjà été utilisé");
    expect(sent.url).toBe(`/demandes/${id}/etape/7`);
    expect((await holderOf(second))?.usedAt).not.toBeNull();
  });
});
