import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDocuments, requests } from "../../src/db/schema.ts";
import { SESSION_COOKIE } from "../../src/web/security/session.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { infectedPng, startClamd, type TestClamd } from "../helpers/clamd.ts";
import { ManualClock } from "../helpers/clock.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { pdf, PNG, stamp, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/**
 * Every uploaded file goes through a real clamd (its database written by the test: the EICAR
 * test file). A file waits as « Analyse en cours » and blocks sending until clean; an
 * infected one is refused with a French message and deleted; the photographers' API scans
 * before issuing a code.
 */

let clamd: TestClamd;
let t: TestApp;
let storageDir: string;
const clock = new ManualClock();
beforeAll(async () => {
  clamd = await startClamd();
  storageDir = await mkdtemp(join(tmpdir(), "permis-av-http-"));
  t = await startTestApp({ clock, env: { CLAMD_SOCKET: clamd.socket, STORAGE_DIR: storageDir } });
}, 180_000);
afterAll(async () => {
  await t?.close();
  await clamd?.close();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const PENDING = "Analyse en cours";
const INFECTED_BADGE = "Virus détecté : fichier supprimé";
const infectedMessage = (name: string) =>
  `Le fichier « ${name} » contient un virus : il a été refusé et supprimé. Retirez-le de la liste et envoyez un autre fichier, après avoir analysé votre ordinateur.`;
const pendingMessage = (name: string) =>
  `Le fichier « ${name} » est en cours d'analyse antivirus : patientez quelques instants, puis rechargez la page avant d'envoyer votre demande.`;

let accounts = 0;
async function draftAtStep5(): Promise<{ b: Browser; id: string }> {
  accounts++;
  const b = new Browser(t.app, `198.51.100.${accounts}`);
  await createActiveAccount(t, b, { email: `antivirus-${accounts}@example.fr` });
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as Array<[number, Form]>) {
    const page = await b.post(`/demandes/${id}/etape/${step}`, answers);
    expect(summaryErrors(page)).toEqual([]);
    expect(page.url).toBe(`/demandes/${id}/etape/${step + 1}`);
  }
  return { b, id };
}

const documentsOf = (id: string) => t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, id));
const download = (b: Browser, url: string) =>
  t.app.inject({ method: "GET", url, remoteAddress: b.ip, headers: { cookie: `${SESSION_COOKIE}=${b.cookie(SESSION_COOKIE) ?? ""}` } });
const scanNow = () => t.services.antivirus!.runOnce();
const storedFiles = async (id: string) => (await readdir(join(storageDir, "documents", id)).catch(() => [] as string[])).length;

/** The list item of the file named `name` on step 5. */
function fileItem(page: Page, name: string): string {
  const item = page.html.querySelectorAll("li").find((li) => li.querySelector(`button[title="Supprimer ${name}"]`));
  if (!item) throw new Error(`no file ${name} on the page`);
  return item.textContent.replace(/\s+/g, " ");
}

