import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type { Db } from "../db/client.ts";
import { findTitleExport, insertTitleExport, lockTitleExports, lockTitlesToExport, markExported } from "../db/repositories/title-exports.ts";
import type { RequestRow } from "../db/repositories/requests.ts";
import { parisDate } from "../domain/dates.ts";
import { formatPartialDate } from "../domain/request/birthdate.ts";
import { MOTIFS, type MotifInfo } from "../domain/request/motifs.ts";
import { NATIONALITES } from "../domain/request/steps.ts";
import { frozenContent } from "../services/requests/index.ts";
import type { DocumentStorage } from "../services/storage.ts";
import type { PeriodicJob } from "./scheduler.ts";

/**
 * The printing works' daily export of validated titles (issue 9 §4; SPEC §4: "the licence is
 * sent by secure mail"): every request validated by the administration whose motif makes a
 * licence, not yet exported, goes into one JSON and one CSV file of the day, written encrypted
 * through the DocumentStorage under `exports/YYYY-MM-DD/titres-json` and `…/titres-csv` (storage
 * keys have no dots), each with its SHA-256 recorded in `title_exports`; the requests are marked
 * `exported_at` in the same transaction. One export per day (Paris calendar): a second run the
 * same day does nothing. A day with no title still gets its (empty) files, so that the printing
 * works can tell "nothing today" from "no export".
 */

/**
 * Motifs that make a physical licence: every "fabrication" (loss, theft, exam success, formation…),
 * the conversions and validations, the returns after invalidation, annulation or suspension, and
 * a correction (a corrected licence is printed). Not an inscription (it gives a NEPH and an
 * attestation, the licence comes after the exam, with its own request) nor an international
 * licence (a paper document sent by post, seed 001).
 */
export function producesLicence(motif: MotifInfo): boolean {
  return motif.group !== "inscription" && motif.group !== "permis_international";
}

export const TITLE_MOTIF_IDS: readonly string[] = MOTIFS.filter(producesLicence).map((m) => m.id);

/** Columns of the CSV file, in order; the JSON file has the same fields (lists as arrays). */
export const TITLE_COLUMNS = [
  "numero_demande",
  "date_validation",
  "motif",
  "categories",
  "nom_naissance",
  "nom_usage",
  "prenoms",
  "sexe",
  "date_naissance",
  "commune_naissance",
  "departement_naissance",
  "pays_naissance",
  "nationalite",
  "adresse_voie",
  "adresse_complement",
  "code_postal",
  "commune",
  "code_commune",
  "prefecture",
  "photo",
  "code_photo",
  "demande_initiale_photo",
  "numero_permis_precedent",
] as const;

export type TitleColumn = (typeof TITLE_COLUMNS)[number];
export type TitleRecord = Record<Exclude<TitleColumn, "categories" | "prenoms">, string> & { categories: string[]; prenoms: string[] };

/** One validated request as the printing works get it; undefined when its frozen content cannot be read. */
export function titleRecord(row: RequestRow): TitleRecord | undefined {
  const request = frozenContent(row);
  if (!request) return undefined;
  const e = request.etatCivil;
  const a = request.adresse;
  const p = request.photo;
  const validatedAt = row.decidedAt ?? row.stateChangedAt;
  return {
    numero_demande: request.number,
    date_validation: validatedAt ? validatedAt.toISOString() : "",
    motif: request.motif.id,
    categories: [...(request.step1?.categories ?? [])],
    nom_naissance: e?.nomNaissance ?? "",
    nom_usage: e?.nomUsage ?? "",
    prenoms: [...(e?.prenoms ?? [])],
    sexe: e?.sexe ?? "",
    date_naissance: e ? formatPartialDate(e.dateNaissance) : "",
    commune_naissance: e?.communeNaissance.name ?? "",
    departement_naissance: e?.departementNaissance?.code ?? "",
    pays_naissance: e?.paysNaissance.name ?? "",
    nationalite: e ? (NATIONALITES.find((n) => n.value === e.nationalite)?.label ?? e.nationalite) : "",
    adresse_voie: a ? [a.numero, a.extension, a.typeVoie, a.nomVoie].filter((x) => x !== "").join(" ") : "",
    adresse_complement: a?.complement ?? "",
    code_postal: a?.codePostal ?? "",
    commune: a?.commune.name.toUpperCase() ?? "",
    code_commune: a?.commune.code ?? "",
    prefecture: a?.prefecture.label ?? "",
    photo: p?.option ?? "",
    code_photo: p?.option === "numerique" ? p.code : "",
    demande_initiale_photo: p?.option === "reprise" ? p.demandeInitiale : "",
    numero_permis_precedent: request.step1?.numeroPermis ?? "",
  };
}

