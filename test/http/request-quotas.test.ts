import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDocuments, requests, throttles } from "../../src/db/schema.ts";
import { sha256 } from "../../src/services/secrets.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, summaryErrors, type Form, type Page } from "../helpers/client.ts";
import { createActiveAccount } from "../helpers/flows.ts";
import { PNG, STEP1_PERTE, STEP2, STEP3, upload } from "../helpers/requests.ts";

/**
 * Quotas, so that one account cannot fill the disk (issue 6, item 7): 5 open drafts per
 * account, 60 Mo of files per request, 60 uploads per account and per hour, and pieces only
 * once steps 1 to 4 are valid.
 */

let t: TestApp;
let storageDir: string;
beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), "permis-quotas-"));
  t = await startTestApp({ env: { STORAGE_DIR: storageDir } });
});
afterAll(async () => {
  await t.close();
  await rm(storageDir, { recursive: true, force: true });
});

const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };
const DRAFTS_MESSAGE =
  "Vous avez déjà 5 demandes en cours (brouillons) : terminez ou supprimez l'une d'elles depuis « Mon espace » avant d'en commencer une nouvelle.";
const TOO_MANY = "Vous avez envoyé beaucoup de fichiers en peu de temps : réessayez dans 60 minutes.";
const STEPS_FIRST = "Complétez d'abord les étapes 1 à 4 de la demande : les pièces justificatives se joignent à l'étape 5.";

let accounts = 0;
async function newUser(): Promise<{ b: Browser }> {
  accounts++;
  const b = new Browser(t.app, `198.51.100.${accounts}`);
  await createActiveAccount(t, b, { email: `quotas-${accounts}@example.fr` });
  return { b };
}

async function newDraft(b: Browser): Promise<string> {
  await b.get("/demandes/nouvelle");
  const page = await b.post("/demandes/nouvelle", PERTE);
  expect(page.url).toMatch(/^\/demandes\/[0-9a-f-]{36}\/etape\/1$/);
  return page.url.split("/")[2]!;
}

async function toStep5(b: Browser, id: string): Promise<void> {
  for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as Array<[number, Form]>) {
    const page = await b.post(`/demandes/${id}/etape/${step}`, answers);
    expect(summaryErrors(page)).toEqual([]);
    expect(page.url).toBe(`/demandes/${id}/etape/${step + 1}`);
  }
}

/** The page's text, whitespace collapsed. */
const textOf = (page: Page) => page.html.textContent.replace(/\s+/g, " ");
const documentsOf = (id: string) => t.db.db.select().from(requestDocuments).where(eq(requestDocuments.requestId, id));
const storedFiles = async (id: string) => (await readdir(join(storageDir, "documents", id)).catch(() => [] as string[])).length;

/** A valid 1×1 PNG of `size` bytes: its bulk is a private ancillary chunk (as some cameras write). */
function pngOf(size: number): Buffer {
  const data = Buffer.alloc(size - PNG.length - 12, 0x5a);
  const type = Buffer.from("prVt", "latin1");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  return Buffer.concat([PNG.subarray(0, 33), length, type, data, crc, PNG.subarray(33)]);
}
const MO = 1024 * 1024;

describe("open drafts per account", () => {
  it("keeps at most 5 drafts even when 12 are asked for at once, and says why on the motif page", async () => {
    const { b } = await newUser();
    await b.get("/demandes/nouvelle");
    const pages = await Promise.all(Array.from({ length: 12 }, () => b.post("/demandes/nouvelle", PERTE)));
    expect(pages.filter((p) => /\/etape\/1$/.test(p.url))).toHaveLength(5);
    const refused = pages.filter((p) => p.status === 409);
    expect(refused).toHaveLength(7);
    expect(textOf(refused[0]!)).toContain(DRAFTS_MESSAGE);
    const ids = pages.filter((p) => /\/etape\/1$/.test(p.url)).map((p) => p.url.split("/")[2]!);
    const [owner] = await t.db.db.select({ accountId: requests.accountId }).from(requests).where(eq(requests.id, ids[0]!));
    const drafts = await t.db.db.select().from(requests).where(and(eq(requests.accountId, owner!.accountId), eq(requests.state, "brouillon")));
    expect(drafts).toHaveLength(5);

    // The motif page says it before anything is typed; deleting a draft makes room for a new one.
    const form = await b.get("/demandes/nouvelle");
    expect(textOf(form)).toContain(DRAFTS_MESSAGE);
    await b.get(`/demandes/${ids[0]}/supprimer`);
    expect((await b.post(`/demandes/${ids[0]}/supprimer`, {})).url).toBe("/mon-espace");
    expect(textOf(await b.get("/demandes/nouvelle"))).not.toContain(DRAFTS_MESSAGE);
    await newDraft(b);
    expect((await b.post("/demandes/nouvelle", PERTE)).status).toBe(409);
  });
});

