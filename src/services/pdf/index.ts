import type { SentRequest } from "./layout.ts";

/**
 * The PDF documents of a request (SPEC §3 step 7, §4; seeds 001, 002, 004), one file each, over
 * the layout toolkit of ./layout.ts. All A4, in French, with real text (searchable, readable by
 * `pdftotext` and screen readers), and byte-identical when regenerated from the same data.
 *
 * Each document's module (and with it fontkit and the fonts) is loaded at the first document
 * asked of the process, not at start: with the captcha's media (the other user of fontkit), the
 * heap at rest is 5.5 Mo smaller, which every full collection walks (docs/PERFORMANCE.md, issue 8).
 */
export type { SentRequest };
export { INSCRIPTION_TITLE, DROITS_TITLE, DROITS_VALIDITY_MONTHS, DEPOT_TITLE } from "./titles.ts";

export async function receiptPdf(request: SentRequest): Promise<Uint8Array> {
  return (await import("./receipt.ts")).receiptPdf(request);
}

export async function depositFormPdf(request: SentRequest): Promise<Uint8Array> {
  return (await import("./deposit-form.ts")).depositFormPdf(request);
}

export async function attestationInscription(request: SentRequest, neph: string, validatedAt: Date): Promise<Uint8Array> {
  return (await import("./attestation-inscription.ts")).attestationInscription(request, neph, validatedAt);
}

export async function attestationDroits(request: SentRequest, validatedAt: Date): Promise<Uint8Array> {
  return (await import("./attestation-droits.ts")).attestationDroits(request, validatedAt);
}

export async function attestationDepot(request: SentRequest): Promise<Uint8Array> {
  return (await import("./attestation-depot.ts")).attestationDepot(request);
}
