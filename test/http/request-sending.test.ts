import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fiscalStamps, requests } from "../../src/db/schema.ts";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/** Steps 6 and 7: sending, the stamp used once, the confirmation mail, the request in the account, its PDFs. */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const STAMP_USED = "Ce timbre fiscal électronique a déjà été utilisé : un timbre ne sert qu'une fois.";

let accounts = 0;
async function newUser(): Promise<{ b: Browser; email: string }> {
  accounts++;
  const email = `envoi-${accounts}@example.fr`;
  const b = new Browser(t.app, `198.51.100.${accounts}`);
  await createActiveAccount(t, b, { email });
  return { b, email };
}

function expectAt(page: Page, url: string) {
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(url);
}

interface DraftOptions {
  choice?: Form;
  step3?: Form;
  photo?: Form;
}

/** A perte draft with steps 1 to 4 done: on step 5. */
async function draftAtStep5(b: Browser, o: DraftOptions = {}): Promise<string> {
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", o.choice ?? PERTE)).url.split("/")[2]!;
  const steps: Array<[number, Form]> = [
    [1, STEP1_PERTE],
    [2, STEP2],
    [3, o.step3 ?? STEP3],
    [4, { ...(o.photo ?? { photoOption: "classique" }), action: "suivant" }],
  ];
  for (const [step, answers] of steps) expectAt(await b.post(`/demandes/${id}/etape/${step}`, answers), `/demandes/${id}/etape/${step + 1}`);
  await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
  await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  return id;
}

/** Steps 5 and 6, then sending: returns the step-7 page. */
async function send(b: Browser, id: string, numeroTimbre: string): Promise<Page> {
  expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre, action: "suivant" }), `/demandes/${id}/etape/6`);
  const page = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
  expectAt(page, `/demandes/${id}/etape/7`);
  return page;
}

function download(b: Browser, url: string) {
  return t.app.inject({ method: "GET", url, remoteAddress: b.ip, headers: { cookie: `${SESSION_COOKIE}=${b.cookie(SESSION_COOKIE) ?? ""}` } });
}

async function numberOf(id: string): Promise<string> {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row!.number!;
}

