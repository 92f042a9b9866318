import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inflateSync } from "node:zlib";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { parisParts } from "../domain/dates.ts";
import { formatPartialDate } from "../domain/request/birthdate.ts";
import { addressLines, summarize, type RequestContent } from "../domain/request/summary.ts";

/**
 * The two PDF documents of a sent request (SPEC §3 step 7, §4; seeds 001, 002):
 * - the "Récépissé de dépôt", with everything the user entered (the same sections as the
 *   récapitulatif, from `summarize`) and what the deposit allows or forbids;
 * - for a classic photo, the "Formulaire de dépôt de photo et de signature pour numérisation",
 *   printed, completed with the photo and a signature, and mailed to the CTN in a window envelope.
 *
 * Both are A4 portrait, in French, with real text (searchable, readable by `pdftotext` and screen
 * readers), and byte-identical when regenerated from the same data: dates come from the request
 * (`sentAt`), metadata is fixed, and pdf-lib's resource names come from a seeded generator.
 *
 * Text is set in Marianne, the State's font (from @gouvfr/dsfr), embedded as a subset: it covers
 * Latin, Latin-1, Latin Extended-A and Vietnamese, so names such as "Łukasz", "Ğül", "Œdipe",
 * "Strauß" print as entered. A character the font lacks is replaced by its compatibility form
 * ("ǅ" → "Dž", "ﬁ" → "fi"), else its base letter, else "?" (Cyrillic, Greek, CJK...).
 * Should the font files be missing or unreadable, the documents fall back to Helvetica
 * (WinAnsi) with the same rule, which then also turns e.g. "Ł" into "L", "ğ" into "g".
 */

export interface SentRequest extends RequestContent {
  number: string;
  sentAt: Date;
}

/* ------------------------------------------------------------------ page and fonts */

const MM = 72 / 25.4;
const A4: [number, number] = [595.28, 841.89];
const [PAGE_WIDTH, PAGE_HEIGHT] = A4;
const MARGIN = 20 * MM;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

const BLACK = rgb(0.09, 0.09, 0.09);
const GREY = rgb(0.4, 0.4, 0.4);
/** "Bleu France" of the DSFR (#000091). */
const BLUE = rgb(0, 0, 0x91 / 255);

const PRODUCT = "Permis de conduire";

interface FontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

let fontBytes: Promise<FontBytes | undefined> | undefined;

/**
 * The OpenType font (sfnt) inside a WOFF 1.0 file, whose tables are zlib streams. fontkit reads
 * WOFF itself, but with a JavaScript inflater that takes some 300 ms per font and per document;
 * unpacked once here with node:zlib, the fonts embed in a few milliseconds.
 */
function woffToSfnt(woff: Uint8Array): Uint8Array {
  const src = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (src.getUint32(0) !== 0x774f4646) throw new Error("not a WOFF 1.0 font"); // "wOFF"
  const flavor = src.getUint32(4);
  const numTables = src.getUint16(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 44 + i * 20;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((d) => src.getUint32(at + d)) as [number, number, number, number, number];
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? new Uint8Array(inflateSync(stored)) : stored;
    if (data.length !== origLength) throw new Error("corrupt WOFF table");
    return { tag, checksum, data };
  });
  const pad = (n: number) => (n + 3) & ~3;
  const headerLength = 12 + 16 * numTables;
  const out = new Uint8Array(headerLength + tables.reduce((sum, t) => sum + pad(t.data.length), 0));
  const dst = new DataView(out.buffer);
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  dst.setUint32(0, flavor);
  dst.setUint16(4, numTables);
  dst.setUint16(6, searchRange);
  dst.setUint16(8, entrySelector);
  dst.setUint16(10, numTables * 16 - searchRange);
  let offset = headerLength;
  tables.forEach((t, i) => {
    dst.setUint32(12 + i * 16, t.tag);
    dst.setUint32(16 + i * 16, t.checksum);
    dst.setUint32(20 + i * 16, offset);
    dst.setUint32(24 + i * 16, t.data.length);
    out.set(t.data, offset);
    offset += pad(t.data.length);
  });
  return out;
}

