import { formatPartialDate } from "../../domain/request/birthdate.ts";
import { addressLines } from "../../domain/request/summary.ts";
import { A4, BLACK, BLUE, CONTENT_WIDTH, drawLine, GREY, MARGIN, MM, newDocument, PAGE_HEIGHT, PAGE_WIDTH, printable, save, widthOf, wrap, type Run, type SentRequest } from "./layout.ts";

/**
 * For a classic photo, the "Formulaire de dépôt de photo et de signature pour numérisation"
 * (SPEC §3 step 7; seed 001), printed, completed with the photo and a signature, and mailed to
 * the CTN in a window envelope. One A4 page, French, byte-identical when regenerated.
 */

const DEPOSIT_TITLE = "Formulaire de dépôt de photo et de signature pour numérisation";
/** The CTN, where classic photos are mailed (SPEC §3 step 4; seed 001). */
const CTN_ADDRESS = ["CTN", "CS 80168", "53102 MAYENNE CEDEX"] as const;

/**
 * Where the CTN's address goes so that it shows through the window of a DL or C5 envelope
 * (window 100 × 45 mm, 20 mm from the right edge, about 45 mm from the top once folded in three):
 * left edge and first baseline from the top of the page.
 */
const WINDOW_X = 320;
const WINDOW_TOP = 140;

/** "Formulaire de dépôt de photo et de signature pour numérisation" (only meaningful when request.photo?.option === "classique"). */
export async function depositFormPdf(request: SentRequest): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(DEPOSIT_TITLE, { number: request.number, date: request.sentAt });
  const { regular, bold } = fonts;
  const page = doc.addPage(A4);
  const top = (fromTop: number) => PAGE_HEIGHT - fromTop;
  const text = (runs: Run[], x: number, baseline: number, size: number, maxWidth: number, leading = size * 1.3): number => {
    const lines = wrap(runs, size, maxWidth);
    lines.forEach((line, i) => drawLine(page, line, x, baseline - i * leading, size));
    return baseline - (lines.length - 1) * leading;
  };

  // Header and title.
  text([{ text: "République Française", font: bold }], MARGIN, top(MARGIN + 10), 10, CONTENT_WIDTH);
  text([{ text: "Demande de permis de conduire", font: bold, color: BLUE }], MARGIN, top(MARGIN + 38), 15, CONTENT_WIDTH);
  text([{ text: DEPOSIT_TITLE, font: regular }], MARGIN, top(MARGIN + 56), 11.5, CONTENT_WIDTH);

  // The address shown through the envelope's window.
  CTN_ADDRESS.forEach((line, i) => text([{ text: line, font: regular }], WINDOW_X, top(WINDOW_TOP + i * 15), 11.5, PAGE_WIDTH - MARGIN - WINDOW_X));

  // Recap and warnings.
  let y = top(235);
  text([{ text: "Récapitulatif de votre saisie", font: bold, color: BLUE }], MARGIN, y, 13, CONTENT_WIDTH);
  y -= 20;
  for (const warning of [
    "Si vous raturez ce formulaire, la modification ne sera pas prise en compte et risque d'entraîner l'échec de votre demande.",
    "Ne joindre aucune pièce justificative à ce courrier.",
  ]) {
    y = text([{ text: warning, font: bold }], MARGIN, y, 9.5, CONTENT_WIDTH, 12.5) - 16;
  }
  y -= 16;

  // Photo box, 35 × 45 mm, at the right of the fields.
  const photo = { width: 35 * MM, height: 45 * MM };
  const photoX = PAGE_WIDTH - MARGIN - photo.width;
  const photoTop = y + 9.5;
  page.drawRectangle({ x: photoX, y: photoTop - photo.height, width: photo.width, height: photo.height, borderColor: BLACK, borderWidth: 0.8 });
  const photoLabel = "Photo Couleur A COLLER sans agrafe";
  const photoLabelWidth = widthOf(printable(bold, photoLabel), bold, 7.5);
  text([{ text: photoLabel, font: bold }], photoX + photo.width - photoLabelWidth, photoTop - photo.height - 11, 7.5, photoLabelWidth + 1);

  // Fields, left of the photo.
  const labels = ["Numéro de demande :", "Nom de naissance :", "Prénom(s) :", "Date de nais. :", "Adresse :"];
  const labelX = MARGIN;
  const valueX = MARGIN + Math.max(...labels.map((l) => widthOf(printable(bold, l), bold, 10))) + 10;
  const fieldsRight = photoX - 14;
  const e = request.etatCivil;
  const field = (label: string, value: string | string[], maxRight = fieldsRight): void => {
    text([{ text: label, font: bold }], labelX, y, 10, valueX - labelX - 4);
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) y = text([{ text: v, font: regular }], valueX, y, 10, maxRight - valueX) - 13;
    y -= 5;
  };
  field("Numéro de demande :", request.number);
  field("Nom de naissance :", e?.nomNaissance ?? "");
  // "Prénom(s) :" and "Sexe :" share a line, as on the paper form.
  const sexeX = fieldsRight - 70;
  text([{ text: "Sexe :", font: bold }], sexeX, y, 10, 40);
  text([{ text: e ? e.sexe : "", font: regular }], sexeX + 36, y, 10, fieldsRight - sexeX - 36);
  field("Prénom(s) :", e?.prenoms.join(", ") ?? "", sexeX - 8);
  field("Date de nais. :", e ? formatPartialDate(e.dateNaissance) : "");
  field("Adresse :", request.adresse ? addressLines(request.adresse) : "");

  // Sworn statement and signature box.
  y = Math.min(y, photoTop - photo.height - 11) - 26;
  y = text([{ text: "J'atteste sur l'honneur que les informations fournies sont exactes", font: regular }], MARGIN, y, 10.5, CONTENT_WIDTH) - 22;
  const footerTop = MARGIN + 40;
  const signature = { width: 90 * MM, height: Math.max(18 * MM, Math.min(40 * MM, y - 12 - footerTop - 16)) };
  const signatureX = (PAGE_WIDTH - signature.width) / 2;
  const signatureLabel = "SIGNATURE A L'ENCRE NOIRE";
  const labelWidth = widthOf(printable(bold, signatureLabel), bold, 9);
  text([{ text: signatureLabel, font: bold }], (PAGE_WIDTH - labelWidth) / 2, y, 9, labelWidth + 1);
  page.drawRectangle({ x: signatureX, y: y - 8 - signature.height, width: signature.width, height: signature.height, borderColor: BLACK, borderWidth: 0.8 });

  // Mailing instructions.
  text(
    [
      {
        text: "Mettre ce document dans une enveloppe affranchie adressée à l'adresse figurant ci-dessus (celle-ci est placée afin de pouvoir insérer ce document dans une enveloppe à fenêtre).",
        font: regular,
        color: GREY,
      },
    ],
    MARGIN,
    footerTop,
    8.5,
    CONTENT_WIDTH,
    11,
  );
  return save(doc);
}