describe("sending a request", () => {
  it("asks for the sworn statement before sending", async () => {
    const { b } = await newUser();
    const id = await draftAtStep5(b);
    expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${id}/etape/6`);
    const page = await b.post(`/demandes/${id}/envoyer`, {});
    expect(page.status).toBe(400);
    const message = "Cochez la case pour attester sur l'honneur que les informations fournies sont exactes.";
    expect(fieldError(page, "attestation")).toBe(message);
    expect(summaryErrors(page)).toEqual([message]);
    const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
    expect(row!.state).toBe("brouillon");
  });

  it("mails the confirmation to the step-3 address, lists the request with its number and « Consulter », and closes steps 1 to 6", async () => {
    const { b, email } = await newUser();
    const contact = "sylvie.contact@example.fr";
    const id = await draftAtStep5(b, { step3: { ...STEP3, email: contact } });
    const seven = await send(b, id, await stamp(t));
    const number = await numberOf(id);
    expect(number).toMatch(/^PC-\d{4}-\d{7}$/);
    expect(seven.text(".fr-alert--success")).toContain(`Numéro de demande : ${number}. Une confirmation vient d'être envoyée par mél à ${contact}.`);

    const mails = await t.mailsTo(contact);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(new RegExp(`^Votre demande n° ${number} a bien été envoyée`));
    expect(mails[0]!.bodyText).toContain("La demande du titre est effectuée à la suite de la perte du précédent titre.");
    expect(mails[0]!.bodyText).toContain(`/demandes/${id}`);
    expect((await t.mailsTo(email)).some((m) => m.subject.includes(number))).toBe(false);

    const home = await b.get("/mon-espace");
    const line = home.html.querySelectorAll("#requests-table tbody tr").find((tr) => tr.textContent.includes(number));
    expect(line).toBeDefined();
    const cells = line!.querySelectorAll("td").map((td) => td.textContent.replace(/\s+/g, " ").trim());
    expect(cells[0]).toBe("Sylvie");
    expect(cells[1]).toBe("DUPONT");
    expect(cells[2]).toBe(number);
    expect(cells[5]).toBe("Envoyée");
    expect(line!.querySelectorAll("a").map((a) => [a.textContent.trim(), a.getAttribute("href")])).toEqual([["Consulter", `/demandes/${id}`]]);
    expect(home.text("#notifications-title + ul")).toContain(`Votre demande n° ${number} a été envoyée à l'administration.`);

    const consult = await b.get(`/demandes/${id}`);
    expect(consult.status).toBe(200);
    expect(consult.text("h1")).toBe(`Demande n° ${number}`);
    expect(consult.text(".fr-badge")).toBe("Envoyée");

    for (const step of [1, 2, 3, 4, 5, 6]) {
      const page = await b.get(`/demandes/${id}/etape/${step}`, { follow: false });
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe(`/demandes/${id}`);
    }
    expect((await b.get(`/demandes/${id}/etape/7`)).status).toBe(200);
    // A sent request can no longer be changed, resumed, deleted or sent again.
    expect((await b.post(`/demandes/${id}/etape/2`, { ...STEP2, nomNaissance: "Autre" })).status).toBe(404);
    expect((await b.get(`/demandes/${id}/reprendre`)).status).toBe(404);
    expect((await b.get(`/demandes/${id}/supprimer`)).status).toBe(404);
    expect((await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" })).status).toBe(404);
    expect(await t.mailsTo(contact)).toHaveLength(1);
  });

  it("mails a request made for someone else to that person's address, and the filer a confirmation of recording", async () => {
    const { b, email } = await newUser();
    const third = "voisine.sans.internet@example.fr";
    const id = await draftAtStep5(b, { choice: { ...PERTE, beneficiaire: "tiers" }, step3: { ...STEP3, email: third } });
    const seven = await send(b, id, await stamp(t));
    const number = await numberOf(id);
    expect(seven.text(".fr-alert--success")).toContain(`envoyée par mél à ${third}`);
    const mails = await t.mailsTo(third);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(new RegExp(`^Votre demande n° ${number} a bien été envoyée`));
    // The account that filed it gets its own confirmation of recording (seed 002), not the person's mail.
    const filer = (await t.mailsTo(email)).filter((m) => m.subject.includes(number));
    expect(filer.map((m) => m.subject)).toEqual([`La demande n° ${number} a bien été enregistrée — Permis de conduire`]);
    expect((await b.get(`/demandes/${id}`)).text("main")).toContain("pour une autre personne (qui n'a pas accès à internet, par exemple)");
  });

  it("consumes the stamp: another draft cannot use it any more", async () => {
    const first = await newUser();
    const numero = await stamp(t);
    const firstId = await draftAtStep5(first.b);
    await send(first.b, firstId, numero);
    const [used] = await t.db.db.select().from(fiscalStamps).where(eq(fiscalStamps.number, numero));
    expect(used!.usedAt).not.toBeNull();
    expect(used!.requestId).toBe(firstId);

    const second = await newUser();
    const secondId = await draftAtStep5(second.b);
    const page = await second.b.post(`/demandes/${secondId}/etape/5`, { numeroTimbre: numero, action: "suivant" });
    expect(page.status).toBe(400);
    expect(fieldError(page, "numeroTimbre")).toBe(STAMP_USED);
    expect(summaryErrors(page)).toEqual([STAMP_USED]);
    expect(page.html.querySelector('input[name="numeroTimbre"]')?.getAttribute("value")).toBe(numero);
    expect((await second.b.get(`/demandes/${secondId}/etape/6`, { follow: false })).headers.location).toBe(`/demandes/${secondId}/etape/5`);
  });

  // A stamp entered in two drafts and consumed by the first one sent: sending the second shows
  // step 5 with the stamp's "déjà été utilisé" message.
  it("tells why a request cannot be sent when its stamp was used meanwhile", async () => {
    const numero = await stamp(t);
    const first = await newUser();
    const second = await newUser();
    const firstId = await draftAtStep5(first.b);
    const secondId = await draftAtStep5(second.b);
    expectAt(await second.b.post(`/demandes/${secondId}/etape/5`, { numeroTimbre: numero, action: "suivant" }), `/demandes/${secondId}/etape/6`);
    await send(first.b, firstId, numero);
    const page = await second.b.post(`/demandes/${secondId}/envoyer`, { attestation: "oui" });
    expect(page.status).toBe(409);
    expect(page.url).toBe(`/demandes/${secondId}/envoyer`);
    expect(page.text(".fr-stepper__title")).toContain("Pièces justificatives");
    expect(fieldError(page, "numeroTimbre")).toBe(STAMP_USED);
  });
});

describe("the PDFs of a sent request", () => {
  it("gives the récépissé and, for a classic photo, the deposit form, the same bytes each time", async () => {
    const { b } = await newUser();
    const id = await draftAtStep5(b);
    const seven = await send(b, id, await stamp(t));
    const number = await numberOf(id);
    expect(seven.html.querySelector(`a[href="/demandes/${id}/recepisse.pdf"]`)).not.toBeNull();
    expect(seven.html.querySelector(`a[href="/demandes/${id}/formulaire-photo.pdf"]`)).not.toBeNull();
    expect(seven.text(".fr-callout")).toContain("53102 MAYENNE CEDEX");
    for (const [name, file] of [
      ["recepisse", "recepisse.pdf"],
      ["formulaire-photo", "formulaire-photo.pdf"],
    ]) {
      const one = await download(b, `/demandes/${id}/${file}`);
      const two = await download(b, `/demandes/${id}/${file}`);
      expect(one.statusCode).toBe(200);
      expect(one.headers["content-type"]).toBe("application/pdf");
      expect(one.headers["content-disposition"]).toBe(`attachment; filename="${name}-${number}.pdf"`);
      expect(one.rawPayload.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(two.statusCode).toBe(200);
      expect(Buffer.compare(one.rawPayload, two.rawPayload)).toBe(0);
    }
  });

  it("has no deposit form for a digital photo, and no PDF before sending", async () => {
    const { b } = await newUser();
    const code = await photoCode(t);
    const id = await draftAtStep5(b, { photo: { photoOption: "numerique", codePhoto: code } });
    expect((await download(b, `/demandes/${id}/recepisse.pdf`)).statusCode).toBe(404);
    const seven = await send(b, id, await stamp(t));
    expect(seven.html.querySelector(`a[href="/demandes/${id}/formulaire-photo.pdf"]`)).toBeNull();
    const receipt = await download(b, `/demandes/${id}/recepisse.pdf`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers["content-type"]).toBe("application/pdf");
    const form = await b.get(`/demandes/${id}/formulaire-photo.pdf`);
    expect(form.status).toBe(404);
    expect(form.text("h1")).toBe("Page non trouvée");
  });
});
