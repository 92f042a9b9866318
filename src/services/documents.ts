import { Buffer } from "node:buffer";
import { fileTypeFromBuffer } from "file-type";
import { EncryptedPDFError, PDFDocument } from "pdf-lib";

/**
 * Inspection of uploaded documents (identity card scans, proofs of address...) by their
 * content, never by their name: the format comes from the magic numbers, and each file is
 * opened far enough to count its pages and to catch truncated or password-protected files.
 */
export type DocumentKind = "jpeg" | "png" | "bmp" | "tiff" | "pdf";

export const MAX_DOCUMENT_BYTES = 11 * 1024 * 1024;

/** How many leading bytes detectKind needs. */
export const SNIFF_BYTES = 4100;

/** Canonical MIME type and file extension of each accepted kind (used to store and serve). */
const FORMATS: Record<DocumentKind, { mime: string; extension: string }> = {
  jpeg: { mime: "image/jpeg", extension: "jpg" },
  png: { mime: "image/png", extension: "png" },
  bmp: { mime: "image/bmp", extension: "bmp" },
  tiff: { mime: "image/tiff", extension: "tif" },
  pdf: { mime: "application/pdf", extension: "pdf" },
};

/**
 * file-type's extensions that are accepted. An animated PNG is still a PNG (its first frame
 * is the image); JPEG-LS, camera raw files (TIFF-based CR2, NEF, DNG, ARW) and the like are not.
 */
const KIND_OF_EXTENSION: Readonly<Record<string, DocumentKind>> = {
  jpg: "jpeg",
  png: "png",
  apng: "png",
  bmp: "bmp",
  tif: "tiff",
  pdf: "pdf",
};

/** Sizes of the known BMP info headers (Windows v2 to v5, OS/2 1.x and 2.x). */
const BMP_INFO_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/**
 * Detects the format from the first bytes (magic numbers) with the `file-type` package.
 * Undefined when not one of the five accepted formats (e.g. a renamed .exe, a zip, a text
 * file, a GIF, an HEIC). Pass at least SNIFF_BYTES bytes (or the whole file).
 */
export async function detectKind(
  head: Uint8Array,
): Promise<{ kind: DocumentKind; mime: string; extension: string } | undefined> {
  let extension: string | undefined;
  try {
    extension = (await fileTypeFromBuffer(head))?.ext;
  } catch {
    // file-type does not throw on garbage, but an unreadable file is refused, not a crash.
    return undefined;
  }
  let kind = extension === undefined ? undefined : KIND_OF_EXTENSION[extension];
  // file-type follows the TIFF header to the first IFD and gives up when it lies past the
  // bytes it was given, which is the usual layout (image data first, IFD at the end).
  if (extension === undefined && isClassicTiffHeader(head)) kind = "tiff";
  // file-type takes any file starting with "BM" for a bitmap (a text file about a BMW...).
  if (kind === "bmp" && !isPlausibleBmpHeader(head)) kind = undefined;
  return kind && { kind, ...FORMATS[kind] };
}

function isClassicTiffHeader(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const view = dataView(head);
  const order = byteOrder(head);
  return order !== undefined && view.getUint16(2, order === "le") === 42;
}

function isPlausibleBmpHeader(head: Uint8Array): boolean {
  return head.length >= 18 && BMP_INFO_HEADER_SIZES.has(dataView(head).getUint32(14, true));
}

export type PageCount = { ok: true; pages: number } | { ok: false; reason: "damaged" | "protected" };

const DAMAGED: PageCount = { ok: false, reason: "damaged" };
const PROTECTED: PageCount = { ok: false, reason: "protected" };
/** Beyond this many TIFF frames the walk stops: any page limit refuses such a file anyway. */
const MAX_TIFF_PAGES = 1000;
/** A complete PDF ends with "%%EOF" (possibly followed by a little padding). */
const PDF_EOF_WINDOW = 2048;

/**
 * Counts pages: PDF pages, TIFF frames (IFDs), 1 for JPEG, PNG and BMP. A file that is
 * obviously truncated or cannot be parsed is "damaged"; an encrypted PDF is "protected".
 */
export async function countPages(kind: DocumentKind, bytes: Uint8Array): Promise<PageCount> {
  if (bytes.length === 0) return DAMAGED;
  switch (kind) {
    case "pdf":
      return pdfPages(bytes);
    case "tiff":
      return tiffPages(bytes);
    case "jpeg":
      return jpegIsComplete(bytes) ? onePage() : DAMAGED;
    case "png":
      return pngIsComplete(bytes) ? onePage() : DAMAGED;
    case "bmp":
      return bmpIsComplete(bytes) ? onePage() : DAMAGED;
  }
}

