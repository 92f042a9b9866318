import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import { EncryptedPDFError, PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFObject } from "pdf-lib";

/**
 * Inspection of an uploaded document's content: page count, completeness, and the checks
 * against hostile files (decompression bombs, oversized images, active PDF content,
 * polyglots). Nothing is ever decoded into pixels: images are judged by their headers.
 *
 * This module runs inside the inspection worker (inspection-worker.ts, started by
 * inspection-pool.ts), where a deadline, a heap limit and a ceiling on decompressed bytes
 * bound it. Call it through `countPages` (documents.ts), never directly on the main thread.
 */
export type DocumentKind = "jpeg" | "png" | "bmp" | "tiff" | "pdf";

/** Why a file is refused; each reason has its French message in DOCUMENT_ERRORS (documents.ts). */
export type RefusalReason = "damaged" | "protected" | "dimensions" | "active" | "trailing" | "complex";

/**
 * A PDF page that is a scanned image: the largest JPEG (DCTDecode) image of the page, as stored
 * (never decoded here), and the page's size in points, to judge its readability
 * (scan-quality.ts) on the main thread.
 */
export type ScannedPage = { jpeg: Uint8Array; widthPt: number; heightPt: number };

export type PageCount = { ok: true; pages: number; scans?: ScannedPage[] } | { ok: false; reason: RefusalReason };

/**
 * Image bounds, checked on the declared dimensions before anything is decoded. 10,000 pixels a
 * side and 50 megapixels keep a 50 MP phone photo (8160 × 6120) and an A4 page scanned at
 * 600 dpi (4961 × 7016); one image then decodes to at most 200 Mo (RGBA) in a viewer.
 */
export const MAX_IMAGE_SIDE = 10_000;
export const MAX_IMAGE_PIXELS = 50_000_000;

/**
 * Ceiling on the bytes that PDF decoding may produce while the file is parsed (object streams
 * and cross-reference streams, the only streams pdf-lib inflates to count pages). Legitimate
 * files need a few Mo; a bomb (1 Mo inflating to 1 Go) stops here.
 */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;

/** Sizes of the known BMP info headers (Windows v2 to v5, OS/2 1.x and 2.x). */
export const BMP_INFO_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** Beyond this many TIFF frames the walk stops: any page limit refuses such a file anyway. */
export const MAX_TIFF_PAGES = 1000;

/** A JPEG may carry a small maker trailer after its image (Samsung's "SEFT"): at most this long. */
const MAX_JPEG_TRAILER = 64 * 1024;

const DAMAGED: PageCount = { ok: false, reason: "damaged" };
const PROTECTED: PageCount = { ok: false, reason: "protected" };
const DIMENSIONS: PageCount = { ok: false, reason: "dimensions" };
const ACTIVE: PageCount = { ok: false, reason: "active" };
const TRAILING: PageCount = { ok: false, reason: "trailing" };
const COMPLEX: PageCount = { ok: false, reason: "complex" };

const onePage = (): PageCount => ({ ok: true, pages: 1 });

/**
 * Counts pages (PDF pages, TIFF frames, 1 for JPEG, PNG and BMP) and refuses what must not be
 * stored: a truncated or unreadable file ("damaged"), an encrypted PDF ("protected"), an image
 * declaring more than MAX_IMAGE_SIDE or MAX_IMAGE_PIXELS ("dimensions"), a PDF with active
 * content ("active"), data after the end of the file's own structure ("trailing", a polyglot),
 * a PDF whose decoding passes MAX_DECODED_BYTES ("complex").
 */
export async function inspectContent(kind: DocumentKind, bytes: Uint8Array): Promise<PageCount> {
  if (bytes.length === 0) return DAMAGED;
  switch (kind) {
    case "pdf":
      return inspectPdf(bytes);
    case "tiff":
      return inspectTiff(bytes);
    case "jpeg":
      return inspectJpeg(bytes);
    case "png":
      return inspectPng(bytes);
    case "bmp":
      return inspectBmp(bytes);
  }
}

