import { summarize, type RequestContent } from "../../domain/request/summary.ts";
import { closingNotes, deposited, documentHeader, Flow, newDocument, requestFooters, rows, save, sectionTitle, type SentRequest } from "./layout.ts";

/**
 * The "Récépissé de dépôt" of a sent request (SPEC §3 step 7, §4; seed 002), with everything the
 * user entered (the same sections as the récapitulatif, from `summarize`) and what the deposit
 * allows or forbids. A4 portrait, French, real text, byte-identical when regenerated.
 */

const RECEIPT_TITLE = "Récépissé de dépôt d'une demande de permis de conduire";

/** The notes closing the récépissé (SPEC §4; seed 002). */
function receiptNotes(request: RequestContent): string[] {
  const notes: string[] = [];
  if (request.motif.group === "inscription" && request.step1?.categories.includes("B")) {
    notes.push("Ce récépissé vous permet de commencer l'apprentissage de la conduite sur les voies ouvertes à la circulation publique.");
  }
  if (request.motif.id === "fabrication.perte") {
    notes.push("Dans l'attente de l'attestation de droits à conduire, vous n'êtes pas autorisé à conduire.");
  }
  notes.push("Votre demande sera supprimée 6 mois après sa création, quel que soit son état.");
  return notes;
}

/** "Récépissé de dépôt" of a sent request: A4, French. */
export async function receiptPdf(request: SentRequest): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(RECEIPT_TITLE, { number: request.number, date: request.sentAt });
  const flow = new Flow(doc);

  documentHeader(flow, fonts, RECEIPT_TITLE, request.number, deposited("Demande déposée", request.sentAt), 4);
  for (const section of summarize(request)) {
    sectionTitle(flow, fonts, section.title);
    rows(flow, fonts, section.rows);
  }
  closingNotes(flow, fonts, receiptNotes(request));

  requestFooters(flow, fonts, request.number);
  return save(doc);
}
