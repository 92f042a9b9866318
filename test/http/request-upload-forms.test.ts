import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDocuments, requests } from "../../src/db/schema.ts";
import { SCAN_ADVICE, SCAN_ADVICE_KEEP } from "../../src/services/scan-quality.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { fieldError, summaryErrors, type Page } from "../helpers/client.ts";
import { pdf, stamp, draftAtStep5 as draftAtStep5For, upload } from "../helpers/requests.ts";
import { sampleScan } from "../helpers/scans.ts";

/**
 * Step 5's upload forms (issue 7): one form for the page, so that what is typed is kept
 * whichever button is pressed; the CSRF token in the multipart body, never in the address;
 * every upload answered with a redirect (POST/redirect/GET); the readability advice.
 */

let t: TestApp;
let storageDir: string;
beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), "permis-forms-"));
  t = await startTestApp({ env: { STORAGE_DIR: storageDir } });
});
afterAll(async () => {
  await t.close();
  await rm(storageDir, { recursive: true, force: true });
});

const draftAtStep5 = () => draftAtStep5For(t, "formulaires");

async function documentsOf(id: string) {
  return t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, id));
}

const stampValue = (page: Page) => page.html.querySelector('input[name="numeroTimbre"]')?.getAttribute("value");

describe("step 5 is one form: what is typed is kept whichever button is pressed", () => {
  it("makes every control of step 5 part of one form, its token first (the multipart body starts with it)", async () => {
    const { b, id } = await draftAtStep5();
    const page = await b.get(`/demandes/${id}/etape/5`);
    // No upload form of its own, and no token in any address.
    expect(page.html.querySelectorAll('form[enctype="multipart/form-data"]')).toHaveLength(0);
    expect(page.body).not.toContain("_csrf=");
    const upload = page.html.querySelector("#piece-identite")!;
    expect(upload.getAttribute("form")).toBe("etape-form");
    expect(upload.getAttribute("name")).toBe("fichier-identite");
    const join = page.html.querySelectorAll('button[name="joindre"]').find((button) => button.getAttribute("value") === "identite")!;
    expect(join.getAttribute("formaction")).toBe(`/demandes/${id}/pieces`);
    expect(join.getAttribute("formenctype")).toBe("multipart/form-data");
    expect(join.getAttribute("form")).toBe("etape-form");
    // The stamp field belongs to the same form.
    expect(page.html.querySelector("#etape-form")!.querySelector('input[name="numeroTimbre"]')).not.toBeNull();
    // In document order, the form's first control is its one token.
    const owned = page.html.querySelectorAll("input, select, textarea, button").filter((el) => el.getAttribute("form") === "etape-form" || el.closest("#etape-form") !== null);
    expect(owned[0]!.getAttribute("name")).toBe("_csrf");
    expect(owned.filter((el) => el.getAttribute("name") === "_csrf")).toHaveLength(1);
    // The Enter key submits with the form's first button: "Etape suivante", not a "Supprimer" or "Joindre".
    const firstButton = owned.find((el) => el.tagName === "BUTTON")!;
    expect([firstButton.getAttribute("name"), firstButton.getAttribute("value"), firstButton.getAttribute("formaction")]).toEqual(["action", "suivant", undefined]);
  });

  it("keeps the stamp number typed when « Joindre un fichier » is pressed, and when a file is removed", async () => {
    const { b, id } = await draftAtStep5();
    await b.get(`/demandes/${id}/etape/5`);
    const number = await stamp(t);
    const page = await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) }, { extra: { numeroTimbre: number } });
    expect(page.answer.status).toBe(303);
    expect(page.text(".fr-alert--success")).toBe("« cni.pdf » : document valide.");
    expect(stampValue(page)).toBe(number);

    // Another number typed, then "Supprimer" (a button of the same form): kept too.
    const [doc] = await documentsOf(id);
    const removed = await b.post(`/demandes/${id}/pieces/${doc!.id}/supprimer`, { numeroTimbre: "1234 5678 9012 3456" });
    expect(removed.text(".fr-alert--success")).toBe("Le fichier a été supprimé.");
    expect(stampValue(removed)).toBe("1234 5678 9012 3456");
    expect(await documentsOf(id)).toHaveLength(0);

    // A urlencoded "Enregistrer" sends the file inputs' names: they are not answers.
    const saved = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: number, "fichier-identite": "cni.pdf", action: "enregistrer" });
    expect(stampValue(saved)).toBe(number);
    const [row] = await t.db.db.select({ data: requests.data }).from(requests).where(eq(requests.id, id));
    expect(row!.data.step5).toEqual({ numeroTimbre: number });
  });
});

describe("uploads: control characters in the form's fields", () => {
  it.each([
    ["a NUL in a value", { numeroTimbre: "12\u0000ab" }],
    ["another control character in a value", { numeroTimbre: "12\u0001ab" }],
    ["a NUL in a field's name", { "numero\u0000Timbre": "1234" }],
  ])("refuses %s with the French page (400), keeps none of the fields, and goes on serving", async (_case, extra) => {
    const { b, id } = await draftAtStep5();
    await b.get(`/demandes/${id}/etape/5`);
    const page = await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) }, { extra });
    expect(page.answer.status).toBe(400);
    expect(page.answer.connection).toBe("close");
    expect(page.text("h1")).toBe("Caractères non autorisés");
    const [row] = await t.db.db.select({ data: requests.data }).from(requests).where(eq(requests.id, id));
    expect(row!.data.step5).toBeUndefined();
    // The same browser goes on: the step shows, and a clean upload works.
    expect((await b.get(`/demandes/${id}/etape/5`)).status).toBe(200);
    const clean = await upload(b, id, { piece: "domicile" }, { name: "facture.pdf", type: "application/pdf", content: await pdf(1) }, { extra: { numeroTimbre: "1234" } });
    expect(clean.answer.status).toBe(303);
  });
});

