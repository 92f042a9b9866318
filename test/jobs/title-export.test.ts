import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { findTitleExport } from "../../src/db/repositories/title-exports.ts";
import { accounts, requests, titleExports } from "../../src/db/schema.ts";
import { MOTIFS, motifInfo } from "../../src/domain/request/motifs.ts";
import type { FrozenRequest } from "../../src/services/requests/index.ts";
import { folderStorage, type DocumentStorage, type Encryption } from "../../src/services/storage.ts";
import { exportValidatedTitles, producesLicence, TITLE_COLUMNS, TITLE_MOTIF_IDS, titleExportJob } from "../../src/jobs/title-export.ts";
import { sampleAdresse, sampleEtatCivil, sampleStep1 } from "../helpers/content.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";

/**
 * Issue 9 §4: the daily export of validated titles for the printing works (JSON and CSV with
 * their SHA-256, through the encrypted storage), once per Paris day, requests marked exported in
 * the same transaction.
 */

let db: TestDatabase;
let dir: string;
let storage: DocumentStorage;
let accountId: string;

beforeAll(async () => {
  db = await testDatabase();
  dir = mkdtempSync(join(tmpdir(), "permis-exports-"));
  storage = folderStorage(dir, randomBytes(32));
  const [account] = await db.db
    .insert(accounts)
    .values({ kind: "particulier", status: "active", familyName: "Martin", givenName: "Léa", email: "export@example.fr" })
    .returning();
  accountId = account!.id;
});