function dimensionsRefused(width: number, height: number): boolean {
  return width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS;
}

/* ---- Decoding budget (installed by the worker) ---- */

const budget = { limit: MAX_DECODED_BYTES, used: 0, exceeded: false, installed: false };

type DecodeStreamPrototype = { buffer: Uint8Array; ensureBuffer(requested: number): Uint8Array };

/**
 * Makes every pdf-lib decoder (Flate, LZW, RunLength, ASCII85, ASCIIHex: they all grow their
 * output through DecodeStream.ensureBuffer) count the bytes it produces, and fail past the
 * budget. Installed once, in the worker only: it patches pdf-lib's module for its whole thread.
 */
export function installDecodeBudget(limit = MAX_DECODED_BYTES): void {
  budget.limit = limit;
  if (budget.installed) return;
  // pdf-lib (1.17, pinned) does not export its decoder base class; its CommonJS build is what
  // `import "pdf-lib"` loads under Node, so this is the same class the parser uses.
  const require = createRequire(import.meta.url);
  const proto = (require("pdf-lib/cjs/core/streams/DecodeStream.js") as { default: { prototype: DecodeStreamPrototype } }).default.prototype;
  const ensureBuffer = proto.ensureBuffer;
  proto.ensureBuffer = function (this: DecodeStreamPrototype, requested: number): Uint8Array {
    const before = this.buffer.byteLength;
    // Past the budget already (pdf-lib goes on after a failed object): no allocation at all.
    if (budget.exceeded && requested > before) throw new Error("decoding budget exceeded");
    const buffer = ensureBuffer.call(this, requested);
    // The buffer doubles as it grows: one allocation is at most twice the budget.
    budget.used += buffer.byteLength - before;
    if (budget.used > budget.limit) {
      budget.exceeded = true;
      throw new Error("decoding budget exceeded");
    }
    return buffer;
  };
  budget.installed = true;
}

type ByteStreamPrototype = { bytes: Uint8Array; slice(start: number, end: number): Uint8Array };
let viewsInstalled = false;

/**
 * Makes pdf-lib's parser keep each object's bytes (a stream's raw contents above all) as a view
 * of the file instead of a copy: the file's buffer outlives the parsed document, and nothing here
 * writes to either. An 11 Mo PDF whose content is one stream was held twice by the worker while
 * it was counted (docs/PERFORMANCE.md, fifth pass). Installed once, in the worker only, like
 * installDecodeBudget.
 */
export function installStreamViews(): void {
  if (viewsInstalled) return;
  const require = createRequire(import.meta.url);
  const proto = (require("pdf-lib/cjs/core/parser/ByteStream.js") as { default: { prototype: ByteStreamPrototype } }).default.prototype;
  proto.slice = function (this: ByteStreamPrototype, start: number, end: number): Uint8Array {
    return this.bytes.subarray(start, end);
  };
  viewsInstalled = true;
}

/* ---- PDF ---- */

/** Names that make a PDF active wherever they appear: scripts, launching, forms posting, attachments, rich media. */
const FORBIDDEN_PDF_NAMES = new Set([
  "JavaScript",
  "JS",
  "Launch",
  "SubmitForm",
  "ImportData",
  "EmbeddedFile",
  "EmbeddedFiles",
  "RichMedia",
  "RichMediaExecute",
  "GoToE",
]);

/**
 * The long forbidden names, searched in the whole file, stream data included (an object hidden
 * inside another's stream data can still be reached through the cross-reference table). Long
 * enough (7 bytes or more) never to appear by chance in compressed data.
 */
const FORBIDDEN_RAW = ["/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/EmbeddedFile", "/RichMedia"].map((s) => Buffer.from(s, "latin1"));

/** Whitespace allowed after the final %%EOF (PDF white-space characters). */
const PDF_WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);

