import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inflateSync } from "node:zlib";
// The minified build: the same code, whose source V8 keeps (twice, as an ES import of CommonJS) at 0.8 MB instead of 2.7 (issue 8, memory).
import fontkit from "@pdf-lib/fontkit/dist/fontkit.umd.min.js";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { formatDate, parisParts } from "../../domain/dates.ts";
import { addressLines, summarize, type RequestContent } from "../../domain/request/summary.ts";

/**
 * A small layout toolkit over pdf-lib, shared by the documents of src/services/pdf/: A4 pages,
 * the State's font, word-wrapped runs of text, a top-to-bottom flow that starts new pages, and
 * the fixed metadata that makes a document byte-identical when regenerated from the same data
 * (dates come from the data, never from the clock; no object streams; nothing random).
 *
 * Text is set in Marianne, the State's font (from @gouvfr/dsfr), embedded as a subset: it covers
 * Latin, Latin-1, Latin Extended-A and Vietnamese, so names such as "Łukasz", "Ğül", "Œdipe",
 * "Strauß" print as entered. A character the font lacks is replaced by its compatibility form
 * ("ǅ" → "Dž", "ﬁ" → "fi"), else its base letter, else "?" (Cyrillic, Greek, CJK...).
 * Should the font files be missing or unreadable, the documents fall back to Helvetica
 * (WinAnsi) with the same rule, which then also turns e.g. "Ł" into "L", "ğ" into "g".
 */

/** A request as sent (its frozen content, number and sending time): what every document is made from. */
export interface SentRequest extends RequestContent {
  number: string;
  sentAt: Date;
}

/* ------------------------------------------------------------------ page and fonts */

export const MM = 72 / 25.4;
export const A4: [number, number] = [595.28, 841.89];
export const [PAGE_WIDTH, PAGE_HEIGHT] = A4;
export const MARGIN = 20 * MM;
export const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;

export const BLACK = rgb(0.09, 0.09, 0.09);
export const GREY = rgb(0.4, 0.4, 0.4);
/** "Bleu France" of the DSFR (#000091). */
export const BLUE = rgb(0, 0, 0x91 / 255);

export const PRODUCT = "Permis de conduire";

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

export interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

export async function embedFonts(doc: PDFDocument): Promise<Fonts> {
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
export function printable(font: PDFFont, text: string): string {
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

export interface Run {
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

export type Line = Word[];

export const widthOf = (text: string, font: PDFFont, size: number) => font.widthOfTextAtSize(text, size);
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
export function wrap(runs: Run[], size: number, maxWidth: number): Line[] {
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

export function lineWidth(line: Line, size: number): number {
  return line.reduce((sum, w) => sum + spaceOf(w, size) + widthOf(w.text, w.font, size), 0);
}

/** Draws a line with its baseline at `y`: one text object per stretch in the same font and colour. */
export function drawLine(page: PDFPage, line: Line, x: number, y: number, size: number): void {
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
export function depositDate(date: Date): string {
  const part = parisParts(date);
  return `le ${part.day}/${part.month}/${part.year} à ${part.hour}:${part.minute}`;
}

/** What a document is about: the request's number, and the instant its data is dated (metadata). */
export interface DocumentSubject {
  number: string;
  date: Date;
}

/** A new document with fixed metadata (nothing taken from the clock) and the fonts embedded. */
export async function newDocument(title: string, subject: DocumentSubject): Promise<{ doc: PDFDocument; fonts: Fonts }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(PRODUCT);
  doc.setSubject(`${title} - demande n° ${subject.number}`);
  doc.setKeywords([PRODUCT, subject.number]);
  doc.setProducer(PRODUCT);
  doc.setCreator(PRODUCT);
  doc.setLanguage("fr-FR");
  doc.setCreationDate(subject.date);
  doc.setModificationDate(subject.date);
  return { doc, fonts: await embedFonts(doc) };
}

/** Same bytes for the same document: no object streams (readable by PDF 1.4 tools), nothing random. */
export const save = (doc: PDFDocument) => doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });

/* ------------------------------------------------------------------ flow of text */

/** Top of the text, lowest bottom of the text, baseline of the footer (from the bottom of the page). */
export const FLOW_TOP = PAGE_HEIGHT - 15 * MM;
export const FLOW_BOTTOM = 22 * MM;
export const FOOTER_BASELINE = 12 * MM;

/** A top-to-bottom writer that starts new pages as needed. */
export class Flow {
  readonly pages: PDFPage[] = [];
  private current!: PDFPage;
  /** Top of the next line, from the bottom of the page. */
  y = 0;

  constructor(private readonly doc: PDFDocument) {
    this.newPage();
  }

  /** The page being written. */
  get page(): PDFPage {
    return this.current;
  }

  newPage(): void {
    this.current = this.doc.addPage(A4);
    this.pages.push(this.current);
    this.y = FLOW_TOP;
  }

  /** Starts a new page unless `height` still fits above the footer. */
  ensure(height: number): void {
    if (this.y - height < FLOW_BOTTOM) this.newPage();
  }

  paragraph(runs: Run[], size: number, leading: number, options: { indent?: number; width?: number; keepWithNext?: number; after?: number } = {}): void {
    const indent = options.indent ?? 0;
    const lines = wrap(runs, size, options.width ?? CONTENT_WIDTH - indent);
    lines.forEach((line, i) => {
      this.ensure(leading + (i === 0 ? (options.keepWithNext ?? 0) : 0));
      this.y -= leading;
      drawLine(this.current, line, MARGIN + indent, this.y + (leading - size) / 2 + size * 0.2, size);
    });
    this.y -= options.after ?? 0;
  }

  rule(color: RGB = GREY, thickness = 0.5): void {
    this.current.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: PAGE_WIDTH - MARGIN, y: this.y }, thickness, color });
  }

  /** A frame around what was written on this page since `top` (a `y` taken earlier), `padding` below it. */
  frame(top: number, options: { padding?: number; color?: RGB; thickness?: number } = {}): void {
    const padding = options.padding ?? 6;
    this.y -= padding;
    this.current.drawRectangle({
      x: MARGIN,
      y: this.y,
      width: CONTENT_WIDTH,
      height: top - this.y,
      borderColor: options.color ?? GREY,
      borderWidth: options.thickness ?? 0.8,
    });
  }
}

