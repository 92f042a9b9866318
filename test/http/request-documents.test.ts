import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoCodes, requestDocuments, requests } from "../../src/db/schema.ts";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, fieldError, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, photoCode, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload, type UploadPage } from "../helpers/requests.ts";

/** Step 5 — Pièces justificatives: uploads, their checks, viewing and removing them; deleting a draft. */

let t: TestApp;
let storageDir: string;
beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), "permis-pieces-"));
  t = await startTestApp({ env: { STORAGE_DIR: storageDir } });
});
afterAll(async () => {
  await t.close();
  await rm(storageDir, { recursive: true, force: true });
});

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const ERRORS = {
  type: "Ce fichier n'est pas accepté : seuls les formats JPG, PNG, BMP, TIFF et PDF le sont (le format est vérifié d'après le contenu du fichier, pas son nom).",
  size: "Ce fichier dépasse 11 Mo. Réduisez sa taille (résolution, compression) et envoyez-le de nouveau.",
  damaged: "Ce fichier est endommagé ou incomplet : il ne peut pas être lu. Enregistrez-le de nouveau et envoyez-le.",
};

let accounts = 0;
async function newUser(): Promise<Browser> {
  accounts++;
  const b = new Browser(t.app, `198.51.100.${accounts}`);
  await createActiveAccount(t, b, { email: `pieces-${accounts}@example.fr` });
  return b;
}

/** Every upload is answered with a 303 to step 5 (POST/redirect/GET), which shows its outcome. */
function expectRedirected(page: UploadPage, id: string) {
  expect(page.answer.status).toBe(303);
  expect(page.answer.location).toBe(`/demandes/${id}/etape/5`);
  expect(page.status).toBe(200);
  expect(page.url).toBe(`/demandes/${id}/etape/5`);
}

function expectAt(page: Page, url: string) {
  expect(summaryErrors(page)).toEqual([]);
  expect(page.url).toBe(url);
}

/** A perte draft of a new account with steps 1 to 4 done (classic photo unless a code is given): on step 5. */
async function draftAtStep5(photo: Form = { photoOption: "classique" }): Promise<{ b: Browser; id: string }> {
  const b = await newUser();
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3], [4, { ...photo, action: "suivant" }]] as Array<[number, Form]>) {
    expectAt(await b.post(`/demandes/${id}/etape/${step}`, answers), `/demandes/${id}/etape/${step + 1}`);
  }
  return { b, id };
}

const cni = async (pages = 2) => ({ name: "cni.pdf", type: "application/pdf", content: await pdf(pages) });

async function documentsOf(id: string) {
  return t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, id));
}

/** GET with the browser's session, keeping the body as bytes. */
function download(b: Browser, url: string) {
  return t.app.inject({ method: "GET", url, remoteAddress: b.ip, headers: { cookie: `${SESSION_COOKIE}=${b.cookie(SESSION_COOKIE) ?? ""}` } });
}

/** A Windows executable's first bytes: "MZ", the DOS stub, and the "PE\0\0" header it points to. */
function windowsExecutable(): Buffer {
  const exe = Buffer.alloc(8192);
  exe.write("MZ", 0, "latin1");
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write("This program cannot be run in DOS mode.", 0x4e, "latin1");
  exe.write("PE\0\0", 0x80, "latin1");
  exe.writeUInt16LE(0x8664, 0x84); // x86-64
  return exe;
}

