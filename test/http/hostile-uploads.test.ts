import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDocuments } from "../../src/db/schema.ts";
import { DOCUMENT_ERRORS } from "../../src/services/documents.ts";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { CORPUS, JPEG, manyPagesPdf, pdfObjectStreamBomb, pdfPages, tiff, zip } from "../fixtures/hostile/generate.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { fieldError, summaryErrors } from "../helpers/client.ts";
import { draftAtStep5 as draftAtStep5For, upload } from "../helpers/requests.ts";

/** Hostile uploads (issue 6, items 2 and 3) through the wizard's step 5 and the photographers' API. */

let t: TestApp;
let storageDir: string;
let apiKey: string;
beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), "permis-hostile-"));
  t = await startTestApp({ env: { STORAGE_DIR: storageDir } });
  ({ apiKey } = await t.services.photoCodes.addProvider({ name: "Studio Hostile", kind: "photographe", address: "1 rue Haute", postcode: "75004", commune: "Paris" }));
});
afterAll(async () => {
  await t.close();
  await rm(storageDir, { recursive: true, force: true });
});

const draftAtStep5 = () => draftAtStep5For(t, "hostile");

async function documentsOf(id: string) {
  return t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, id));
}

async function storedFiles(id: string): Promise<string[]> {
  return (await readdir(join(storageDir, "documents", id)).catch(() => [])).filter((name) => !name.startsWith("."));
}

const entry = (file: string) => {
  const found = CORPUS.find((e) => e.file === file);
  if (!found) throw new Error(file);
  return found;
};

describe("step 5 refuses hostile files, with a French message, and keeps nothing of them", () => {
  it.each([
    ["pdf-openaction-javascript.pdf", "active"],
    ["pdf-javascript-flux-objets.pdf", "active"],
    ["pdf-fichier-joint.pdf", "active"],
    ["pdf-puis-html.pdf", "trailing"],
    ["png-20000x20000.png", "dimensions"],
    ["tiff-50000x20000.tif", "dimensions"],
    ["bmp-rle-30000x30000.bmp", "dimensions"],
    ["jpeg-puis-zip.jpg", "trailing"],
  ] as const)("%s: %s", async (file, reason) => {
    const { b, id } = await draftAtStep5();
    const hostile = entry(file);
    const page = await upload(b, id, { piece: "domicile" }, { name: file, type: "application/octet-stream", content: await hostile.make() });
    // Refused, told on step 5 after the upload's redirect (POST/redirect/GET).
    expect(page.answer).toMatchObject({ status: 303, location: `/demandes/${id}/etape/5` });
    expect(fieldError(page, "piece-domicile")).toBe(DOCUMENT_ERRORS[reason]);
    expect(summaryErrors(page)).toEqual([DOCUMENT_ERRORS[reason]]);
    expect(await documentsOf(id)).toHaveLength(0);
    expect(await storedFiles(id)).toEqual([]);
  });

  // 1 Mo inflating to 1 Go: before the fix the server froze for seconds and stored the file.
  it("refuses a decompression bomb while the service keeps answering", async () => {
    const { b, id } = await draftAtStep5();
    const bomb = pdfObjectStreamBomb("FlateDecode", 1024 * 1024 * 1024);
    let last = performance.now();
    let stallMs = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      stallMs = Math.max(stallMs, now - last);
      last = now;
    }, 10);
    let healthChecks = 0;
    let uploading = true;
    const sent = upload(b, id, { piece: "domicile" }, { name: "releve.pdf", type: "application/pdf", content: bomb }).finally(() => {
      uploading = false;
    });
    // A load balancer's health checks go on being answered during the inspection.
    while (uploading) {
      const health = await t.app.inject({ method: "GET", url: "/sante" });
      expect(health.statusCode).toBe(200);
      healthChecks++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const page = await sent;
    clearInterval(timer);
    expect(page.answer).toMatchObject({ status: 303, location: `/demandes/${id}/etape/5` });
    expect(fieldError(page, "piece-domicile")).toBe(DOCUMENT_ERRORS.complex);
    // Before the fix: seconds of a frozen event loop (9 s for such a file in the review).
    expect(stallMs).toBeLessThan(2_000);
    expect(healthChecks).toBeGreaterThan(1);
    expect(await documentsOf(id)).toHaveLength(0);
    expect(await storedFiles(id)).toEqual([]);
  }, 60_000);

  // A 10,000-page PDF and a 5,000-frame TIFF were stored as complementary pieces.
  it("bounds the pages of complementary pieces by the limit of their type", async () => {
    const { b, id } = await draftAtStep5();
    const bigPdf = await upload(b, id, { additional: "oui", piece: "jdc" }, { name: "jdc.pdf", type: "application/pdf", content: manyPagesPdf(10_000) });
    expect(bigPdf.answer.status).toBe(303);
    expect(fieldError(bigPdf, "upload-additional")).toBe("Cette pièce est limitée à 2 pages : ce fichier en compte 10000. Envoyez un document plus court.");
    const bigTiff = await upload(b, id, { additional: "oui", piece: "etat_civil" }, { name: "livret.tif", type: "image/tiff", content: tiff(5000) });
    expect(bigTiff.answer.status).toBe(303);
    expect(fieldError(bigTiff, "upload-additional")).toBe("Cette pièce est limitée à 10 pages : ce fichier en compte 1000. Envoyez un document plus court.");
    expect(await documentsOf(id)).toHaveLength(0);
    expect(await storedFiles(id)).toEqual([]);
    // Within the limit of its type, a complementary piece is taken.
    const ok = await upload(b, id, { additional: "oui", piece: "etat_civil" }, { name: "livret.pdf", type: "application/pdf", content: await pdfPages(10) });
    expect(ok.status).toBe(200);
    expect(await documentsOf(id)).toMatchObject([{ additional: true, piece: "etat_civil", pages: 10 }]);
  }, 60_000);
});