async function inspectPdf(bytes: Uint8Array): Promise<PageCount> {
  const buffer = asBuffer(bytes);
  // The file must end with %%EOF; past it, only white space (a PDF followed by a ZIP, an HTML
  // page or a script is a polyglot).
  const eof = buffer.lastIndexOf("%%EOF");
  if (eof < 0) return DAMAGED;
  for (let i = eof + 5; i < buffer.length; i++) if (!PDF_WHITESPACE.has(buffer[i]!)) return TRAILING;

  if (FORBIDDEN_RAW.some((name) => buffer.includes(name)) || rawPdfHasForbiddenName(buffer)) return ACTIVE;

  budget.used = 0;
  budget.exceeded = false;
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: false });
  } catch (error) {
    if (budget.exceeded) return COMPLEX;
    // pdf-lib's errors are ES5 classes: `instanceof EncryptedPDFError` may fail, hence the
    // message; and an encrypted file may fail to parse before pdf-lib looks at its trailer.
    const encrypted =
      error instanceof EncryptedPDFError ||
      (error instanceof Error && error.message.includes("is encrypted")) ||
      hasEncryptEntry(buffer);
    return encrypted ? PROTECTED : DAMAGED;
  }
  // pdf-lib skips an object it cannot parse (a failed decoding included) and goes on.
  if (budget.exceeded) return COMPLEX;
  // The parsed objects include those of the object streams (decoded, within the budget).
  if (pdfObjectsAreActive(pdf)) return ACTIVE;
  let pages: number;
  try {
    pages = pdf.getPageCount();
  } catch {
    return DAMAGED;
  }
  if (pages <= 0) return DAMAGED;
  const scans = scannedPages(pdf);
  return scans.length > 0 ? { ok: true, pages, scans } : { ok: true, pages };
}

/** Pages whose scanned image is judged for readability (scan-quality.ts), and the bytes taken from them at most. */
const MAX_SCANNED_PAGES = 5;
const MAX_SCANNED_BYTES = 12 * 1024 * 1024;

/**
 * The first pages' largest JPEG image, when it fills most of the page (a scan or a photo of a
 * document saved as a PDF): its stored bytes, taken as they are (a DCTDecode stream with no other
 * filter), never decoded. Pages made of text, or whose images are in another format, are skipped.
 */
function scannedPages(pdf: PDFDocument): ScannedPage[] {
  const found: ScannedPage[] = [];
  let taken = 0;
  try {
    for (const page of pdf.getPages().slice(0, MAX_SCANNED_PAGES)) {
      const { width: widthPt, height: heightPt } = page.getSize();
      if (!(widthPt > 0 && heightPt > 0)) continue;
      const xObjects = page.node.Resources()?.lookupMaybe(PDFName.of("XObject"), PDFDict);
      let best: { bytes: Uint8Array; pixels: number } | undefined;
      for (const value of xObjects?.values() ?? []) {
        const image = value instanceof PDFRef ? pdf.context.lookup(value) : value;
        if (!(image instanceof PDFRawStream)) continue;
        const dict = image.dict;
        if (nameValue(dict.get(PDFName.of("Subtype"))) !== "Image") continue;
        const filter = dict.get(PDFName.of("Filter"));
        const only = filter instanceof PDFArray && filter.size() === 1 ? filter.get(0) : filter;
        if (nameValue(only) !== "DCTDecode") continue;
        const w = numberValue(dict.get(PDFName.of("Width")));
        const h = numberValue(dict.get(PDFName.of("Height")));
        if (!w || !h) continue;
        // The image fills most of the page: its shape is the page's (either way round).
        const ratio = (Math.max(w, h) / Math.min(w, h)) / (Math.max(widthPt, heightPt) / Math.min(widthPt, heightPt));
        if (ratio < 0.8 || ratio > 1.25) continue;
        if (!best || w * h > best.pixels) best = { bytes: image.getContents(), pixels: w * h };
      }
      if (!best || taken + best.bytes.length > MAX_SCANNED_BYTES) continue;
      taken += best.bytes.length;
      found.push({ jpeg: best.bytes, widthPt, heightPt });
    }
  } catch {
    // Readability is advice: a page that cannot be walked is not judged.
  }
  return found;
}

function nameValue(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFName ? nameOf(object) : undefined;
}