describe("uploading pieces", () => {
  it("accepts a 2-page PDF as the identity piece: « document valide » and « (2 pages / 2 pages maximum) »", async () => {
    const { b, id } = await draftAtStep5();
    const page = await upload(b, id, { piece: "identite" }, await cni(2));
    expectRedirected(page, id);
    expect(page.text(".fr-alert--success")).toBe("« cni.pdf » : document valide.");
    expect(page.text("#title-identite")).toBe("Pièce d'identité (2 pages / 2 pages maximum)");
    const section = page.html.querySelector('section[aria-labelledby="title-identite"]')!;
    expect(section.textContent).toContain("document valide");
    // Full: no more upload form for this piece.
    expect(section.querySelector('input[type="file"]')).toBeNull();
    expect(page.text("#title-domicile")).toBe("Justificatif de domicile (0 page / 5 pages maximum)");
    const [doc] = await documentsOf(id);
    expect(doc).toMatchObject({ piece: "identite", additional: false, pages: 2, mime: "application/pdf", fileName: "cni.pdf" });
  });

  it("refuses a 3-page PDF for the identity piece (2 pages maximum)", async () => {
    const { b, id } = await draftAtStep5();
    const page = await upload(b, id, { piece: "identite" }, await cni(3));
    expectRedirected(page, id);
    const message = "Cette pièce est limitée à 2 pages : ce fichier en compte 3. Envoyez un document plus court.";
    expect(fieldError(page, "piece-identite")).toBe(message);
    expect(summaryErrors(page)).toEqual([message]);
    expect(page.text("#title-identite")).toBe("Pièce d'identité (0 page / 2 pages maximum)");
    expect(await documentsOf(id)).toHaveLength(0);

    // One page deposited, then two more: the message counts what is already there.
    await upload(b, id, { piece: "identite" }, await cni(1));
    const more = await upload(b, id, { piece: "identite" }, await cni(2));
    expectRedirected(more, id);
    expect(fieldError(more, "piece-identite")).toBe(
      "Cette pièce est limitée à 2 pages : ce fichier en compte 2 et 1 page est déjà déposée. Supprimez un fichier ou envoyez un document plus court.",
    );
  });

  it("refuses a renamed executable by its content", async () => {
    const { b, id } = await draftAtStep5();
    const page = await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: windowsExecutable() });
    expectRedirected(page, id);
    expect(fieldError(page, "piece-identite")).toBe(ERRORS.type);
    expect(summaryErrors(page)).toEqual([ERRORS.type]);
    expect(await documentsOf(id)).toHaveLength(0);
  });

  it("refuses a truncated PDF as damaged", async () => {
    const { b, id } = await draftAtStep5();
    const whole = await pdf(2);
    const page = await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: whole.subarray(0, whole.length - 400) });
    expectRedirected(page, id);
    expect(fieldError(page, "piece-identite")).toBe(ERRORS.damaged);
    expect(await documentsOf(id)).toHaveLength(0);
  });

  it("refuses a 12 Mo file, closing the connection, and keeps nothing of it", async () => {
    const { b, id } = await draftAtStep5();
    const big = Buffer.alloc(12 * 1024 * 1024, 0x20);
    big.write("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", 0, "latin1");
    const page = await upload(b, id, { piece: "domicile" }, { name: "releve.pdf", type: "application/pdf", content: big });
    expectRedirected(page, id);
    // The rest of the oversized upload is not read.
    expect(page.answer.connection).toBe("close");
    expect(fieldError(page, "piece-domicile")).toBe(ERRORS.size);
    expect(summaryErrors(page)).toEqual([ERRORS.size]);
    expect(await documentsOf(id)).toHaveLength(0);
    const stored = await readdir(join(storageDir, "documents", id)).catch(() => []);
    expect(stored.filter((name) => !name.startsWith("."))).toEqual([]);
  });

  it("answers with the page's message when the upload is not multipart", async () => {
    const { b, id } = await draftAtStep5();
    const answer = await b.post(`/demandes/${id}/pieces`, { piece: "identite", fichier: "cni.pdf" }, { follow: false });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(`/demandes/${id}/etape/5`);
    const page = await b.get(`/demandes/${id}/etape/5`);
    const message = "Le fichier doit être envoyé avec le formulaire de la page (format multipart/form-data).";
    expect(summaryErrors(page)).toEqual([message]);
    expect(fieldError(page, "upload-additional")).toBe(message);
    expect(await documentsOf(id)).toHaveLength(0);
  });

  it("refuses an upload without the CSRF token (403)", async () => {
    const { b, id } = await draftAtStep5();
    const page = await upload(b, id, { piece: "identite" }, await cni(1), { csrf: false });
    expect(page.status).toBe(403);
    expect(page.text("h1")).toBe("Formulaire expiré");
    const forged = await upload(b, id, { piece: "identite" }, await cni(1), { csrf: "forged-token" });
    expect(forged.status).toBe(403);
    expect(await documentsOf(id)).toHaveLength(0);
  });

  it("refuses a piece the request does not need, unless added as a complementary piece", async () => {
    const { b, id } = await draftAtStep5();
    const page = await upload(b, id, { piece: "declaration_vol" }, await cni(1));
    expectRedirected(page, id);
    expect(summaryErrors(page)).toEqual(["Cette pièce n'est pas demandée pour votre demande : ajoutez-la comme pièce complémentaire."]);
    const stampPiece = await upload(b, id, { piece: "timbre" }, await cni(1));
    expectRedirected(stampPiece, id);
    expect(summaryErrors(stampPiece)).toEqual(["Choisissez le type de la pièce."]);
    expect(await documentsOf(id)).toHaveLength(0);
    const extra = await upload(b, id, { additional: "oui", piece: "declaration_vol" }, await cni(1));
    expectRedirected(extra, id);
    expect(extra.text("#title-additional")).toBe("Pièces complémentaires");
    expect(extra.html.querySelector('section[aria-labelledby="title-additional"]')!.textContent).toContain("Déclaration de vol : cni.pdf");
  });

  it("takes up to 5 complementary pieces, then refuses the 6th", async () => {
    const { b, id } = await draftAtStep5();
    for (let i = 1; i <= 5; i++) {
      const page = await upload(b, id, { additional: "oui", piece: "jdc" }, { name: `piece-${i}.png`, type: "image/png", content: PNG });
      expectRedirected(page, id);
      expect(page.text(".fr-alert--success")).toBe(`« piece-${i}.png » : document valide.`);
    }
    const full = await b.get(`/demandes/${id}/etape/5`);
    expect(full.html.querySelector("#upload-additional")).toBeNull();
    const sixth = await upload(b, id, { additional: "oui", piece: "jdc" }, { name: "piece-6.png", type: "image/png", content: PNG });
    expectRedirected(sixth, id);
    expect(summaryErrors(sixth)).toEqual(["Vous avez déjà ajouté 5 pièces complémentaires : supprimez-en une pour en ajouter une autre."]);
    const docs = await documentsOf(id);
    expect(docs).toHaveLength(5);
    expect(docs.every((d) => d.additional)).toBe(true);
  });
});