describe("a piece shown in the browser", () => {
  it("is sandboxed (CSP sandbox on top of the site's policy) and never sniffed", async () => {
    const { b, id } = await draftAtStep5();
    const page = await upload(b, id, { piece: "domicile" }, { name: "facture.pdf", type: "application/pdf", content: await pdfPages(1) });
    expect(page.status).toBe(200);
    const [doc] = await documentsOf(id);
    const response = await t.app.inject({
      method: "GET",
      url: `/demandes/${id}/pieces/${doc!.id}`,
      remoteAddress: b.ip,
      headers: { cookie: `${SESSION_COOKIE}=${b.cookie(SESSION_COOKIE) ?? ""}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/pdf");
    const directives = String(response.headers["content-security-policy"]).split(";").map((d) => d.trim());
    expect(directives).toContain("sandbox");
    expect(directives).toContain("default-src 'self'");
    expect(directives).toContain("object-src 'none'");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    // The pages of the service keep their own policy, without sandbox.
    const step = await t.app.inject({ method: "GET", url: `/demandes/${id}/etape/5`, remoteAddress: b.ip, headers: { cookie: `${SESSION_COOKIE}=${b.cookie(SESSION_COOKIE) ?? ""}` } });
    expect(String(step.headers["content-security-policy"])).not.toContain("sandbox");
  });
});

describe("the photographers' API inspects the images as the wizard does", () => {
  function deposit(photo: Buffer, signature: Buffer) {
    const form = new FormData();
    form.append("photo", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "photo.jpg");
    form.append("signature", new Blob([new Uint8Array(signature)], { type: "image/jpeg" }), "signature.jpg");
    const encoded = new Response(form);
    return encoded.arrayBuffer().then((body) =>
      t.app.inject({
        method: "POST",
        url: "/api/photographes/depots",
        remoteAddress: "192.0.2.50",
        headers: { "content-type": encoded.headers.get("content-type")!, authorization: `Bearer ${apiKey}` },
        payload: Buffer.from(body),
      }),
    );
  }

  it.each([
    ["photo", "a truncated JPEG", () => JPEG.subarray(0, JPEG.length - 10), "damaged"],
    ["photo", "a JPEG followed by a ZIP", () => Buffer.concat([JPEG, zip()]), "trailing"],
    ["signature", "a JPEG declaring 65000 × 65000 pixels", () => entry("jpeg-65000x65000.jpg").make() as Buffer, "dimensions"],
    ["signature", "a PNG followed by an HTML page", () => entry("png-puis-html.png").make() as Buffer, "trailing"],
  ] as const)("refuses as %s %s", async (label, _what, make, reason) => {
    const hostile = make();
    const res = label === "photo" ? await deposit(hostile, JPEG) : await deposit(JPEG, hostile);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: `${label}: ${DOCUMENT_ERRORS[reason]}` });
  });

  it("still issues a code for sound images", async () => {
    const res = await deposit(JPEG, Buffer.concat([JPEG, JPEG]));
    expect(res.statusCode).toBe(201);
    expect((res.json() as { code: string }).code).toMatch(/^\d{22}$/);
  });
});
