import {
  attestationSection,
  closingNotes,
  deposited,
  documentHeader,
  Flow,
  framedParagraphs,
  identityRows,
  newDocument,
  requestFooters,
  save,
  type SentRequest,
} from "./layout.ts";
import { DEPOT_TITLE } from "./titles.ts";

/**
 * "Attestation de dépôt" of a request for an international driving licence (seed 001's
 * notification: "vous pouvez désormais télécharger l'attestation de dépôt de votre demande à
 * joindre à votre demande par courrier papier"), available as soon as the request is sent.
 * One A4 page, dated by the sending.
 */

/** The attestation for the sent `request` (its frozen content, number and sending time). */
export async function attestationDepot(request: SentRequest): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(DEPOT_TITLE, { number: request.number, date: request.sentAt });
  const { regular, bold } = fonts;
  const flow = new Flow(doc);

  documentHeader(flow, fonts, DEPOT_TITLE, request.number, deposited("Demande déposée en ligne", request.sentAt), 8);
  framedParagraphs(flow, [
    { runs: [{ text: "À joindre à votre demande par courrier papier", font: bold }], size: 12, leading: 17 },
    {
      runs: [{ text: "Imprimez cette attestation et joignez-la à votre demande de permis de conduire international envoyée par courrier papier.", font: regular }],
      size: 10,
      leading: 14,
    },
  ]);

  attestationSection(flow, fonts, "Demandeur", identityRows(request, { prefecture: true }));
  if (request.step1?.numeroPermis) {
    attestationSection(flow, fonts, "Permis de conduire détenu", [{ label: "Numéro de permis", value: request.step1.numeroPermis }]);
  }

  closingNotes(flow, fonts, [
    "Cette attestation certifie le dépôt en ligne de la demande. Elle n'est pas un permis de conduire international et ne permet pas de conduire à l'étranger.",
    "Votre demande sera supprimée 6 mois après sa création, quel que soit son état.",
  ]);

  requestFooters(flow, fonts, request.number, DEPOT_TITLE);
  return save(doc);
}