describe("concurrent uploads", () => {
  // Uploads to one draft take turns (row lock): three 2-page PDFs sent at once for the identity
  // piece (2 pages maximum): one accepted, the others refused with the page-limit message.
  it("keeps the page limit when several files are sent at once for one piece", async () => {
    const { b, id } = await draftAtStep5();
    const twoPages = await pdf(2);
    const pages = await Promise.all([1, 2, 3].map(() => upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: twoPages })));
    for (const page of pages) expectRedirected(page, id);
    const docs = (await documentsOf(id)).filter((d) => d.piece === "identite");
    expect(docs.reduce((sum, d) => sum + d.pages, 0)).toBeLessThanOrEqual(2);
    // One accepted (the outcomes are told by the session's flash, which concurrent answers share: counted in the database).
    expect(docs).toHaveLength(1);
  });

  // The same for the 5 complementary pieces: with 4 already there, one of three sent at once is accepted.
  it("keeps at most 5 complementary pieces when several are sent at once", async () => {
    const { b, id } = await draftAtStep5();
    for (let i = 1; i <= 4; i++) await upload(b, id, { additional: "oui", piece: "jdc" }, { name: `piece-${i}.png`, type: "image/png", content: PNG });
    await Promise.all([5, 6, 7].map((i) => upload(b, id, { additional: "oui", piece: "jdc" }, { name: `piece-${i}.png`, type: "image/png", content: PNG })));
    expect((await documentsOf(id)).filter((d) => d.additional).length).toBeLessThanOrEqual(5);
  });
});