function numberValue(object: PDFObject | undefined): number | undefined {
  return object instanceof PDFNumber ? object.asNumber() : undefined;
}

/** True when the file names an encryption dictionary ("/Encrypt 12 0 R" or "/Encrypt <<"). */
function hasEncryptEntry(buffer: Buffer): boolean {
  for (let at = buffer.indexOf("/Encrypt"); at >= 0; at = buffer.indexOf("/Encrypt", at + 1)) {
    const next = buffer[at + "/Encrypt".length];
    // A space, a line end or "<<" follows the key; "/EncryptMetadata" is another key.
    if (next === undefined || next <= 0x20 || next === 0x3c) return true;
  }
  return false;
}

/** PDF delimiters and white space end a name or a keyword. */
function isPdfRegular(byte: number): boolean {
  return !(PDF_WHITESPACE.has(byte) || byte === 0x28 || byte === 0x29 || byte === 0x3c || byte === 0x3e || byte === 0x5b || byte === 0x5d || byte === 0x7b || byte === 0x7d || byte === 0x2f || byte === 0x25);
}

/** A name as a viewer reads it: "#xx" escapes decoded ("/J#61vaScript" is "/JavaScript"). */
function decodePdfName(name: string): string {
  let decoded = name;
  for (let round = 0; round < 3 && decoded.includes("#"); round++) {
    decoded = decoded.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return decoded;
}

/**
 * Reads the file's tokens outside stream data (comments and strings skipped, as a viewer does)
 * and tells whether a forbidden name appears, escaped or not.
 */
function rawPdfHasForbiddenName(buffer: Buffer): boolean {
  const length = buffer.length;
  let i = 0;
  while (i < length) {
    const byte = buffer[i]!;
    if (byte === 0x25) {
      // % comment, to the end of the line
      while (i < length && buffer[i] !== 0x0a && buffer[i] !== 0x0d) i++;
    } else if (byte === 0x28) {
      // (literal string), balanced parentheses, backslash escapes
      let depth = 1;
      i++;
      while (i < length && depth > 0) {
        const c = buffer[i]!;
        if (c === 0x5c) i++;
        else if (c === 0x28) depth++;
        else if (c === 0x29) depth--;
        i++;
      }
    } else if (byte === 0x3c) {
      if (buffer[i + 1] === 0x3c) {
        i += 2; // << opens a dictionary
      } else {
        // <hex string>
        const close = buffer.indexOf(0x3e, i + 1);
        i = close < 0 ? length : close + 1;
      }
    } else if (byte === 0x2f) {
      let end = i + 1;
      while (end < length && isPdfRegular(buffer[end]!)) end++;
      if (FORBIDDEN_PDF_NAMES.has(decodePdfName(buffer.toString("latin1", i + 1, end)))) return true;
      i = end;
    } else if (isPdfRegular(byte)) {
      let end = i + 1;
      while (end < length && isPdfRegular(buffer[end]!)) end++;
      if (end - i === 6 && buffer.toString("latin1", i, end) === "stream") {
        const close = buffer.indexOf("endstream", end);
        i = close < 0 ? length : close + "endstream".length;
      } else {
        i = end;
      }
    } else {
      i++;
    }
  }
  return false;
}

/** The name as a viewer reads it (pdf-lib decodes only upper-case "#XX" escapes). */
function nameOf(name: PDFName): string {
  return decodePdfName(name.asString().slice(1));
}

/**
 * Walks every object pdf-lib parsed (those of the object streams included): a forbidden name
 * anywhere, or an automatic action (/OpenAction, /AA) that does more than go to a page.
 */
function pdfObjectsAreActive(pdf: PDFDocument): boolean {
  const context = pdf.context;
  const resolve = (object: PDFObject | undefined): PDFObject | undefined => (object instanceof PDFRef ? context.lookup(object) : object);
  /** An automatic action may only show a page: a destination array, or a /GoTo action. */
  const harmlessAction = (value: PDFObject | undefined): boolean => {
    const action = resolve(value);
    if (action === undefined || action instanceof PDFArray) return true;
    if (!(action instanceof PDFDict)) return false;
    const type = action.get(PDFName.of("S"));
    return type instanceof PDFName && nameOf(type) === "GoTo";
  };
  const visit = (object: PDFObject | undefined, depth: number): boolean => {
    if (object === undefined || depth > 64) return false;
    if (object instanceof PDFName) return FORBIDDEN_PDF_NAMES.has(nameOf(object));
    if (object instanceof PDFArray) return object.asArray().some((item) => visit(item, depth + 1));
    if (object instanceof PDFStream) return visit(object.dict, depth + 1);
    if (!(object instanceof PDFDict)) return false;
    for (const [key, value] of object.entries()) {
      const name = nameOf(key);
      if (FORBIDDEN_PDF_NAMES.has(name)) return true;
      if (name === "OpenAction" && !harmlessAction(value)) return true;
      if (name === "AA") {
        const triggers = resolve(value);
        if (!(triggers instanceof PDFDict) || triggers.values().some((action) => !harmlessAction(action))) return true;
      }
      if (visit(value, depth + 1)) return true;
    }
    return false;
  };
  return context.enumerateIndirectObjects().some(([, object]) => visit(object, 0));
}

/* ---- TIFF ---- */

const TIFF_IMAGE_WIDTH = 256;
const TIFF_IMAGE_LENGTH = 257;
const TIFF_STRIP_OFFSETS = 273;
const TIFF_STRIP_BYTE_COUNTS = 279;
const TIFF_TILE_OFFSETS = 324;
const TIFF_TILE_BYTE_COUNTS = 325;
const TIFF_JPEG_OFFSET = 513;
const TIFF_JPEG_LENGTH = 514;
/** Tags locating image data: unreadable ones make the frame damaged. */
const TIFF_DATA_TAGS = new Set([TIFF_STRIP_OFFSETS, TIFF_STRIP_BYTE_COUNTS, TIFF_TILE_OFFSETS, TIFF_TILE_BYTE_COUNTS, TIFF_JPEG_OFFSET, TIFF_JPEG_LENGTH]);
/** Tags pointing to further directories (SubIFDs, Exif, GPS, Interoperability). */
const TIFF_SUB_IFD_TAGS = new Set([330, 34665, 34853, 40965]);
/** Bytes per value of each TIFF field type (1 to 13). */
const TIFF_TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
const MAX_TIFF_SUB_IFDS = 64;

type TiffWalk = { view: DataView; le: boolean; end: number; extentKnown: boolean; subIfds: number };

/**
 * Walks the chain of image file directories (one per frame) of a classic TIFF: each frame's
 * declared size is checked, its strips or tiles must lie inside the file, and the file must
 * end where its last structure ends (zero padding aside).
 */
function inspectTiff(bytes: Uint8Array): PageCount {
  const order = byteOrder(bytes);
  if (bytes.length < 8 || order === undefined) return DAMAGED;
  const le = order === "le";
  const view = dataView(bytes);
  // 43 is a BigTIFF (64-bit offsets): not supported.
  if (view.getUint16(2, le) !== 42) return DAMAGED;
  const walk: TiffWalk = { view, le, end: 8, extentKnown: true, subIfds: 0 };
  const seen = new Set<number>();
  let offset = view.getUint32(4, le);
  let pages = 0;
  while (offset !== 0 && pages < MAX_TIFF_PAGES) {
    if (seen.has(offset)) return DAMAGED;
    seen.add(offset);
    const ifd = readIfd(walk, offset);
    if (ifd === undefined) return DAMAGED;
    const width = ifd.values.get(TIFF_IMAGE_WIDTH)?.[0];
    const height = ifd.values.get(TIFF_IMAGE_LENGTH)?.[0];
    if (!width || !height) return DAMAGED;
    if (dimensionsRefused(width, height)) return DIMENSIONS;
    if (!tiffImageDataInside(walk, ifd.values)) return DAMAGED;
    pages++;
    offset = ifd.next;
  }
  if (pages === 0) return DAMAGED;
  // A complete walk knows where the file's structures end: bytes beyond are a polyglot.
  if (offset === 0 && walk.extentKnown && !allZero(bytes, walk.end)) return TRAILING;
  return { ok: true, pages };
}

/**
 * Reads one directory: its SHORT and LONG values by tag, the offset of the next one; extends
 * the known end of the file over the directory, its out-of-line values and its sub-directories.
 */
function readIfd(walk: TiffWalk, offset: number): { values: Map<number, number[] | undefined>; next: number } | undefined {
  const { view, le } = walk;
  if (offset < 8 || offset + 2 > view.byteLength) return undefined;
  const entries = view.getUint16(offset, le);
  const nextField = offset + 2 + entries * 12;
  if (entries === 0 || nextField + 4 > view.byteLength) return undefined;
  walk.end = Math.max(walk.end, nextField + 4);
  const values = new Map<number, number[] | undefined>();
  for (let i = 0; i < entries; i++) {
    const entry = offset + 2 + i * 12;
    const tag = view.getUint16(entry, le);
    const type = view.getUint16(entry + 2, le);
    const count = view.getUint32(entry + 4, le);
    const size = TIFF_TYPE_SIZES[type];
    if (size === undefined) {
      walk.extentKnown = false;
      continue;
    }
    if (size * count > 4) {
      const at = view.getUint32(entry + 8, le);
      if (at + size * count > view.byteLength) {
        // Out of the file: fatal for the values the frame needs, unknown extent otherwise.
        if (TIFF_DATA_TAGS.has(tag)) values.set(tag, undefined);
        walk.extentKnown = false;
        continue;
      }
      walk.end = Math.max(walk.end, at + size * count);
    }
    if (type === 3 || type === 4 || type === 13) values.set(tag, tiffShortsOrLongs(view, entry, le));
    else if (TIFF_DATA_TAGS.has(tag)) values.set(tag, undefined); // offsets of another type: unreadable
  }
  for (const tag of TIFF_SUB_IFD_TAGS) {
    for (const sub of values.get(tag) ?? []) {
      if (++walk.subIfds > MAX_TIFF_SUB_IFDS) {
        walk.extentKnown = false;
        break;
      }
      const nested = readIfd(walk, sub);
      if (nested === undefined) walk.extentKnown = false;
      else tiffImageDataInside(walk, nested.values);
    }
  }
  return { values, next: view.getUint32(nextField, le) };
}

/** False when the strips or tiles of a frame run past the end of the file (truncated upload). */
function tiffImageDataInside(walk: TiffWalk, values: Map<number, number[] | undefined>): boolean {
  for (const [offsetsTag, countsTag] of [
    [TIFF_STRIP_OFFSETS, TIFF_STRIP_BYTE_COUNTS],
    [TIFF_TILE_OFFSETS, TIFF_TILE_BYTE_COUNTS],
    [TIFF_JPEG_OFFSET, TIFF_JPEG_LENGTH],
  ] as const) {
    if (!values.has(offsetsTag)) continue;
    const offsets = values.get(offsetsTag);
    const counts = values.has(countsTag) ? values.get(countsTag) : [];
    if (offsets === undefined || counts === undefined) return false;
    if (counts.length < offsets.length) walk.extentKnown = false;
    for (let i = 0; i < Math.min(offsets.length, counts.length); i++) {
      const end = offsets[i]! + counts[i]!;
      if (end > walk.view.byteLength) return false;
      walk.end = Math.max(walk.end, end);
    }
  }
  return true;
}

/** The values of an entry of type SHORT, LONG or IFD; undefined if out of the file. */
function tiffShortsOrLongs(view: DataView, entry: number, le: boolean): number[] | undefined {
  const type = view.getUint16(entry + 2, le);
  const count = view.getUint32(entry + 4, le);
  const size = type === 3 ? 2 : 4;
  const total = count * size;
  const at = total <= 4 ? entry + 8 : view.getUint32(entry + 8, le);
  if (at + total > view.byteLength) return undefined;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(size === 2 ? view.getUint16(at + i * 2, le) : view.getUint32(at + i * 4, le));
  return out;
}

export function byteOrder(bytes: Uint8Array): "le" | "be" | undefined {
  if (bytes[0] === 0x49 && bytes[1] === 0x49) return "le"; // "II", Intel
  if (bytes[0] === 0x4d && bytes[1] === 0x4d) return "be"; // "MM", Motorola
  return undefined;
}

/* ---- JPEG ---- */

type JpegWalk = { ok: true; end: number } | { ok: false; reason: "damaged" | "dimensions" };

/**
 * A complete JPEG: its markers walked from SOI to EOI, its frame header (SOFn) declaring a size
 * within bounds. After EOI may only come zero padding, further complete JPEG images (the
 * Multi-Picture Format of Ultra HDR gain maps and MPO files) and a small Samsung "SEFT"
 * trailer; anything else (a ZIP, a PDF, an HTML page, a script, a video) is refused.
 */
function inspectJpeg(bytes: Uint8Array): PageCount {
  const first = walkJpeg(bytes, 0);
  if (!first.ok) return first;
  let at = skipZeros(bytes, first.end);
  for (let images = 0; images < 4 && bytes[at] === 0xff && bytes[at + 1] === 0xd8; images++) {
    const next = walkJpeg(bytes, at);
    if (!next.ok) return next.reason === "dimensions" ? DIMENSIONS : TRAILING;
    at = skipZeros(bytes, next.end);
  }
  if (at >= bytes.length || isSamsungTrailer(bytes.subarray(at))) return onePage();
  return TRAILING;
}

function walkJpeg(bytes: Uint8Array, start: number): JpegWalk {
  const damaged: JpegWalk = { ok: false, reason: "damaged" };
  if (bytes[start] !== 0xff || bytes[start + 1] !== 0xd8) return damaged;
  let frame = false;
  let i = start + 2;
  while (i < bytes.length) {
    // Stray bytes between segments are skipped, as libjpeg does.
    if (bytes[i] !== 0xff) {
      i = bytes.indexOf(0xff, i);
      if (i < 0) return damaged;
    }
    while (bytes[i] === 0xff) i++; // fill bytes before a marker
    const marker = bytes[i++];
    if (marker === undefined || marker === 0x00 || marker === 0xd8) return damaged;
    if (marker === 0xd9) return frame ? { ok: true, end: i } : damaged;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (i + 2 > bytes.length) return damaged;
    const length = (bytes[i]! << 8) | bytes[i + 1]!; // counts its own two bytes
    if (length < 2 || i + length > bytes.length) return damaged;
    // SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8) return damaged;
      const height = (bytes[i + 3]! << 8) | bytes[i + 4]!;
      const width = (bytes[i + 5]! << 8) | bytes[i + 6]!;
      if (width === 0 || height === 0) return damaged;
      if (dimensionsRefused(width, height)) return { ok: false, reason: "dimensions" };
      frame = true;
    }
    i += length;
    if (marker === 0xda) {
      if (!frame) return damaged;
      // Entropy-coded data runs to the next marker that is neither a stuffed FF 00 nor a restart.
      for (;;) {
        i = bytes.indexOf(0xff, i);
        if (i < 0 || i + 1 >= bytes.length) return damaged;
        const next = bytes[i + 1]!;
        if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
        i += next === 0xff ? 1 : 2;
      }
    }
  }
  return damaged;
}