/** The sfnt font if the file is a readable WOFF, else the bytes as they are (fontkit will judge). */
function unpacked(bytes: Uint8Array): Uint8Array {
  try {
    return woffToSfnt(bytes);
  } catch {
    return bytes;
  }
}

/** Marianne's files, read once per process; undefined when they cannot be read. */
function loadFontBytes(): Promise<FontBytes | undefined> {
  fontBytes ??= (async () => {
    try {
      const dir = join(dirname(createRequire(import.meta.url).resolve("@gouvfr/dsfr/package.json")), "dist", "fonts");
      const [regular, bold] = await Promise.all([readFile(join(dir, "Marianne-Regular.woff")), readFile(join(dir, "Marianne-Bold.woff"))]);
      return { regular: unpacked(new Uint8Array(regular)), bold: unpacked(new Uint8Array(bold)) };
    } catch {
      return undefined;
    }
  })();
  return fontBytes;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  const bytes = await loadFontBytes();
  if (bytes) {
    try {
      doc.registerFontkit(fontkit);
      // Subset fonts are named with a six-letter tag ("XXXXXX+Name", ISO 32000 §9.6.4); fixed here
      // so that the document does not depend on anything but its data.
      const regular = await doc.embedFont(bytes.regular, { subset: true, customName: "PCMREG+Marianne-Regular" });
      const bold = await doc.embedFont(bytes.bold, { subset: true, customName: "PCMBLD+Marianne-Bold" });
      return { regular, bold };
    } catch {
      // fall through to the standard fonts
    }
  }
  return { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
}

/** Spellings used when a character is missing from the font (after that, NFKD without marks). */
const SUBSTITUTES: Readonly<Record<string, string>> = {
  Ł: "L",
  ł: "l",
  Đ: "D",
  đ: "d",
  Ħ: "H",
  ħ: "h",
  ı: "i",
  Ŀ: "L",
  ŀ: "l",
  ŋ: "n",
  Ŋ: "N",
  Œ: "OE",
  œ: "oe",
  Æ: "AE",
  æ: "ae",
  Ø: "O",
  ø: "o",
  ß: "ss",
  Þ: "Th",
  þ: "th",
  Ð: "D",
  ð: "d",
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2018": "'",
  "\u2019": "'",
  "\u201C": '"',
  "\u201D": '"',
  "«": '"',
  "»": '"',
  "€": "EUR",
  "\u00A0": " ",
  "\u202F": " ",
  "\u2009": " ",
};

const charsets = new WeakMap<PDFFont, Set<number>>();

/** `text` with only characters `font` can draw; white space (tabs, new lines) becomes spaces. */
function printable(font: PDFFont, text: string): string {
  let set = charsets.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsets.set(font, set);
  }
  const has = (c: string) => set.has(c.codePointAt(0) ?? -1);
  const drawable = (t: string | undefined): t is string => t !== undefined && t !== "" && [...t].every(has);
  /** A single character: its substitute, else its base letter ("ğ" → "g"), else "?". */
  const base = (c: string): string => {
    const candidates = [SUBSTITUTES[c], c.normalize("NFKD").replace(/\p{M}/gu, "")];
    return candidates.find(drawable) ?? "?";
  };
  let out = "";
  for (const c of text.normalize("NFC").replace(/[\t\n\r\f\v\u2028\u2029]/g, " ")) {
    if (has(c)) out += c;
    else if (/\p{Cc}|\p{Cf}/u.test(c)) continue;
    else if (drawable(SUBSTITUTES[c])) out += SUBSTITUTES[c];
    else {
      // Compatibility forms first ("ǅ" → "Dž", "ﬁ" → "fi"), keeping the accents the font has.
      const compatible = c.normalize("NFKC");
      out += compatible === c ? base(c) : [...compatible].map((k) => (has(k) ? k : base(k))).join("");
    }
  }
  return out;
}

/* ------------------------------------------------------------------ text layout */