describe("antivirus on the pieces (clamd configured)", () => {
  it("shows a clean file « Analyse en cours » until scanned, refuses to send meanwhile, then accepts it", async () => {
    const { b, id } = await draftAtStep5();
    const numeroTimbre = await stamp(t);
    await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(2) });
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    const [doc] = (await documentsOf(id)).filter((d) => d.fileName === "cni.pdf");
    expect(doc!.scanStatus).toBe("pending");

    let page = await b.get(`/demandes/${id}/etape/5`);
    expect(fileItem(page, "cni.pdf")).toContain(PENDING);
    expect(fileItem(page, "cni.pdf")).not.toContain("document valide");
    // Not opened before the antivirus has passed it.
    expect((await download(b, `/demandes/${id}/pieces/${doc!.id}`)).statusCode).toBe(404);
    // Step 5 does not let the request go on, and sending straight away is refused.
    page = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre, action: "suivant" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toContain(pendingMessage("cni.pdf"));
    page = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
    expect(page.status).toBe(409);
    expect(page.url).toBe(`/demandes/${id}/envoyer`);
    expect((await t.db.db.select().from(requests).where(eq(requests.id, id)))[0]!.state).toBe("brouillon");

    expect(await scanNow()).toBe(2);
    expect((await documentsOf(id)).map((d) => d.scanStatus)).toEqual(["clean", "clean"]);
    page = await b.get(`/demandes/${id}/etape/5`);
    expect(fileItem(page, "cni.pdf")).toContain("document valide");
    expect(fileItem(page, "cni.pdf")).not.toContain(PENDING);
    expect((await download(b, `/demandes/${id}/pieces/${doc!.id}`)).statusCode).toBe(200);
    page = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre, action: "suivant" });
    expect(summaryErrors(page)).toEqual([]);
    expect(page.url).toBe(`/demandes/${id}/etape/6`);
    page = await b.post(`/demandes/${id}/envoyer`, { attestation: "oui" });
    expect(page.url).toBe(`/demandes/${id}/etape/7`);
  });

  it("refuses an infected file: deleted from storage, a French message on step 5, no sending until it is removed", async () => {
    const { b, id } = await draftAtStep5();
    await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: infectedPng() });
    expect(await storedFiles(id)).toBe(2);
    await scanNow();
    const infected = (await documentsOf(id)).find((d) => d.fileName === "facture.png")!;
    expect(infected.scanStatus).toBe("infected");
    expect(await storedFiles(id)).toBe(1);

    let page = await b.get(`/demandes/${id}/etape/5`);
    expect(fileItem(page, "facture.png")).toContain(INFECTED_BADGE);
    expect(summaryErrors(page)).toEqual([infectedMessage("facture.png")]);
    expect((await download(b, `/demandes/${id}/pieces/${infected.id}`)).statusCode).toBe(404);
    page = await b.post(`/demandes/${id}/etape/5`, { numeroTimbre: await stamp(t), action: "suivant" });
    expect(page.status).toBe(400);
    expect(summaryErrors(page)).toContain(infectedMessage("facture.png"));

    // Removed from the list, the piece is asked for again; a clean file then takes its place.
    page = await b.post(`/demandes/${id}/pieces/${infected.id}/supprimer`, {});
    expect(page.url).toBe(`/demandes/${id}/etape/5`);
    expect(summaryErrors(page)).toEqual([]);
    await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: PNG });
    await scanNow();
    expect((await documentsOf(id)).map((d) => d.scanStatus).sort()).toEqual(["clean", "clean"]);
  });

  it("scans an upload as soon as it is stored when the worker runs (as `npm start` runs it)", async () => {
    const { b, id } = await draftAtStep5();
    const worker = t.services.antivirus!;
    worker.start();
    try {
      await upload(b, id, { piece: "domicile" }, { name: "facture.png", type: "image/png", content: infectedPng() });
      const deadline = Date.now() + 30_000;
      while ((await documentsOf(id))[0]?.scanStatus !== "infected" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await documentsOf(id))[0]!.scanStatus).toBe("infected");
      expect(await storedFiles(id)).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it("keeps a file pending while clamd is down, and scans it once clamd is back", async () => {
    const { b, id } = await draftAtStep5();
    await clamd.stop();
    try {
      await upload(b, id, { piece: "identite" }, { name: "cni.pdf", type: "application/pdf", content: await pdf(1) });
      expect(await scanNow()).toBe(1);
      const [doc] = await documentsOf(id);
      expect(doc!.scanStatus).toBe("pending");
      expect(doc!.scanAttempts).toBe(1);
      expect(fileItem(await b.get(`/demandes/${id}/etape/5`), "cni.pdf")).toContain(PENDING);
    } finally {
      await clamd.start();
    }
    expect(await scanNow()).toBe(0); // the retry is not due yet
    clock.advance(60_000);
    expect(await scanNow()).toBe(1);
    expect((await documentsOf(id))[0]!.scanStatus).toBe("clean");
  });
});

describe("antivirus on the photographers' API", () => {
  async function deposit(photo: Buffer) {
    const { apiKey } = await t.services.photoCodes.addProvider({ name: "Studio Antivirus", kind: "photographe", address: "1 rue Haute", postcode: "75004", commune: "Paris" });
    const form = new FormData();
    form.append("photo", new Blob([new Uint8Array(photo)], { type: "image/png" }), "photo.png");
    form.append("signature", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "signature.png");
    const encoded = new Response(form);
    return t.app.inject({
      method: "POST",
      url: "/api/photographes/depots",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": encoded.headers.get("content-type")! },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
  }

  it("issues a code for clean images, refuses an infected photo (422) and answers 503 while clamd is down", async () => {
    const clean = await deposit(PNG);
    expect(clean.statusCode).toBe(201);
    expect(clean.json().code).toMatch(/^\d{22}$/);

    const infected = await deposit(infectedPng());
    expect(infected.statusCode).toBe(422);
    expect(infected.json()).toEqual({ error: "photo: fichier infecté, refusé" });

    await clamd.stop();
    try {
      const down = await deposit(PNG);
      expect(down.statusCode).toBe(503);
      expect(down.json().error).toContain("antivirus indisponible");
    } finally {
      await clamd.start();
    }
  });
});
