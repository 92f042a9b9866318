import { formatDate } from "../../domain/dates.ts";
import { displayNeph } from "../../domain/request/neph.ts";
import {
  addressText,
  attestationSection,
  documentTitle,
  etatCivilRows,
  Flow,
  footers,
  framedParagraphs,
  fullName,
  GREY,
  letterhead,
  newDocument,
  save,
  sectionTitle,
  signatureBlock,
  table,
  type Row,
  type SentRequest,
} from "./layout.ts";
import { INSCRIPTION_TITLE } from "./titles.ts";

/**
 * "Attestation d'inscription au permis de conduire" (SPEC §4; seed 002; issue 9 §4), the
 * equivalent of the Cerfa réf. 02, produced when an inscription is validated. It is printed
 * recto/verso on one A4 sheet and shown to the examiner at the tests, with the usual documents:
 * always two pages, the recto with the NEPH, the candidate and the categories, the verso with
 * what the attestation allows and the frame the examiners fill in.
 */

/** What the recto says about the inscription itself. */
function inscriptionRows(request: SentRequest, validatedAt: Date): Row[] {
  const s1 = request.step1;
  return [
    { label: "Numéro de demande", value: request.number },
    { label: "Motif", value: request.motif.summary },
    { label: "Catégorie(s) de permis demandée(s)", value: s1?.categories.length ? s1.categories.join(", ") : "Non renseignée" },
    ...(s1?.categoriesDetenues.length ? [{ label: "Catégorie(s) déjà obtenue(s)", value: s1.categoriesDetenues.join(", ") }] : []),
    ...(s1?.conduiteAccompagnee ? [{ label: "Apprentissage anticipé de la conduite", value: "Oui" }] : []),
    ...(request.adresse ? [{ label: "Préfecture de rattachement", value: request.adresse.prefecture.label }] : []),
    { label: "Date de validation de l'inscription", value: formatDate(validatedAt) },
  ];
}

/** The verso's explanations (seeds 002 and 004). */
function uses(request: SentRequest): string[] {
  const categories = request.step1?.categories ?? [];
  return [
    "Votre numéro NEPH est actif : il vous permet de vous inscrire à l'examen du code de la route (épreuve théorique générale), puis aux épreuves pratiques du permis de conduire pour la ou les catégories indiquées au recto.",
    "Cette attestation vous permet de prendre des leçons de conduite auprès d'une école de conduite et d'être présenté(e) aux épreuves du permis de conduire.",
    ...(categories.includes("B")
      ? ["Avec le récépissé de dépôt de votre demande, vous pouvez commencer l'apprentissage de la conduite sur les voies ouvertes à la circulation publique."]
      : []),
    "Imprimez cette attestation en recto/verso sur une seule feuille. Présentez-la à l'inspecteur chargé de l'évaluation lors des épreuves du permis de conduire, en plus des pièces habituelles (dont une pièce d'identité en cours de validité).",
    "Cette attestation n'est pas un permis de conduire : elle ne vous autorise pas à conduire seul(e).",
    "En cas de réussite à l'examen, la demande de titre faite en ligne remplace le Cerfa réf. 06.",
  ];
}

/**
 * The attestation of a validated inscription: `request` is the frozen request (with its number),
 * `neph` the 12 digits assigned at validation, `validatedAt` the instant of the validation.
 */
export async function attestationInscription(request: SentRequest, neph: string, validatedAt: Date): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(INSCRIPTION_TITLE, { number: request.number, date: validatedAt });
  const { regular, bold } = fonts;
  const shownNeph = displayNeph(neph);
  const flow = new Flow(doc);

  // Recto.
  letterhead(flow, fonts);
  documentTitle(flow, fonts, INSCRIPTION_TITLE);
  flow.paragraph([{ text: "Équivalent du Cerfa réf. 02 — à imprimer en recto/verso sur une seule feuille", font: regular, color: GREY }], 9.5, 13, { after: 6 });
  framedParagraphs(flow, [
    { runs: [{ text: "Numéro d'enregistrement préfectoral harmonisé (NEPH)", font: regular }], size: 10, leading: 14 },
    { runs: [{ text: shownNeph, font: bold }], size: 18, leading: 24 },
  ]);

  attestationSection(flow, fonts, "Inscription", inscriptionRows(request, validatedAt));
  attestationSection(flow, fonts, "État civil du candidat", etatCivilRows(request));
  attestationSection(flow, fonts, "Adresse du candidat", [{ label: "Adresse", value: addressText(request) }]);
  signatureBlock(flow, fonts, request, validatedAt);

  // Verso: always a page of its own, so that the sheet prints recto/verso.
  flow.newPage();
  flow.paragraph([{ text: `${INSCRIPTION_TITLE} (verso)`, font: bold }], 11, 15);
  flow.paragraph(
    [
      { text: "NEPH", font: regular, color: GREY },
      { text: ` ${shownNeph}`, font: bold },
      { text: " — ", font: regular, color: GREY },
      { text: fullName(request), font: regular },
    ],
    10,
    14,
    { after: 4 },
  );
  sectionTitle(flow, fonts, "Ce que permet cette attestation");
  for (const text of uses(request)) flow.paragraph([{ text: `• ${text}`, font: regular }], 9.5, 13, { after: 4 });

  sectionTitle(flow, fonts, "Cadre réservé aux épreuves du permis de conduire");
  flow.y -= 4;
  table(
    flow,
    fonts,
    [
      { title: "Épreuve", share: 0.28 },
      { title: "Catégorie", share: 0.12 },
      { title: "Date", share: 0.15 },
      { title: "Résultat", share: 0.15 },
      { title: "Cachet et signature de l'examinateur", share: 0.3 },
    ],
    [
      ["Épreuve théorique générale (code)", "", "", "", ""],
      ["Épreuve théorique générale (code)", "", "", "", ""],
      ["Épreuve pratique", "", "", "", ""],
      ["Épreuve pratique", "", "", "", ""],
      ["Épreuve pratique", "", "", "", ""],
    ],
    { size: 8.5, rowHeight: 34 },
  );

  footers(flow.pages, regular, (i, total) => `${INSCRIPTION_TITLE} — NEPH ${shownNeph} — ${i === 0 ? "recto" : "verso"} (page ${i + 1}/${total})`);
  return save(doc);
}