describe("pieces and bytes per request", () => {
  let b: Browser;
  beforeAll(async () => {
    ({ b } = await newUser());
  });

  it("takes no file before steps 1 to 4 are valid, not even a complementary piece", async () => {
    // A user of its own: the refusal is kept for step 5, which this draft does not reach.
    const { b } = await newUser();
    const id = await newDraft(b);
    await b.get(`/demandes/${id}/etape/1`);
    for (const fields of [{ piece: "domicile", additional: "oui" }, { piece: "identite" }] as Array<Record<string, string>>) {
      const page = await upload(b, id, fields, { name: "piece.png", type: "image/png", content: PNG });
      // Sent back to the first step to complete; the message waits for step 5.
      expect(page.url).toBe(`/demandes/${id}/etape/1`);
    }
    // The refusal, as the service words it.
    const [draft] = await t.db.db.select({ accountId: requests.accountId }).from(requests).where(eq(requests.id, id));
    const outcome = await t.services.requests.addDocument(draft!.accountId, id, { piece: "domicile", additional: true }, "piece.png", Readable.from([PNG]));
    expect(outcome).toEqual({ kind: "refused", error: STEPS_FIRST });
    expect(await documentsOf(id)).toEqual([]);
    expect(await storedFiles(id)).toBe(0);
  });

  it("stores at most 60 Mo of files for one request, with a French message past it", async () => {
    const id = await newDraft(b);
    await toStep5(b, id);
    const big = pngOf(10.5 * MO);
    for (let i = 1; i <= 5; i++) {
      const page = await upload(b, id, { piece: "domicile", additional: "oui" }, { name: `annexe-${i}.png`, type: "image/png", content: big });
      expect(summaryErrors(page)).toEqual([]);
      expect(textOf(page)).toContain(`« annexe-${i}.png » : document valide.`);
    }
    const page = await upload(b, id, { piece: "identite" }, { name: "cni.png", type: "image/png", content: big });
    expect(textOf(page)).toContain(
      "Les fichiers d'une demande ne peuvent pas dépasser 60 Mo au total (52,5 Mo déjà joints) : supprimez un fichier ou réduisez la taille de celui-ci (résolution, compression).",
    );
    expect(await documentsOf(id)).toHaveLength(5);
    expect(await storedFiles(id)).toBe(5);
    // A small file still fits.
    const small = await upload(b, id, { piece: "identite" }, { name: "cni.png", type: "image/png", content: PNG });
    expect(textOf(small)).toContain("« cni.png » : document valide.");
    expect(await documentsOf(id)).toHaveLength(6);
  });
});

describe("uploads per account and per hour", () => {
  it("counts every upload, accepted or not, and refuses past 60 in an hour, for that account only", async () => {
    const { b } = await newUser();
    const id = await newDraft(b);
    await toStep5(b, id);
    const text = { name: "notes.txt", type: "text/plain", content: Buffer.from("pas une image") };
    for (let batch = 0; batch < 7; batch++) await Promise.all(Array.from({ length: 10 }, () => upload(b, id, { piece: "identite" }, text)));
    // Exactly 60 of the 70 parallel uploads were let through and counted (the counter is keyed by a hash of the account).
    const [draft] = await t.db.db.select({ accountId: requests.accountId }).from(requests).where(eq(requests.id, id));
    const [counter] = await t.db.db.select().from(throttles).where(eq(throttles.key, sha256(`uploadAccount:${draft!.accountId}`)));
    expect(counter!.hits).toBe(60);
    const refused = await upload(b, id, { piece: "identite" }, { name: "cni.png", type: "image/png", content: PNG });
    expect(textOf(refused)).toContain(TOO_MANY);
    expect(await documentsOf(id)).toEqual([]);

    // Another account is not held back.
    const other = await newUser();
    const otherId = await newDraft(other.b);
    await toStep5(other.b, otherId);
    const page = await upload(other.b, otherId, { piece: "identite" }, { name: "cni.png", type: "image/png", content: PNG });
    expect(textOf(page)).not.toContain(TOO_MANY);
    expect(await documentsOf(otherId)).toHaveLength(1);
  });
});