function onePage(): PageCount {
  return { ok: true, pages: 1 };
}

/* ---- PDF ---- */

async function pdfPages(bytes: Uint8Array): Promise<PageCount> {
  const buffer = asBuffer(bytes);
  if (!buffer.subarray(Math.max(0, buffer.length - PDF_EOF_WINDOW)).includes("%%EOF")) return DAMAGED;
  let pages: number;
  try {
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: false });
    pages = pdf.getPageCount();
  } catch (error) {
    // pdf-lib's errors are ES5 classes: `instanceof EncryptedPDFError` may fail, hence the
    // message; and an encrypted file may fail to parse before pdf-lib looks at its trailer.
    const encrypted =
      error instanceof EncryptedPDFError ||
      (error instanceof Error && error.message.includes("is encrypted")) ||
      hasEncryptEntry(buffer);
    return encrypted ? PROTECTED : DAMAGED;
  }
  return pages > 0 ? { ok: true, pages } : DAMAGED;
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

/* ---- TIFF ---- */

/** Walks the chain of image file directories (one per frame) of a classic TIFF. */
function tiffPages(bytes: Uint8Array): PageCount {
  const order = byteOrder(bytes);
  if (bytes.length < 8 || order === undefined) return DAMAGED;
  const le = order === "le";
  const view = dataView(bytes);
  // 43 is a BigTIFF (64-bit offsets): not supported.
  if (view.getUint16(2, le) !== 42) return DAMAGED;
  const seen = new Set<number>();
  let offset = view.getUint32(4, le);
  let pages = 0;
  while (offset !== 0 && pages < MAX_TIFF_PAGES) {
    if (offset < 8 || offset + 2 > bytes.length || seen.has(offset)) return DAMAGED;
    seen.add(offset);
    const entries = view.getUint16(offset, le);
    const nextField = offset + 2 + entries * 12;
    if (entries === 0 || nextField + 4 > bytes.length) return DAMAGED;
    if (!tiffImageDataInside(view, offset, entries, le)) return DAMAGED;
    pages++;
    offset = view.getUint32(nextField, le);
  }
  return pages > 0 ? { ok: true, pages } : DAMAGED;
}

const TIFF_STRIP_OFFSETS = 273;
const TIFF_STRIP_BYTE_COUNTS = 279;
const TIFF_TILE_OFFSETS = 324;
const TIFF_TILE_BYTE_COUNTS = 325;

/** False when the strips or tiles of a frame run past the end of the file (truncated upload). */
function tiffImageDataInside(view: DataView, ifd: number, entries: number, le: boolean): boolean {
  const values = new Map<number, number[] | undefined>();
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = view.getUint16(entry, le);
    if (tag === TIFF_STRIP_OFFSETS || tag === TIFF_STRIP_BYTE_COUNTS || tag === TIFF_TILE_OFFSETS || tag === TIFF_TILE_BYTE_COUNTS) {
      values.set(tag, tiffShortsOrLongs(view, entry, le));
    }
  }
  for (const [offsetsTag, countsTag] of [
    [TIFF_STRIP_OFFSETS, TIFF_STRIP_BYTE_COUNTS],
    [TIFF_TILE_OFFSETS, TIFF_TILE_BYTE_COUNTS],
  ] as const) {
    if (!values.has(offsetsTag)) continue;
    const offsets = values.get(offsetsTag);
    const counts = values.has(countsTag) ? values.get(countsTag) : [];
    if (offsets === undefined || counts === undefined) return false;
    for (let i = 0; i < Math.min(offsets.length, counts.length); i++) {
      if (offsets[i]! + counts[i]! > view.byteLength) return false;
    }
  }
  return true;
}

/** The values of an entry of type SHORT or LONG; undefined if of another type or out of the file. */
function tiffShortsOrLongs(view: DataView, entry: number, le: boolean): number[] | undefined {
  const type = view.getUint16(entry + 2, le);
  const count = view.getUint32(entry + 4, le);
  const size = type === 3 ? 2 : type === 4 ? 4 : 0;
  if (size === 0) return undefined;
  const total = count * size;
  const at = total <= 4 ? entry + 8 : view.getUint32(entry + 8, le);
  if (at + total > view.byteLength) return undefined;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(size === 2 ? view.getUint16(at + i * 2, le) : view.getUint32(at + i * 4, le));
  return out;
}