describe("viewing and removing pieces", () => {
  it("serves a piece as uploaded, with the type detected from its content", async () => {
    const { b, id } = await draftAtStep5();
    const identity = await pdf(2);
    await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: identity });
    // A PNG sent under a PDF name and type: served as what it is.
    const page = await upload(b, id, { piece: "domicile" }, { name: "facture.pdf", type: "application/pdf", content: PNG });
    expect(page.text(".fr-alert--success")).toBe("« facture.png » : document valide.");
    const links = page.html.querySelectorAll(`a[href^="/demandes/${id}/pieces/"]`).map((a) => a.getAttribute("href")!);
    expect(links).toHaveLength(2);

    const pdfResponse = await download(b, links[0]!);
    expect(pdfResponse.statusCode).toBe(200);
    expect(pdfResponse.headers["content-type"]).toBe("application/pdf");
    expect(pdfResponse.headers["content-disposition"]).toBe('inline; filename="cni.pdf"');
    expect(Buffer.compare(pdfResponse.rawPayload, identity)).toBe(0);

    const pngResponse = await download(b, links[1]!);
    expect(pngResponse.statusCode).toBe(200);
    expect(pngResponse.headers["content-type"]).toBe("image/png");
    expect(Buffer.compare(pngResponse.rawPayload, PNG)).toBe(0);

    // What is stored is encrypted, not the file itself.
    const [doc] = (await documentsOf(id)).filter((d) => d.piece === "identite");
    const onDisk = await readdir(join(storageDir, "documents", id));
    expect(onDisk).toContain(doc!.storageKey.split("/").pop());
  });

  it("removes a piece: its row, its stored file, and its pages from the count", async () => {
    const { b, id } = await draftAtStep5();
    await upload(b, id, { piece: "identite" }, await cni(2));
    const [doc] = await documentsOf(id);
    const page = await b.post(`/demandes/${id}/pieces/${doc!.id}/supprimer`, {});
    expect(page.status).toBe(200);
    expect(page.url).toBe(`/demandes/${id}/etape/5`);
    expect(page.text(".fr-alert--success")).toBe("Le fichier a été supprimé.");
    expect(page.text("#title-identite")).toBe("Pièce d'identité (0 page / 2 pages maximum)");
    expect(await documentsOf(id)).toHaveLength(0);
    await expect(t.services.storage.get(doc!.storageKey, { iv: doc!.iv, tag: doc!.tag })).rejects.toThrow();
    expect((await download(b, `/demandes/${id}/pieces/${doc!.id}`)).statusCode).toBe(404);
    expect((await b.post(`/demandes/${id}/pieces/${doc!.id}/supprimer`, {})).status).toBe(404);
  });
});

