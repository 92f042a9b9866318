import {
  addressText,
  CONTENT_WIDTH,
  depositDate,
  documentTitle,
  etatCivilRows,
  Flow,
  footers,
  letterhead,
  newDocument,
  rows,
  save,
  sectionTitle,
  type SentRequest,
} from "./layout.ts";

/**
 * "Attestation de dépôt" of a request for an international driving licence (seed 001's
 * notification: "vous pouvez désormais télécharger l'attestation de dépôt de votre demande à
 * joindre à votre demande par courrier papier"), available as soon as the request is sent.
 * One A4 page, dated by the sending.
 */

export const DEPOT_TITLE = "Attestation de dépôt d'une demande de permis de conduire international";

/** The attestation for the sent `request` (its frozen content, number and sending time). */
export async function attestationDepot(request: SentRequest): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(DEPOT_TITLE, { number: request.number, date: request.sentAt });
  const { regular, bold } = fonts;
  const flow = new Flow(doc);

  letterhead(flow, fonts);
  documentTitle(flow, fonts, DEPOT_TITLE);
  flow.paragraph(
    [
      { text: "Numéro de demande :", font: regular },
      { text: ` ${request.number}`, font: bold },
    ],
    11,
    16,
  );
  flow.paragraph(
    [
      { text: "Demande déposée en ligne", font: regular },
      { text: ` ${depositDate(request.sentAt)}`, font: bold },
      { text: " (heure de Paris)", font: regular },
    ],
    11,
    16,
    { after: 8 },
  );

  const top = flow.y;
  flow.y -= 4;
  flow.paragraph([{ text: "À joindre à votre demande par courrier papier", font: bold }], 12, 17, { indent: 8, width: CONTENT_WIDTH - 16 });
  flow.paragraph(
    [{ text: "Imprimez cette attestation et joignez-la à votre demande de permis de conduire international envoyée par courrier papier.", font: regular }],
    10,
    14,
    { indent: 8, width: CONTENT_WIDTH - 16 },
  );
  flow.frame(top);

  sectionTitle(flow, fonts, "Demandeur");
  rows(flow, fonts, etatCivilRows(request), 9.5, 12.5);
  if (request.adresse) {
    rows(
      flow,
      fonts,
      [
        { label: "Adresse", value: addressText(request) },
        { label: "Préfecture de rattachement", value: request.adresse.prefecture.label },
      ],
      9.5,
      12.5,
    );
  }
  if (request.step1?.numeroPermis) {
    sectionTitle(flow, fonts, "Permis de conduire détenu");
    rows(flow, fonts, [{ label: "Numéro de permis", value: request.step1.numeroPermis }], 9.5, 12.5);
  }

  flow.y -= 12;
  for (const text of [
    "Cette attestation certifie le dépôt en ligne de la demande. Elle n'est pas un permis de conduire international et ne permet pas de conduire à l'étranger.",
    "Votre demande sera supprimée 6 mois après sa création, quel que soit son état.",
  ]) {
    flow.paragraph([{ text, font: bold }], 9.5, 13, { after: 3 });
  }

  footers(flow.pages, regular, (i, total) => `${DEPOT_TITLE} — demande n° ${request.number} — page ${i + 1}/${total}`);
  return save(doc);
}