function byteOrder(bytes: Uint8Array): "le" | "be" | undefined {
  if (bytes[0] === 0x49 && bytes[1] === 0x49) return "le"; // "II", Intel
  if (bytes[0] === 0x4d && bytes[1] === 0x4d) return "be"; // "MM", Motorola
  return undefined;
}

/* ---- Single-image formats ---- */

/**
 * A complete JPEG ends with the EOI marker (FF D9), maybe followed by zero padding. Some
 * phones append data after it (e.g. Samsung's "SEFT" trailer): then the markers are walked,
 * and the file is complete if the walk reaches EOI.
 */
function jpegIsComplete(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end >= 4 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9) return true;
  return jpegWalkReachesEoi(bytes);
}

function jpegWalkReachesEoi(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff) return false;
    while (bytes[i] === 0xff) i++; // fill bytes before a marker
    const marker = bytes[i++];
    if (marker === undefined || marker === 0x00 || marker === 0xd8) return false;
    if (marker === 0xd9) return true;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (i + 2 > bytes.length) return false;
    const length = (bytes[i]! << 8) | bytes[i + 1]!; // counts its own two bytes
    if (length < 2) return false;
    i += length;
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker that is neither a stuffed FF 00 nor a restart.
      for (;;) {
        i = bytes.indexOf(0xff, i);
        if (i < 0 || i + 1 >= bytes.length) return false;
        const next = bytes[i + 1]!;
        if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) break;
        i += 2;
      }
    }
  }
  return false;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A complete PNG has an IEND chunk at the end of its chain of chunks. */
function pngIsComplete(bytes: Uint8Array): boolean {
  if (!PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return false;
  const view = dataView(bytes);
  const buffer = asBuffer(bytes);
  // Each chunk: length (4 bytes), type (4), data (length), CRC (4).
  for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) {
    if (buffer.toString("latin1", at + 4, at + 8) === "IEND") return true;
  }
  return false;
}

/** A complete BMP holds all the pixels its header announces. */
function bmpIsComplete(bytes: Uint8Array): boolean {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return false;
  const view = dataView(bytes);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (!BMP_INFO_HEADER_SIZES.has(headerSize) || bytes.length < 14 + Math.min(headerSize, 40)) return false;
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
  // Uncompressed (BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS): rows padded to 4 bytes.
  const uncompressed = compression === 0 || compression === 3 || compression === 6;
  const pixelBytes = uncompressed ? Math.ceil((width * bitsPerPixel) / 32) * 4 * height : imageSize;
  return dataOffset + pixelBytes <= bytes.length;
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/* ---- Messages ---- */

/** French message shown to the user for each refusal. */
export const DOCUMENT_ERRORS: Record<"type" | "size" | "empty" | "damaged" | "protected", string> = {
  type: "Ce fichier n'est pas accepté : seuls les formats JPG, PNG, BMP, TIFF et PDF le sont (le format est vérifié d'après le contenu du fichier, pas son nom).",
  size: "Ce fichier dépasse 11 Mo. Réduisez sa taille (résolution, compression) et envoyez-le de nouveau.",
  empty: "Ce fichier est vide.",
  damaged: "Ce fichier est endommagé ou incomplet : il ne peut pas être lu. Enregistrez-le de nouveau et envoyez-le.",
  protected: "Ce PDF est protégé par un mot de passe : envoyez une version non protégée.",
};

/**
 * The message when a file would take a piece (pièce justificative) past its page limit,
 * e.g. pageLimitError(2, 1, 2) → "Cette pièce est limitée à 2 pages : ce fichier en compte 2
 * et 1 page est déjà déposée. Supprimez un fichier ou envoyez un document plus court."
 */
export function pageLimitError(limit: number, alreadyDeposited: number, filePages: number): string {
  const start = `Cette pièce est limitée à ${limit} ${limit >= 2 ? "pages" : "page"} : ce fichier en compte ${filePages}`;
  if (alreadyDeposited <= 0) return `${start}. Envoyez un document plus court.`;
  const deposited =
    alreadyDeposited >= 2 ? `${alreadyDeposited} pages sont déjà déposées` : `${alreadyDeposited} page est déjà déposée`;
  const advice =
    alreadyDeposited >= limit
      ? "Supprimez un fichier déjà déposé pour en envoyer un autre."
      : "Supprimez un fichier ou envoyez un document plus court.";
  return `${start} et ${deposited}. ${advice}`;
}