afterAll(async () => {
  await db?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let serial = 0;

/** A request frozen at sending, in `state`, decided at `decidedAt` (the back-office's job in the app). */
async function request(motifId: string, state: string, decidedAt: Date, overrides: { nomNaissance?: string; complement?: string; exportedAt?: Date } = {}) {
  const motif = motifInfo(motifId)!;
  const number = `2026-1201-${String(++serial).padStart(5, "0")}`;
  const sentAt = new Date(decidedAt.getTime() - 3 * 24 * 3600 * 1000);
  const frozen: FrozenRequest = {
    version: 1,
    number,
    sentAt: sentAt.toISOString(),
    motifId,
    content: {
      beneficiaire: "moi",
      pour: "majeur",
      step1: sampleStep1(motif.asksCategories ? ["B", "A2"] : [], { numeroPermis: motif.holdsLicence ? "AB12345678" : "" }),
      etatCivil: sampleEtatCivil({ nomNaissance: overrides.nomNaissance ?? "ŁASKI-DUPRÉ", prenoms: ["Hélène", "Zoë"] }),
      adresse: sampleAdresse({
        complement: overrides.complement ?? "Bâtiment « Les Mûriers », 2e étage",
        prefecture: { id: "29232", label: "Préfecture du Finistère - Quimper" },
        email: "helene@example.fr",
        telephone: "",
      }),
      photo: { option: "numerique", code: "ABCDEFGHIJKLMNOPQRSTUV" },
      pieces: [],
      additional: [],
    },
  };
  const [row] = await db.db
    .insert(requests)
    .values({
      accountId,
      motif: motifId,
      state,
      frozen,
      number,
      sentAt,
      createdAt: sentAt,
      stateChangedAt: decidedAt,
      decidedAt: state === "validee" ? decidedAt : null,
      exportedAt: overrides.exportedAt ?? null,
    })
    .returning();
  return row!;
}

async function read(key: string, encryption: Encryption): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await storage.get(key, encryption)) as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function files(day: string) {
  const row = (await findTitleExport(db.db, day))!;
  const json = await read(row.jsonKey, { iv: row.jsonIv, tag: row.jsonTag });
  const csv = await read(row.csvKey, { iv: row.csvIv, tag: row.csvTag });
  return { row, json, csv, parsed: JSON.parse(json.toString("utf8")) as { jour: string; nombre: number; titres: Array<Record<string, unknown>> } };
}

const exportedAtOf = async (ids: string[]) =>
  Object.fromEntries((await db.db.select({ id: requests.id, at: requests.exportedAt }).from(requests).where(inArray(requests.id, ids))).map((r) => [r.id, r.at?.toISOString() ?? null]));

describe("which motifs make a licence", () => {
  it("every motif but an inscription and an international licence", () => {
    for (const motif of MOTIFS) {
      expect(producesLicence(motif), motif.id).toBe(motif.group !== "inscription" && motif.group !== "permis_international");
    }
    expect(TITLE_MOTIF_IDS).toContain("fabrication.perte");
    expect(TITLE_MOTIF_IDS).toContain("fabrication.reussite_examen.premier_permis");
    expect(TITLE_MOTIF_IDS).toContain("correction");
    expect(TITLE_MOTIF_IDS).not.toContain("inscription.premier_permis");
    expect(TITLE_MOTIF_IDS).not.toContain("permis_international");
  });
});

describe("daily export of validated titles", () => {
  it("exports the validated titles not yet exported, as JSON and CSV with their SHA-256, once per Paris day", async () => {
    const perte = await request("fabrication.perte", "validee", new Date("2026-12-01T10:00:00Z"), { complement: "=HYPERLINK(\"http://x\")" });
    const examen = await request("fabrication.reussite_examen.premier_permis", "validee", new Date("2026-12-01T08:00:00Z"), { nomNaissance: 'O"NEIL, DE LA TOUR' });
    const correction = await request("correction", "validee", new Date("2026-12-01T12:00:00Z"));
    const inscription = await request("inscription.premier_permis", "validee", new Date("2026-12-01T09:00:00Z"));
    const international = await request("permis_international", "validee", new Date("2026-12-01T09:00:00Z"));
    const pending = await request("fabrication.perte", "en_instruction", new Date("2026-12-01T09:00:00Z"));
    const rejected = await request("fabrication.vol", "rejet_instruction", new Date("2026-12-01T09:00:00Z"));
    const already = await request("fabrication.vol", "validee", new Date("2026-11-20T09:00:00Z"), { exportedAt: new Date("2026-11-21T00:10:00Z") });

    const now = new Date("2026-12-01T23:10:00Z"); // 00:10 on 2 December in Paris
    const outcome = await exportValidatedTitles(db.db, storage, now);
    expect(outcome).toMatchObject({ kind: "exported", day: "2026-12-02", count: 3, skipped: 0, jsonKey: "exports/2026-12-02/titres-json", csvKey: "exports/2026-12-02/titres-csv" });

    const { row, json, csv, parsed } = await files("2026-12-02");
    expect(row).toMatchObject({ day: "2026-12-02", count: 3, jsonSha256: sha256(json), csvSha256: sha256(csv) });
    if (outcome.kind === "exported") expect([outcome.jsonSha256, outcome.csvSha256]).toEqual([sha256(json), sha256(csv)]);

    // JSON: the exact values, oldest decision first.
    expect(parsed.jour).toBe("2026-12-02");
    expect(parsed.nombre).toBe(3);
    expect(parsed.titres.map((t) => t.numero_demande)).toEqual([examen.number, perte.number, correction.number]);
    expect(parsed.titres[0]).toEqual({
      numero_demande: examen.number,
      date_validation: "2026-12-01T08:00:00.000Z",
      motif: "fabrication.reussite_examen.premier_permis",
      categories: ["B", "A2"],
      nom_naissance: 'O"NEIL, DE LA TOUR',
      nom_usage: "",
      prenoms: ["Hélène", "Zoë"],
      sexe: "F",
      date_naissance: "00/00/1990",
      commune_naissance: "Quimper",
      departement_naissance: "29",
      pays_naissance: "France",
      nationalite: "Française",
      adresse_voie: "12 bis rue de l'Œuvre",
      adresse_complement: "Bâtiment « Les Mûriers », 2e étage",
      code_postal: "29000",
      commune: "QUIMPER",
      code_commune: "29232",
      prefecture: "Préfecture du Finistère - Quimper",
      photo: "numerique",
      code_photo: "ABCDEFGHIJKLMNOPQRSTUV",
      demande_initiale_photo: "",
      numero_permis_precedent: "",
    });
    expect(parsed.titres[1]).toMatchObject({ adresse_complement: '=HYPERLINK("http://x")', numero_permis_precedent: "" });
    expect(parsed.titres[2]).toMatchObject({ motif: "correction", categories: [], numero_permis_precedent: "AB12345678" });

    // CSV: RFC 4180 (CRLF, quotes doubled), a header row, lists joined, no formula run by a spreadsheet.
    const lines = csv.toString("utf8").split("\r\n");
    expect(lines[0]).toBe(TITLE_COLUMNS.join(","));
    expect(lines).toHaveLength(5); // header, 3 titles, and the final CRLF
    expect(lines[4]).toBe("");
    expect(lines[1]).toContain(`${examen.number},2026-12-01T08:00:00.000Z,fabrication.reussite_examen.premier_permis,B A2,"O""NEIL, DE LA TOUR",,"Hélène, Zoë",F,00/00/1990`);
    expect(lines[1]).toContain(`"Bâtiment « Les Mûriers », 2e étage",29000,QUIMPER,29232`);
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"")"`);

    // Marked exported in the same transaction; the others untouched.
    const marks = await exportedAtOf([perte.id, examen.id, correction.id, inscription.id, international.id, pending.id, rejected.id, already.id]);
    for (const r of [perte, examen, correction]) expect(marks[r.id]).toBe(now.toISOString());
    for (const r of [inscription, international, pending, rejected]) expect(marks[r.id]).toBeNull();
    expect(marks[already.id]).toBe("2026-11-21T00:10:00.000Z");

    // A second run the same (Paris) day does nothing, even with a title validated since.
    const late = await request("fabrication.deterioration", "validee", new Date("2026-12-02T09:00:00Z"));
    expect(await exportValidatedTitles(db.db, storage, new Date("2026-12-02T22:59:00Z"))).toEqual({ kind: "already", day: "2026-12-02" });
    const again = await files("2026-12-02");
    expect(again.json.equals(json)).toBe(true);
    expect(again.csv.equals(csv)).toBe(true);
    expect((await exportedAtOf([late.id]))[late.id]).toBeNull();

    // The next day takes it.
    const next = await exportValidatedTitles(db.db, storage, new Date("2026-12-02T23:00:00Z")); // 00:00 on 3 December
    expect(next).toMatchObject({ kind: "exported", day: "2026-12-03", count: 1 });
    const third = await files("2026-12-03");
    expect(third.parsed.titres.map((t) => t.numero_demande)).toEqual([late.number]);
    expect(third.row.jsonSha256).toBe(sha256(third.json));
    expect((await exportedAtOf([late.id]))[late.id]).toBe("2026-12-02T23:00:00.000Z");
  });

  it("writes the day's empty files when nothing was validated", async () => {
    const outcome = await exportValidatedTitles(db.db, storage, new Date("2026-12-04T08:00:00Z"));
    expect(outcome).toMatchObject({ kind: "exported", day: "2026-12-04", count: 0 });
    const { row, json, csv, parsed } = await files("2026-12-04");
    expect(parsed).toMatchObject({ jour: "2026-12-04", nombre: 0, titres: [] });
    expect(csv.toString("utf8")).toBe(`${TITLE_COLUMNS.join(",")}\r\n`);
    expect([row.jsonSha256, row.csvSha256]).toEqual([sha256(json), sha256(csv)]);
  });

  it("exports a title once when two runs start together (two connections on a server)", async () => {
    const other = db.url ? await openDatabase({ url: db.url, poolSize: 2 }) : undefined;
    try {
      const r = await request("fabrication.vol", "validee", new Date("2026-12-04T10:00:00Z"));
      const now = new Date("2026-12-05T06:00:00Z");
      const outcomes = await Promise.all([exportValidatedTitles(db.db, storage, now), exportValidatedTitles(other?.db ?? db.db, storage, now)]);
      expect(outcomes.map((o) => o.kind).sort()).toEqual(["already", "exported"]);
      const { row, json, csv, parsed } = await files("2026-12-05");
      expect(parsed.titres.map((t) => t.numero_demande)).toEqual([r.number]);
      expect([row.jsonSha256, row.csvSha256]).toEqual([sha256(json), sha256(csv)]);
      expect(await db.db.select().from(titleExports).where(eq(titleExports.day, "2026-12-05"))).toHaveLength(1);
    } finally {
      await other?.close();
    }
  });

  it("runs as a periodic job that logs counts only", async () => {
    await request("fabrication.perte", "validee", new Date("2026-12-05T10:00:00Z"), { nomNaissance: "SECRET" });
    const job = titleExportJob(db.db, storage);
    expect(job.everySeconds).toBe(3600);
    const first = await job.run(new Date("2026-12-06T06:00:00Z"));
    expect(first).toEqual({ day: "2026-12-06", count: 1, skipped: 0 });
    expect(JSON.stringify(first)).not.toContain("SECRET");
    expect(await job.run(new Date("2026-12-06T07:00:00Z"))).toEqual({ day: "2026-12-06", already: true });
  });
});