/** Signatures of formats that have no business inside an image's trailer. */
const FOREIGN_SIGNATURES = ["PK\x03\x04", "PK\x05\x06", "%PDF", "<html", "<!doctype", "<script", "<svg", "<?php", "<?xml", "\x7fELF", "Rar!", "ftyp"].map((s) =>
  Buffer.from(s, "latin1"),
);

/** Samsung's trailer: blocks, then an "SEFH" directory, its length and "SEFT" last. */
function isSamsungTrailer(trailer: Uint8Array): boolean {
  let end = trailer.length;
  while (end > 0 && trailer[end - 1] === 0) end--;
  if (end > MAX_JPEG_TRAILER || end < 8) return false;
  const text = Buffer.from(trailer.buffer, trailer.byteOffset, end);
  if (text.toString("latin1", end - 4, end) !== "SEFT" || !text.includes("SEFH")) return false;
  const lower = Buffer.from(text.toString("latin1").toLowerCase(), "latin1");
  return !FOREIGN_SIGNATURES.some((signature) => text.includes(signature) || lower.includes(signature));
}

/* ---- PNG ---- */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A complete PNG: IHDR first (its size within bounds), then a chain of chunks reaching IEND,
 * and nothing after IEND but zero padding.
 */
function inspectPng(bytes: Uint8Array): PageCount {
  if (!PNG_SIGNATURE.every((byte, i) => bytes[i] === byte) || bytes.length < 33) return DAMAGED;
  const view = dataView(bytes);
  const buffer = asBuffer(bytes);
  if (view.getUint32(8) !== 13 || buffer.toString("latin1", 12, 16) !== "IHDR") return DAMAGED;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) return DAMAGED;
  if (dimensionsRefused(width, height)) return DIMENSIONS;
  // Each chunk: length (4 bytes), type (4), data (length), CRC (4).
  for (let at = 8; at + 12 <= bytes.length; ) {
    const next = at + 12 + view.getUint32(at);
    if (next > bytes.length) return DAMAGED;
    if (buffer.toString("latin1", at + 4, at + 8) === "IEND") return allZero(bytes, next) ? onePage() : TRAILING;
    at = next;
  }
  return DAMAGED;
}