interface Run {
  text: string;
  font: PDFFont;
  color?: RGB;
}

interface Word {
  text: string;
  font: PDFFont;
  color: RGB;
  /** Preceded by a space (in the word's font). */
  spaced: boolean;
}

type Line = Word[];

const widthOf = (text: string, font: PDFFont, size: number) => font.widthOfTextAtSize(text, size);
const spaceOf = (w: Word, size: number) => (w.spaced ? widthOf(" ", w.font, size) : 0);

/** Splits a word too long for a line (a file name, an e-mail address) into pieces that fit. */
function breakWord(word: Word, size: number, maxWidth: number): Word[] {
  const pieces: Word[] = [];
  let current = "";
  for (const c of word.text) {
    if (current !== "" && widthOf(current + c, word.font, size) > maxWidth) {
      pieces.push({ ...word, text: current, spaced: pieces.length === 0 && word.spaced });
      current = "";
    }
    current += c;
  }
  pieces.push({ ...word, text: current, spaced: pieces.length === 0 && word.spaced });
  return pieces;
}

/** Word-wraps runs of text (each in its font and colour) to `maxWidth`. */
function wrap(runs: Run[], size: number, maxWidth: number): Line[] {
  const words: Word[] = [];
  let space = false;
  for (const run of runs) {
    for (const token of printable(run.font, run.text).split(/( +)/)) {
      if (token === "") continue;
      if (token.startsWith(" ")) space = true;
      else {
        words.push({ text: token, font: run.font, color: run.color ?? BLACK, spaced: space && words.length > 0 });
        space = false;
      }
    }
  }
  const lines: Line[] = [];
  let line: Line = [];
  let width = 0;
  for (const whole of words) {
    for (const word of widthOf(whole.text, whole.font, size) > maxWidth ? breakWord(whole, size, maxWidth) : [whole]) {
      const w = widthOf(word.text, word.font, size);
      if (line.length > 0 && width + spaceOf(word, size) + w > maxWidth) {
        lines.push(line);
        line = [];
        width = 0;
      }
      const placed = line.length === 0 ? { ...word, spaced: false } : word;
      line.push(placed);
      width += spaceOf(placed, size) + w;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

function lineWidth(line: Line, size: number): number {
  return line.reduce((sum, w) => sum + spaceOf(w, size) + widthOf(w.text, w.font, size), 0);
}

/** Draws a line with its baseline at `y`: one text object per stretch in the same font and colour. */
function drawLine(page: PDFPage, line: Line, x: number, y: number, size: number): void {
  let cursor = x;
  let segment: { text: string; font: PDFFont; color: RGB; x: number } | undefined;
  const flush = () => {
    if (segment) page.drawText(segment.text, { x: segment.x, y, size, font: segment.font, color: segment.color });
  };
  for (const w of line) {
    const text = (w.spaced ? " " : "") + w.text;
    if (segment && segment.font === w.font && segment.color === w.color) segment.text += text;
    else {
      flush();
      segment = { text, font: w.font, color: w.color, x: cursor };
    }
    cursor += widthOf(text, w.font, size);
  }
  flush();
}

/* ------------------------------------------------------------------ metadata and dates */

/** "le 22/11/2026 à 10:15", in Paris time. */
function depositDate(date: Date): string {
  const part = parisParts(date);
  return `le ${part.day}/${part.month}/${part.year} à ${part.hour}:${part.minute}`;
}

async function newDocument(title: string, request: SentRequest): Promise<{ doc: PDFDocument; fonts: Fonts }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(PRODUCT);
  doc.setSubject(`${title} - demande n° ${request.number}`);
  doc.setKeywords([PRODUCT, request.number]);
  doc.setProducer(PRODUCT);
  doc.setCreator(PRODUCT);
  doc.setLanguage("fr-FR");
  doc.setCreationDate(request.sentAt);
  doc.setModificationDate(request.sentAt);
  return { doc, fonts: await embedFonts(doc) };
}

/** Same bytes for the same document: no object streams (readable by PDF 1.4 tools), nothing random. */
const save = (doc: PDFDocument) => doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });

