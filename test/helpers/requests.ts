import { PDFDocument } from "pdf-lib";
import type { LocalStampService } from "../../src/services/stamps.ts";
import type { TestApp } from "./app.ts";
import { Browser, summaryErrors, type Form, type Page } from "./client.ts";
import { createActiveAccount } from "./flows.ts";
import { STEP1_PERTE, STEP2, STEP3 } from "./answers.ts";

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

/** The page shown after an upload, and the upload's own answer (a 303 to step 5, or a refusal). */
export type UploadPage = Page & { answer: { status: number; location: string | undefined; connection: string | undefined } };

/**
 * Posts one file as step 5's form does: a multipart body whose first field is `_csrf` (from the
 * last page unless given, or `csrf: false`), then for a complementary piece its type
 * (`type-complementaire`), then the file in the input named after its piece (`fichier-<piece>`,
 * `fichier-complementaire`), then `extra` fields (what else the form holds: stamp number...).
 * Follows the redirect. `tokenInQuery` puts the token in the address instead (refused).
 */
export async function upload(
  browser: Browser,
  requestId: string,
  fields: Record<string, string>,
  file: { name: string; type: string; content: Buffer },
  opts: { csrf?: string | false; tokenInQuery?: boolean; extra?: Record<string, string> } = {},
): Promise<UploadPage> {
  const form = new FormData();
  const token = opts.csrf === false ? undefined : (opts.csrf ?? browser.lastPage?.csrf);
  if (token && !opts.tokenInQuery) form.append("_csrf", token);
  const additional = fields.additional === "oui";
  if (additional) form.append("type-complementaire", fields.piece ?? "");
  form.append(`fichier-${additional ? "complementaire" : fields.piece}`, new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
  for (const [k, v] of Object.entries(opts.extra ?? {})) form.append(k, v);
  form.append("joindre", additional ? "complementaire" : (fields.piece ?? ""));
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  const query = token && opts.tokenInQuery ? `?_csrf=${encodeURIComponent(token)}` : "";
  const answer = await browser.raw("POST", `/demandes/${requestId}/pieces${query}`, body, encoded.headers.get("content-type")!, false);
  const location = typeof answer.headers.location === "string" ? answer.headers.location : undefined;
  const connection = typeof answer.headers.connection === "string" ? answer.headers.connection : undefined;
  const page = location?.startsWith("/") ? await browser.get(location) : answer;
  return Object.assign(page, { answer: { status: answer.status, location, connection } });
}

export { STEP1_PERTE, STEP2, STEP3 };

/** The motif form of a loss ("perte") for oneself, an adult. */
export const PERTE = { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" };

let draftAccounts = 0;
/**
 * A new account (its own address `198.51.100.x`, email `<label>-<n>@example.fr`) with a perte
 * draft whose steps 1 to 4 are done: the draft is on step 5, where files are accepted.
 */
export async function draftAtStep5(t: TestApp, label: string): Promise<{ b: Browser; id: string }> {
  draftAccounts++;
  const b = new Browser(t.app, `198.51.100.${100 + draftAccounts}`);
  await createActiveAccount(t, b, { email: `${label}-${draftAccounts}@example.fr` });
  await b.get("/demandes/nouvelle");
  const id = (await b.post("/demandes/nouvelle", PERTE)).url.split("/")[2]!;
  for (const [step, answers] of [[1, STEP1_PERTE], [2, STEP2], [3, STEP3], [4, { photoOption: "classique", action: "suivant" }]] as Array<[number, Form]>) {
    const page = await b.post(`/demandes/${id}/etape/${step}`, answers);
    const errors = summaryErrors(page);
    if (errors.length > 0) throw new Error(`step ${step} refused: ${errors.join(" / ")}`);
  }
  return { b, id };
}