/* ---- BMP ---- */

/**
 * A complete BMP: its declared size within bounds, all the pixels its header announces, and
 * nothing after them (and after an embedded colour profile) but zero padding.
 */
function inspectBmp(bytes: Uint8Array): PageCount {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return DAMAGED;
  const view = dataView(bytes);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (!BMP_INFO_HEADER_SIZES.has(headerSize) || bytes.length < 14 + Math.min(headerSize, 40)) return DAMAGED;
  let width: number, height: number, bitsPerPixel: number;
  let compression = 0;
  let imageSize = 0;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    height = view.getUint16(20, true);
    bitsPerPixel = view.getUint16(24, true);
  } else {
    width = Math.abs(view.getInt32(18, true));
    height = Math.abs(view.getInt32(22, true)); // negative: stored top-down
    bitsPerPixel = view.getUint16(28, true);
    if (headerSize >= 40) {
      compression = view.getUint32(30, true);
      imageSize = view.getUint32(34, true);
    }
  }
  if (width === 0 || height === 0) return DAMAGED;
  // Before anything else: an RLE bitmap of a few bytes may declare 30000 × 30000 pixels.
  if (dimensionsRefused(width, height)) return DIMENSIONS;
  // Uncompressed (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS): rows padded to 4 bytes.
  const uncompressed = compression === 0 || compression === 3 || compression === 6;
  const pixelBytes = uncompressed ? Math.ceil((width * bitsPerPixel) / 32) * 4 * height : imageSize;
  let end = dataOffset + pixelBytes;
  if (end > bytes.length) return DAMAGED;
  // A v5 header may point to an ICC profile, often stored after the pixels.
  if (headerSize === 124 && bytes.length >= 14 + 124) {
    const profileSize = view.getUint32(14 + 116, true);
    if (profileSize > 0) {
      const profileEnd = 14 + view.getUint32(14 + 112, true) + profileSize;
      if (profileEnd > bytes.length) return DAMAGED;
      end = Math.max(end, profileEnd);
    }
  }
  // A compressed bitmap that does not tell its size has no known end.
  if ((uncompressed || imageSize > 0) && !allZero(bytes, end)) return TRAILING;
  return onePage();
}

/* ---- Helpers ---- */

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function skipZeros(bytes: Uint8Array, from: number): number {
  let at = from;
  while (at < bytes.length && bytes[at] === 0) at++;
  return at;
}

export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
