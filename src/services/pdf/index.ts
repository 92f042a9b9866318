/**
 * The PDF documents of a request (SPEC §3 step 7, §4; seeds 001, 002, 004), one file each, over
 * the layout toolkit of ./layout.ts. All A4, in French, with real text (searchable, readable by
 * `pdftotext` and screen readers), and byte-identical when regenerated from the same data.
 */
export type { SentRequest } from "./layout.ts";
export { receiptPdf } from "./receipt.ts";
export { depositFormPdf } from "./deposit-form.ts";
export { attestationInscription, INSCRIPTION_TITLE } from "./attestation-inscription.ts";
export { attestationDroits, DROITS_TITLE, DROITS_VALIDITY_MONTHS } from "./attestation-droits.ts";
export { attestationDepot, DEPOT_TITLE } from "./attestation-depot.ts";