/* ------------------------------------------------------------------ pieces shared by the documents */

/** "République Française", the product's name and a blue rule, at the top of a page. */
export function letterhead(flow: Flow, fonts: Fonts): void {
  flow.paragraph([{ text: "République Française", font: fonts.bold }], 11, 14);
  flow.paragraph([{ text: PRODUCT, font: fonts.regular, color: GREY }], 10, 13, { after: 5 });
  flow.rule(BLUE, 1.5);
  flow.y -= 8;
}

/** A document's title, in blue. */
export function documentTitle(flow: Flow, fonts: Fonts, title: string, size = 15): void {
  flow.paragraph([{ text: title, font: fonts.bold, color: BLUE }], size, size + 5, { after: 6 });
}

/** A section's title and a grey rule under it, kept with the first line that follows. */
export function sectionTitle(flow: Flow, fonts: Fonts, title: string, leading = 11.5): void {
  flow.y -= 7;
  flow.paragraph([{ text: title, font: fonts.bold, color: BLUE }], 11, 15, { keepWithNext: 4 + leading });
  flow.y -= 2;
  flow.rule();
  flow.y -= 2;
}

export interface Row {
  label: string;
  value: string;
}

/** "Label : value" lines, the label in grey. */
export function rows(flow: Flow, fonts: Fonts, list: readonly Row[], size = 9, leading = 11.5): void {
  for (const row of list) {
    flow.paragraph(
      [
        { text: `${row.label} :`, font: fonts.regular, color: GREY },
        { text: ` ${row.value}`, font: fonts.regular },
      ],
      size,
      leading,
      { after: 1.5 },
    );
  }
}

/** A centred grey footer on every page, e.g. "Demande n° … — page 1/2". */
export function footers(pages: readonly PDFPage[], font: PDFFont, text: (index: number, total: number) => string): void {
  pages.forEach((page, i) => {
    const line = wrap([{ text: text(i, pages.length), font, color: GREY }], 8, CONTENT_WIDTH)[0];
    if (line) drawLine(page, line, (PAGE_WIDTH - lineWidth(line, 8)) / 2, FOOTER_BASELINE, 8);
  });
}

/** "<title> — demande n° … — page 1/2" on every page, or "Demande n° … — page 1/2" without a title. */
export function requestFooters(flow: Flow, fonts: Fonts, number: string, title?: string): void {
  const prefix = title ? `${title} — demande n° ${number}` : `Demande n° ${number}`;
  footers(flow.pages, fonts.regular, (i, total) => `${prefix} — page ${i + 1}/${total}`);
}

/** The line dating a document, under its number: `label` then the date in bold, then `note`. */
export interface Dating {
  label: string;
  date: string;
  note?: string;
}

/** "<label> le 22/11/2026 à 10:15 (heure de Paris)": the sending of the request. */
export function deposited(label: string, sentAt: Date): Dating {
  return { label, date: depositDate(sentAt), note: " (heure de Paris)" };
}

/**
 * The top of a document's first page: the letterhead, the title, "Numéro de demande : …" and
 * the line dating the document, `after` points above what follows.
 */
export function documentHeader(flow: Flow, fonts: Fonts, title: string, number: string, dating: Dating, after: number): void {
  const { regular, bold } = fonts;
  letterhead(flow, fonts);
  documentTitle(flow, fonts, title);
  flow.paragraph(
    [
      { text: "Numéro de demande :", font: regular },
      { text: ` ${number}`, font: bold },
    ],
    11,
    16,
  );
  flow.paragraph(
    [{ text: dating.label, font: regular }, { text: ` ${dating.date}`, font: bold }, ...(dating.note ? [{ text: dating.note, font: regular }] : [])],
    11,
    16,
    { after },
  );
}