/* ------------------------------------------------------------------ récépissé de dépôt */

const RECEIPT_TITLE = "Récépissé de dépôt d'une demande de permis de conduire";
/** Top of the text, lowest bottom of the text, baseline of the footer (from the bottom of the page). */
const FLOW_TOP = PAGE_HEIGHT - 15 * MM;
const FLOW_BOTTOM = 22 * MM;
const FOOTER_BASELINE = 12 * MM;
const BODY_SIZE = 9;
const BODY_LEADING = 11.5;

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

/** A top-to-bottom writer that starts new pages as needed. */
class Flow {
  readonly pages: PDFPage[] = [];
  private page!: PDFPage;
  /** Top of the next line, from the bottom of the page. */
  y = 0;

  constructor(private readonly doc: PDFDocument) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = FLOW_TOP;
  }

  /** Starts a new page unless `height` still fits above the footer. */
  ensure(height: number): void {
    if (this.y - height < FLOW_BOTTOM) this.newPage();
  }

  paragraph(runs: Run[], size: number, leading: number, options: { indent?: number; keepWithNext?: number; after?: number } = {}): void {
    const indent = options.indent ?? 0;
    const lines = wrap(runs, size, CONTENT_WIDTH - indent);
    lines.forEach((line, i) => {
      this.ensure(leading + (i === 0 ? (options.keepWithNext ?? 0) : 0));
      this.y -= leading;
      drawLine(this.page, line, MARGIN + indent, this.y + (leading - size) / 2 + size * 0.2, size);
    });
    this.y -= options.after ?? 0;
  }

  rule(color: RGB = GREY, thickness = 0.5): void {
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_WIDTH - MARGIN, y: this.y }, thickness, color });
  }
}

/** "Récépissé de dépôt" of a sent request: A4, French. */
export async function receiptPdf(request: SentRequest): Promise<Uint8Array> {
  const { doc, fonts } = await newDocument(RECEIPT_TITLE, request);
  const { regular, bold } = fonts;
  const flow = new Flow(doc);

  flow.paragraph([{ text: "République Française", font: bold }], 11, 14);
  flow.paragraph([{ text: PRODUCT, font: regular, color: GREY }], 10, 13, { after: 5 });
  flow.rule(BLUE, 1.5);
  flow.y -= 8;
  flow.paragraph([{ text: RECEIPT_TITLE, font: bold, color: BLUE }], 15, 20, { after: 6 });
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
      { text: "Demande déposée", font: regular },
      { text: ` ${depositDate(request.sentAt)}`, font: bold },
      { text: " (heure de Paris)", font: regular },
    ],
    11,
    16,
    { after: 4 },
  );

  for (const section of summarize(request)) {
    flow.y -= 7;
    flow.paragraph([{ text: section.title, font: bold, color: BLUE }], 11, 15, { keepWithNext: 4 + BODY_LEADING });
    flow.y -= 2;
    flow.rule();
    flow.y -= 2;
    for (const row of section.rows) {
      flow.paragraph(
        [
          { text: `${row.label} :`, font: regular, color: GREY },
          { text: ` ${row.value}`, font: regular },
        ],
        BODY_SIZE,
        BODY_LEADING,
        { after: 1.5 },
      );
    }
  }

  flow.y -= 12;
  for (const note of receiptNotes(request)) flow.paragraph([{ text: note, font: bold }], 9.5, 13, { after: 3 });

  const total = flow.pages.length;
  flow.pages.forEach((page, i) => {
    const line = wrap([{ text: `Demande n° ${request.number} — page ${i + 1}/${total}`, font: regular, color: GREY }], 8, CONTENT_WIDTH)[0];
    if (line) drawLine(page, line, (PAGE_WIDTH - lineWidth(line, 8)) / 2, FOOTER_BASELINE, 8);
  });
  return save(doc);
}

/* ------------------------------------------------------------------ formulaire de dépôt */

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
  const { doc, fonts } = await newDocument(DEPOSIT_TITLE, request);
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