describe("step 5: checking the pieces", () => {
  it("lists every missing piece and the missing stamp", async () => {
    const { b, id } = await draftAtStep5();
    const page = await b.post(`/demandes/${id}/etape/5`, { action: "suivant" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toEqual([
      "Ajoutez la pièce « Pièce d'identité ».",
      "Ajoutez la pièce « Justificatif de domicile ».",
      "Saisissez le numéro du timbre fiscal électronique (16 chiffres).",
    ]);
    expect(fieldError(page, "numeroTimbre")).toBe("Saisissez le numéro du timbre fiscal électronique (16 chiffres).");
    expect((await b.get(`/demandes/${id}/etape/6`, { follow: false })).headers.location).toBe(`/demandes/${id}/etape/5`);

    await upload(b, id, { piece: "identite" }, await cni(1));
    const half = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" });
    expect(summaryErrors(half)).toEqual(["Ajoutez la pièce « Justificatif de domicile »."]);
  });

  it("refuses an unknown stamp and a 15-digit one, keeping the number typed", async () => {
    const { b, id } = await draftAtStep5();
    await upload(b, id, { piece: "identite" }, await cni(1));
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    const unknown = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: "1234 5678 9012 3456", action: "suivant" });
    expect(unknown.status).toBe(400);
    expect(fieldError(unknown, "numeroTimbre")).toBe("Ce numéro de timbre fiscal électronique est inconnu : vérifiez les 16 chiffres.");
    expect(summaryErrors(unknown)).toEqual(["Ce numéro de timbre fiscal électronique est inconnu : vérifiez les 16 chiffres."]);
    expect(unknown.html.querySelector('input[name="numeroTimbre"]')?.getAttribute("value")).toBe("1234 5678 9012 3456");

    const short = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: "123456789012345", action: "suivant" });
    expect(short.status).toBe(400);
    expect(fieldError(short, "numeroTimbre")).toBe("Le numéro du timbre fiscal électronique comporte 16 chiffres, sans lettre.");
    expect(short.html.querySelector('input[name="numeroTimbre"]')?.getAttribute("value")).toBe("123456789012345");

    expectAt(await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" }), `/demandes/${id}/etape/6`);
  });
});

describe("deleting a draft", () => {
  it("asks for confirmation, then removes the request, its pieces and their files, and frees its photo code", async () => {
    const code = await photoCode(t);
    const { b, id } = await draftAtStep5({ photoOption: "numerique", codePhoto: code });
    await upload(b, id, { piece: "identite" }, await cni(2));
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    await upload(b, id, { additional: "oui", piece: "jdc" }, { name: "jdc.png", type: "image/png", content: PNG });
    const docs = await documentsOf(id);
    expect(docs).toHaveLength(3);
    expect((await readdir(join(storageDir, "documents", id))).filter((n) => !n.startsWith("."))).toHaveLength(3);

    const confirm = await b.get(`/demandes/${id}/supprimer`);
    expect(confirm.status).toBe(200);
    expect(confirm.text("h1")).toBe("Supprimer le brouillon");
    expect(confirm.text(".fr-alert--warning")).toContain("La demande du titre est effectuée à la suite de la perte du précédent titre.");
    // The confirmation page alone deletes nothing.
    expect(await documentsOf(id)).toHaveLength(3);

    const home = await b.post(`/demandes/${id}/supprimer`, {});
    expect(home.url).toBe("/mon-espace");
    expect(home.text(".fr-alert--success")).toBe("Le brouillon a été supprimé.");
    expect(home.text("#requests-table tbody")).toBe("Aucune demande à afficher");
    expect(await t.db.db.select().from(requests).where(eq(requests.id, id))).toEqual([]);
    expect(await documentsOf(id)).toEqual([]);
    for (const d of docs) await expect(t.services.storage.get(d.storageKey, { iv: d.iv, tag: d.tag })).rejects.toThrow();
    expect((await readdir(join(storageDir, "documents", id)).catch(() => [])).filter((n) => !n.startsWith("."))).toEqual([]);
    expect((await b.get(`/demandes/${id}`)).status).toBe(404);
    expect((await b.get(`/demandes/${id}/pieces/${docs[0]!.id}`)).status).toBe(404);
    const [held] = await t.db.db.select().from(photoCodes).where(eq(photoCodes.code, code));
    expect(held!.requestId).toBeNull();

    // The code serves another draft now.
    const other = await draftAtStep5({ photoOption: "numerique", codePhoto: code });
    const [taken] = await t.db.db.select().from(photoCodes).where(eq(photoCodes.code, code));
    expect(taken!.requestId).toBe(other.id);
  });
});