describe("uploads: the token in the body, and a redirect for every outcome", () => {
  it("answers a refused upload with a 303 to step 5, which shows the error once; reloading sends nothing", async () => {
    const { b, id } = await draftAtStep5();
    await b.get(`/demandes/${id}/etape/5`);
    const page = await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(3) });
    expect(page.answer).toMatchObject({ status: 303, location: `/demandes/${id}/etape/5` });
    const message = "Cette pièce est limitée à 2 pages : ce fichier en compte 3. Envoyez un document plus court.";
    expect(fieldError(page, "piece-identite")).toBe(message);
    expect(summaryErrors(page)).toEqual([message]);
    // Reloading the page after the redirect is a GET: no file sent again, the message shown once.
    const reloaded = await b.get(`/demandes/${id}/etape/5`);
    expect(summaryErrors(reloaded)).toEqual([]);
    expect(await documentsOf(id)).toHaveLength(0);
    // The upload's address, opened, leads back to the step (no 404).
    const opened = await b.get(`/demandes/${id}/pieces`, { follow: false });
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe(`/demandes/${id}/etape/5`);
  });

  it("tells which input to fill when « Joindre un fichier » is pressed with no file chosen", async () => {
    const { b, id } = await draftAtStep5();
    await b.get(`/demandes/${id}/etape/5`);
    // As a browser sends an empty file input: a part with an empty file name and no content.
    const boundary = "----formulaire-etape-5";
    const part = (disposition: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n\r\n${value}\r\n`;
    const body =
      part('name="_csrf"', b.lastPage!.csrf!) +
      part('name="fichier-domicile"; filename=""\r\nContent-Type: application/octet-stream', "") +
      part('name="joindre"', "domicile") +
      `--${boundary}--\r\n`;
    const answer = await b.raw("POST", `/demandes/${id}/pieces`, Buffer.from(body), `multipart/form-data; boundary=${boundary}`, false);
    expect(answer.status).toBe(303);
    const page = await b.get(answer.headers.location as string);
    expect(fieldError(page, "piece-domicile")).toBe("Choisissez un fichier à joindre.");
  });

  it("refuses an upload whose token is in the address only (403), and one without token, storing nothing", async () => {
    const { b, id } = await draftAtStep5();
    await b.get(`/demandes/${id}/etape/5`);
    const file = { name: "cni.pdf", type: "application/pdf", content: await pdf(1) };
    const inQuery = await upload(b, id, { piece: "identite" }, file, { tokenInQuery: true });
    expect(inQuery.answer.status).toBe(403);
    expect(inQuery.text("h1")).toBe("Formulaire expiré");
    const without = await upload(b, id, { piece: "identite" }, file, { csrf: false });
    expect(without.answer.status).toBe(403);
    // The token after the file is not read either: it must come first.
    const form = new FormData();
    form.append("fichier-identite", new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
    form.append("_csrf", b.lastPage!.csrf!);
    const encoded = new Response(form);
    const late = await b.raw("POST", `/demandes/${id}/pieces`, Buffer.from(await encoded.arrayBuffer()), encoded.headers.get("content-type")!, false);
    expect(late.status).toBe(403);
    expect(await documentsOf(id)).toHaveLength(0);
    // With the token first in the body, the same file is taken.
    await b.get(`/demandes/${id}/etape/5`);
    expect((await upload(b, id, { piece: "identite" }, file)).answer.status).toBe(303);
    expect(await documentsOf(id)).toHaveLength(1);
  });
});

describe("a readable scan, told at once", () => {
  it("keeps a blurred scan and shows the advice beside the piece; a sharp one gets none", async () => {
    const { b, id } = await draftAtStep5();
    await b.get(`/demandes/${id}/etape/5`);
    const page = await upload(b, id, { piece: "domicile" }, { name: "facture.jpg", type: "image/jpeg", content: await sampleScan("blurred") });
    expect(page.answer.status).toBe(303);
    expect(page.text(".fr-alert--success")).toBe("« facture.jpg » : document valide.");
    const section = page.html.querySelector('section[aria-labelledby="title-domicile"]')!;
    const advice = section.querySelector(".readability")!;
    expect(advice.querySelectorAll("p").map((p) => p.textContent.trim())).toEqual([SCAN_ADVICE.blurred, SCAN_ADVICE_KEEP]);
    expect(advice.textContent).toContain("Ce document semble flou : une photo prise à la lumière du jour, bien à plat, sera plus lisible");
    // Advice, not a refusal: the file is stored, and counts for the piece.
    const [doc] = await documentsOf(id);
    expect(doc).toMatchObject({ piece: "domicile", fileName: "facture.jpg", readability: ["blurred"] });
    expect(page.text("#title-domicile")).toBe("Justificatif de domicile (1 page / 5 pages maximum)");
    expect(summaryErrors(page)).toEqual([]);

    const sharp = await upload(b, id, { piece: "identite" }, { name: "cni.png", type: "image/png", content: await sampleScan("sharp", "png") });
    expect(sharp.html.querySelector('section[aria-labelledby="title-identite"]')!.querySelector(".readability")).toBeNull();
    expect((await documentsOf(id)).find((d) => d.piece === "identite")!.readability).toEqual([]);
  }, 60_000);
});
