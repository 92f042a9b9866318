import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDocuments, requests } from "../../src/db/schema.ts";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/** Another account's requests do not exist for you: every page, file and action is a 404. */

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };

let t: TestApp;
let owner: Browser;
let intruder: Browser;
let draftId: string;
let draftDoc: string;
let sentId: string;
let sentDoc: string;
let intruderDraft: string;

function expectAt(page: Page, url: string) {
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(url);
}

async function draftAtStep5(b: Browser): Promise<string> {
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as Array<[number, Form]>) {
    expectAt(await b.post(`/demandes/${id}/etape/${step}`, answers), `/demandes/${id}/etape/${step + 1}`);
  }
  return id;
}

async function docsOf(id: string) {
  return t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, id));
}

async function rowOf(id: string) {
  const [row] = await t.db.db.select().from(requests).where(eq(requests.id, id));
  return row;
}

beforeAll(async () => {
  t = await startTestApp();
  owner = new Browser(t.app, "198.51.100.1");
  await createActiveAccount(t, owner, { email: "proprietaire@example.fr" });
  intruder = new Browser(t.app, "198.51.100.2");
  await createActiveAccount(t, intruder, { email: "curieux@example.fr" });

  draftId = await draftAtStep5(owner);
  await upload(owner, draftId, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
  draftDoc = (await docsOf(draftId))[0]!.id;

  sentId = await draftAtStep5(owner);
  await upload(owner, sentId, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
  await upload(owner, sentId, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
  expectAt(await owner.post(`/demandes/${sentId}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${sentId}/etape/6`);
  expectAt(await owner.post(`/demandes/${sentId}/envoyer`, { attestation: "oui" }), `/demandes/${sentId}/etape/7`);
  sentDoc = (await docsOf(sentId))[0]!.id;

  intruderDraft = await draftAtStep5(intruder);
});
afterAll(() => t.close());

function expectNotFound(page: Page) {
  expect(page.status).toBe(404);
  expect(page.text("h1")).toBe("Page non trouvée");
}

describe("another account's requests", () => {
  it("the owner reaches them (the reference for what follows)", async () => {
    expect((await owner.get(`/demandes/${draftId}`)).status).toBe(200);
    expect((await owner.get(`/demandes/${draftId}/etape/5`)).status).toBe(200);
    expect((await owner.get(`/demandes/${draftId}/pieces/${draftDoc}`)).status).toBe(200);
    expect((await owner.get(`/demandes/${sentId}/recepisse.pdf`)).status).toBe(200);
    expect((await owner.get(`/demandes/${sentId}/formulaire-photo.pdf`)).status).toBe(200);
  });

  it("answers 404 to every page, file and PDF of them, as for a request that does not exist", async () => {
    const urls = [
      `/demandes/${draftId}`,
      ...[1, 2, 3, 4, 5, 6, 7].map((step) => `/demandes/${draftId}/etape/${step}`),
      `/demandes/${draftId}/reprendre`,
      `/demandes/${draftId}/supprimer`,
      `/demandes/${draftId}/pieces/${draftDoc}`,
      `/demandes/${sentId}`,
      `/demandes/${sentId}/etape/1`,
      `/demandes/${sentId}/etape/7`,
      `/demandes/${sentId}/pieces/${sentDoc}`,
      `/demandes/${sentId}/recepisse.pdf`,
      `/demandes/${sentId}/formulaire-photo.pdf`,
    ];
    const nowhere = await intruder.get(`/demandes/${randomUUID()}`);
    expectNotFound(nowhere);
    for (const url of urls) {
      const page = await intruder.get(url);
      expectNotFound(page);
      expect(page.body).not.toContain("DUPONT");
      expect(page.body).not.toMatch(/cni\.pdf|PC-\d{4}/);
    }
  });

  it("does not serve their files through one's own request either", async () => {
    expectNotFound(await intruder.get(`/demandes/${intruderDraft}/pieces/${draftDoc}`));
    const response = await t.app.inject({
      method: "GET",
      url: `/demandes/${intruderDraft}/pieces/${sentDoc}`,
      remoteAddress: intruder.ip,
      headers: { cookie: `${SESSION_COOKIE}=${intruder.cookie(SESSION_COOKIE)}` },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toContain("text/html");
  });

  it("refuses every action on them with 404, and changes nothing", async () => {
    const before = await rowOf(draftId);
    const sentBefore = await rowOf(sentId);
    const docsBefore = await docsOf(draftId);
    await intruder.get(`/demandes/${intruderDraft}/etape/5`); // a CSRF token of the intruder's own session

    for (const step of [1, 2, 3, 4, 5]) {
      expectNotFound(await intruder.post(`/demandes/${draftId}/etape/${step}`, { nomNaissance: "Pirate", nomVoie: "Pirate", photoOption: "classique", numeroTimbre: "0000000000000000", action: "suivant" }));
      expectNotFound(await intruder.post(`/demandes/${draftId}/etape/${step}`, { nomNaissance: "Pirate", action: "enregistrer" }));
    }
    expectNotFound(await upload(intruder, draftId, { piece: "domicile" }, { name: "intrus.png", type: "image/png", content: PNG }));
    expectNotFound(await upload(intruder, draftId, { additional: "oui", piece: "jdc" }, { name: "intrus.png", type: "image/png", content: PNG }));
    expectNotFound(await intruder.post(`/demandes/${draftId}/pieces/${draftDoc}/supprimer`, {}));
    expectNotFound(await intruder.post(`/demandes/${draftId}/supprimer`, {}));
    expectNotFound(await intruder.post(`/demandes/${draftId}/envoyer`, { attestation: "oui" }));
    expectNotFound(await intruder.post(`/demandes/${sentId}/pieces/${sentDoc}/supprimer`, {}));

    const after = await rowOf(draftId);
    expect(after?.state).toBe("brouillon");
    expect(after?.data).toEqual(before!.data);
    expect(after?.updatedAt.getTime()).toBe(before!.updatedAt.getTime());
    expect((await docsOf(draftId)).map((d) => d.id)).toEqual(docsBefore.map((d) => d.id));
    expect(await rowOf(sentId)).toEqual(sentBefore);
    expect(await docsOf(sentId)).toHaveLength(2);
    expect(await docsOf(intruderDraft)).toHaveLength(0);

    // The owner still finds everything as it was.
    const page = await owner.get(`/demandes/${draftId}/etape/5`);
    expect(page.text("#title-identite")).toBe("Pièce d'identité (2 pages / 2 pages maximum)");
    expect(page.text("#title-domicile")).toBe("Justificatif de domicile (0 page / 5 pages maximum)");
    const home = await intruder.get("/mon-espace");
    expect(home.body).not.toContain(draftId);
    expect(home.body).not.toContain(sentId);
  });

  it("sends a signed-out visitor to the sign-in page", async () => {
    const anonymous = new Browser(t.app, "198.51.100.3");
    for (const url of [`/demandes/${draftId}`, `/demandes/${draftId}/etape/1`, `/demandes/${sentId}/recepisse.pdf`, `/demandes/${draftId}/pieces/${draftDoc}`]) {
      const page = await anonymous.get(url, { follow: false });
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe(`/connexion?retour=${encodeURIComponent(url)}`);
    }
  });
});