/** A section of an attestation: its title, then its rows (a little larger than the récapitulatif's). */
export function attestationSection(flow: Flow, fonts: Fonts, title: string, list: readonly Row[]): void {
  sectionTitle(flow, fonts, title);
  rows(flow, fonts, list, 9.5, 12.5);
}

export interface Paragraph {
  runs: Run[];
  size: number;
  leading: number;
}

/** Paragraphs set inside a frame across the content width (a notice, the NEPH). */
export function framedParagraphs(flow: Flow, paragraphs: readonly Paragraph[]): void {
  const top = flow.y;
  flow.y -= 4;
  for (const p of paragraphs) flow.paragraph(p.runs, p.size, p.leading, { indent: 8, width: CONTENT_WIDTH - 16 });
  flow.frame(top);
}

/** The notes closing a document, in bold. */
export function closingNotes(flow: Flow, fonts: Fonts, notes: readonly string[]): void {
  flow.y -= 12;
  for (const text of notes) flow.paragraph([{ text, font: fonts.bold }], 9.5, 13, { after: 3 });
}

export interface Column {
  title: string;
  /** Share of the content width (the shares of a table add up to 1). */
  share: number;
}

/**
 * A ruled table across the content width: a header row (bold, wrapped) and rows of cells of at
 * least `rowHeight` (blank cells make a form to fill in by hand). Kept on one page.
 */
export function table(flow: Flow, fonts: Fonts, columns: readonly Column[], body: readonly (readonly string[])[], options: { size?: number; rowHeight?: number } = {}): void {
  const size = options.size ?? 8;
  const leading = size * 1.25;
  const padding = 3;
  const widths = columns.map((c) => c.share * CONTENT_WIDTH);
  const cellLines = (cells: readonly string[], font: PDFFont) => cells.map((text, i) => wrap([{ text, font }], size, (widths[i] ?? 0) - 2 * padding));
  const header = cellLines(
    columns.map((c) => c.title),
    fonts.bold,
  );
  const lines = body.map((cells) => cellLines(cells, fonts.regular));
  const heightOf = (cells: Line[][], min: number) => Math.max(min, ...cells.map((c) => c.length * leading + 2 * padding));
  const heights = [heightOf(header, 0), ...lines.map((cells) => heightOf(cells, options.rowHeight ?? 0))];
  flow.ensure(heights.reduce((a, b) => a + b, 0));
  const page = flow.page;
  [header, ...lines].forEach((cells, r) => {
    const height = heights[r] ?? 0;
    let x = MARGIN;
    cells.forEach((cellText, c) => {
      const width = widths[c] ?? 0;
      page.drawRectangle({ x, y: flow.y - height, width, height, borderColor: GREY, borderWidth: 0.6 });
      cellText.forEach((line, i) => drawLine(page, line, x + padding, flow.y - padding - size - i * leading + size * 0.1, size));
      x += width;
    });
    flow.y -= height;
  });
}

/* ------------------------------------------------------------------ the request's data, as documents show it */

/** The état civil rows of the récapitulatif (same labels and values as `summarize`). */
export function etatCivilRows(request: SentRequest): Row[] {
  return summarize(request).find((s) => s.step === 2)?.rows ?? [];
}

/** "12 bis rue de l'Œuvre, Bâtiment …, 29000 QUIMPER", or "" without an address. */
export function addressText(request: SentRequest): string {
  return request.adresse ? addressLines(request.adresse).join(", ") : "";
}

/** The person's état civil then, with an address, "Adresse" (and the préfecture when `prefecture` is set). */
export function identityRows(request: SentRequest, options: { prefecture?: boolean } = {}): Row[] {
  const adresse = request.adresse;
  if (!adresse) return etatCivilRows(request);
  return [
    ...etatCivilRows(request),
    { label: "Adresse", value: addressText(request) },
    ...(options.prefecture ? [{ label: "Préfecture de rattachement", value: adresse.prefecture.label }] : []),
  ];
}

/** "Hélène Zoë ŁASKI-DUPRÉ": first names then the birth name (the usage name in brackets). */
export function fullName(request: SentRequest): string {
  const e = request.etatCivil;
  if (!e) return "";
  return [...e.prenoms, e.nomNaissance].join(" ") + (e.nomUsage ? ` (nom d'usage : ${e.nomUsage})` : "");
}

/** "Fait le …", "Pour le préfet et par délégation, le service instructeur" and the préfecture, closing an attestation. */
export function signatureBlock(flow: Flow, fonts: Fonts, request: SentRequest, day: Date): void {
  const lines = [`Fait le ${formatDate(day)}`, "Pour le préfet et par délégation,", "le service instructeur", ...(request.adresse ? [request.adresse.prefecture.label] : [])];
  flow.y -= 14;
  flow.ensure(lines.length * 14);
  for (const line of lines) flow.paragraph([{ text: line, font: fonts.regular }], 10, 14, { indent: CONTENT_WIDTH / 2 });
}