/** The JSON file: the day, when it was made, how many titles, the titles. */
export function titlesJson(day: string, now: Date, records: readonly TitleRecord[]): Buffer {
  return Buffer.from(`${JSON.stringify({ jour: day, genere_le: now.toISOString(), nombre: records.length, titres: records }, null, 2)}\n`, "utf8");
}

/**
 * The CSV file (RFC 4180: comma, double quotes, CRLF; UTF-8 with a header row), lists joined by
 * spaces (categories) or ", " (first names). A cell starting with = + - @ or a tab is prefixed
 * with ' so that a spreadsheet never runs it as a formula; the JSON file keeps the exact values.
 */
export function titlesCsv(records: readonly TitleRecord[]): Buffer {
  const rows = records.map((r) => ({ ...r, categories: r.categories.join(" "), prenoms: r.prenoms.join(", ") }));
  return Buffer.from(stringify(rows, { header: true, columns: [...TITLE_COLUMNS], record_delimiter: "windows", escape_formulas: true }), "utf8");
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** "2026-12-02": the day in Paris. */
export function exportDay(now: Date): string {
  const d = parisDate(now);
  return `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}

export const exportKeys = (day: string) => ({ json: `exports/${day}/titres-json`, csv: `exports/${day}/titres-csv` });

export type TitleExportOutcome =
  | { kind: "exported"; day: string; count: number; skipped: number; jsonKey: string; csvKey: string; jsonSha256: string; csvSha256: string }
  | { kind: "already"; day: string };

/** Most ids per UPDATE (bound parameters stay far below PostgreSQL's limit). */
const MARK_BATCH = 1000;

/** The day's export (see above); does nothing if the day's export was already made. */
export async function exportValidatedTitles(db: Db, storage: DocumentStorage, now: Date): Promise<TitleExportOutcome> {
  const day = exportDay(now);
  // A quick look without locks: the usual case after the day's export.
  if (await findTitleExport(db, day)) return { kind: "already", day };
  return db.transaction(async (tx) => {
    // One export at a time, then the check again: a run that waited finds the day done.
    await lockTitleExports(tx);
    if (await findTitleExport(tx, day)) return { kind: "already", day } as const;
    const rows = await lockTitlesToExport(tx, TITLE_MOTIF_IDS);
    const exported: Array<{ id: string; record: TitleRecord }> = [];
    for (const row of rows) {
      const record = titleRecord(row);
      if (record) exported.push({ id: row.id, record });
    }
    const records = exported.map((x) => x.record);
    const json = titlesJson(day, now, records);
    const csv = titlesCsv(records);
    const keys = exportKeys(day);
    // Written before the commit: should the transaction fail, the next run writes the same keys again.
    const storedJson = await storage.put(keys.json, Readable.from([json]));
    const storedCsv = await storage.put(keys.csv, Readable.from([csv]));
    const outcome = {
      kind: "exported",
      day,
      count: records.length,
      skipped: rows.length - records.length,
      jsonKey: keys.json,
      csvKey: keys.csv,
      jsonSha256: sha256(json),
      csvSha256: sha256(csv),
    } as const;
    const recorded = await insertTitleExport(tx, {
      day,
      createdAt: now,
      count: outcome.count,
      jsonSha256: outcome.jsonSha256,
      csvSha256: outcome.csvSha256,
      jsonKey: keys.json,
      csvKey: keys.csv,
      jsonIv: storedJson.encryption.iv,
      jsonTag: storedJson.encryption.tag,
      csvIv: storedCsv.encryption.iv,
      csvTag: storedCsv.encryption.tag,
    });
    if (!recorded) throw new Error("title export already recorded for this day");
    const ids = exported.map((x) => x.id);
    for (let i = 0; i < ids.length; i += MARK_BATCH) await markExported(tx, ids.slice(i, i + MARK_BATCH), now);
    return outcome;
  });
}

/** The periodic job: tried every hour, exports once per Paris day (the first run after midnight). */
export function titleExportJob(db: Db, storage: DocumentStorage): PeriodicJob {
  return {
    name: "export-validated-titles",
    everySeconds: 60 * 60,
    run: async (now) => {
      const outcome = await exportValidatedTitles(db, storage, now);
      // Logged by the scheduler: counts and the day only, nothing personal.
      return outcome.kind === "exported" ? { day: outcome.day, count: outcome.count, skipped: outcome.skipped } : { day: outcome.day, already: true };
    },
  };
}
