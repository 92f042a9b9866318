import { addMonths, formatCalendarDate, formatDate, parisDate } from "../../domain/dates.ts";
import {
  attestationSection,
  BLUE,
  documentHeader,
  Flow,
  identityRows,
  newDocument,
  requestFooters,
  save,
  sectionTitle,
  signatureBlock,
  type Row,
  type SentRequest,
} from "./layout.ts";
import { DROITS_TITLE, DROITS_VALIDITY_MONTHS } from "./titles.ts";

/**
 * "Attestation de droits à conduire" (SPEC §4; seed 004): after the loss of a licence, once the
 * administration has checked the person's rights, until the new licence arrives. Until it is
 * available the person may not drive. One A4 page.
 */

/** Why the person has no licence in hand, from the motif. */
function circumstance(request: SentRequest): string {
  switch (request.motif.id) {
    case "fabrication.perte":
      return "à la suite de la perte de son permis de conduire";
    case "fabrication.vol":
      return "à la suite du vol de son permis de conduire";
    default:
      return "dans l'attente de son nouveau permis de conduire";
  }
}

/** The categories held, as the request gives them, and the licence's number when it was entered. */
function rightsRows(request: SentRequest): Row[] {
  const s1 = request.step1;
  return [
    {
      label: "Catégorie(s) de permis détenue(s)",
      value: s1?.categories.length ? s1.categories.join(", ") : "celles du permis de conduire perdu, inscrites au fichier national des permis de conduire",
    },
    ...(s1?.numeroPermis ? [{ label: "Numéro du permis de conduire perdu", value: s1.numeroPermis }] : []),
    { label: "Numéro de la demande de nouveau permis", value: request.number },
  ];
}

/** The attestation for `request` (a frozen request, with its number), made available at `validatedAt`. */
export async function attestationDroits(request: SentRequest, validatedAt: Date): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(DROITS_TITLE, { number: request.number, date: validatedAt });
  const { regular, bold } = fonts;
  const until = formatCalendarDate(addMonths(parisDate(validatedAt), DROITS_VALIDITY_MONTHS));
  const flow = new Flow(doc);

  documentHeader(flow, fonts, DROITS_TITLE, request.number, { label: "Attestation délivrée le", date: formatDate(validatedAt) }, 6);
  flow.paragraph(
    [
      {
        text: `Après vérification par l'administration, la personne désignée ci-dessous est titulaire du droit de conduire les véhicules des catégories indiquées, ${circumstance(request)}. Un nouveau permis de conduire est en cours de fabrication.`,
        font: regular,
      },
    ],
    10,
    14,
  );

  attestationSection(flow, fonts, "Titulaire", identityRows(request));
  attestationSection(flow, fonts, "Droits à conduire", rightsRows(request));

  sectionTitle(flow, fonts, "Validité");
  for (const text of [
    `Cette attestation vous autorise à conduire, en France, les véhicules des catégories indiquées ci-dessus jusqu'à la réception de votre nouveau permis de conduire, et au plus tard jusqu'au ${until}.`,
    "Présentez-la avec une pièce d'identité en cours de validité en cas de contrôle. Elle n'est pas valable à l'étranger.",
    "Votre nouveau permis vous sera envoyé par courrier sécurisé dans les 15 jours ; en cas d'absence, il peut être retiré à La Poste pendant 15 jours.",
  ]) {
    flow.paragraph([{ text, font: regular }], 10, 14, { after: 4 });
  }
  flow.paragraph([{ text: `Valable jusqu'au ${until}`, font: bold, color: BLUE }], 12, 17);

  signatureBlock(flow, fonts, request, validatedAt);
  requestFooters(flow, fonts, request.number, DROITS_TITLE);
  return save(doc);
}
