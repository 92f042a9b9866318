import { PDFDocument } from "pdf-lib";
import type { LocalStampService } from "../../src/services/stamps.ts";
import type { TestApp } from "./app.ts";
import type { Browser, Page } from "./client.ts";

/** Fixtures and shortcuts for request tests. */

/** A 1×1 PNG. */
export const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

export async function pdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`Page ${i + 1}`, { x: 50, y: 800, size: 12 });
  return Buffer.from(await doc.save());
}

/** An approved provider deposits a photo and a signature; returns the 22-digit code. */
export async function photoCode(t: TestApp): Promise<string> {
  const { provider } = await t.services.photoCodes.addProvider({ name: "Studio Test", kind: "photographe", address: "1 rue de la Paix", postcode: "75002", commune: "Paris" });
  const result = await t.services.photoCodes.deposit(provider, PNG, PNG);
  if (!result.ok) throw new Error(result.error);
  return result.code;
}

export async function stamp(t: TestApp): Promise<string> {
  const [number] = await (t.services.stamps as LocalStampService).issue(1, new Date());
  return number!;
}

/** Posts one file to a step-5 upload form, as the browser's multipart form would. */
export async function upload(browser: Browser, requestId: string, fields: Record<string, string>, file: { name: string; type: string; content: Buffer }, opts: { csrf?: string | false } = {}): Promise<Page> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("fichier", new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  const token = opts.csrf === false ? undefined : (opts.csrf ?? browser.lastPage?.csrf);
  return browser.raw("POST", `/demandes/${requestId}/pieces${token ? `?_csrf=${encodeURIComponent(token)}` : ""}`, body, encoded.headers.get("content-type")!);
}

export const STEP1_PERTE = {
  categories: ["B"],
  visiteMedicale: "non",
  formationComplementaire: "non",
  francais: "oui",
  vehiculeAmenage: "non",
  vision: "non",
  affection: "non",
  pension: "non",
  action: "suivant",
};

export const STEP2 = {
  nomNaissance: "Dupont",
  sexe: "F",
  prenom1: "Sylvie",
  naissanceJour: "00",
  naissanceMois: "00",
  naissanceAnnee: "1985",
  nationalite: "francaise",
  paysNaissance: "99100",
  departementNaissance: "42",
  communeNaissance: "Saint-Etienne",
  action: "suivant",
};

export const STEP3 = {
  numero: "12",
  typeVoie: "rue",
  nomVoie: "de Grenelle",
  codePostal: "75007",
  commune: "Paris",
  prefecture: "75056",
  justificatifAuNom: "oui",
  email: "sylvie.dupont@example.fr",
  telephone: "06 12 34 56 78",
  consentement: "oui",
  action: "suivant",
};
