import { fileTypeFromBuffer } from "file-type";
import { InspectionPool, type Inspection } from "./inspection-pool.ts";
import { BMP_INFO_HEADER_SIZES, byteOrder, dataView, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, type DocumentKind, type PageCount, type RefusalReason } from "./inspection.ts";

export type { DocumentKind, Inspection, PageCount, RefusalReason };
export { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE };

/**
 * Inspection of uploaded documents (identity card scans, proofs of address...) by their
 * content, never by their name: the format comes from the magic numbers, and each file is
 * opened far enough to count its pages and to catch truncated or password-protected files.
 */
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

/**
 * Inspections run in worker threads (inspection-pool.ts), bounded in time, heap and decoded
 * bytes: a hostile file never blocks the event loop nor fills the memory. One pool for the
 * process: at most defaultWorkers() files (INSPECTION_WORKERS, else 1 on a 2-core host, 2 beyond)
 * are inspected at once, whatever the number of uploads.
 */
const pool = new InspectionPool();

/**
 * Counts pages (PDF pages, TIFF frames, 1 for JPEG, PNG and BMP) and refuses, with a reason,
 * what must not be stored: see inspectContent (inspection.ts) for each check. Runs off the
 * main thread; a file that takes too long, too much memory or decodes past the ceiling is
 * refused as "complex".
 */
export function countPages(kind: DocumentKind, bytes: Uint8Array): Promise<PageCount> {
  if (bytes.length === 0) return Promise.resolve({ ok: false, reason: "damaged" });
  return pool.inspect(kind, bytes);
}

/**
 * The inspection of a stored upload of `size` bytes: its pages counted (as countPages), then,
 * if it is accepted, its readability measured (scan-quality.ts), both in the inspection worker.
 * `open` is called when the inspection's turn comes, so a waiting upload holds none of its bytes,
 * and the file is streamed to the worker (or, stored in a folder, read by the worker itself): the
 * main thread never holds it whole.
 */
export function inspectStored(kind: DocumentKind, size: number, open: () => Promise<AsyncIterable<Uint8Array>>): Promise<Inspection> {
  if (size === 0) return Promise.resolve({ pages: { ok: false, reason: "damaged" }, readability: [] });
  return pool.inspectStream(kind, size, open, { assess: true });
}

/* ---- Messages ---- */

/** French message shown to the user for each refusal. */
export const DOCUMENT_ERRORS: Record<"type" | "size" | "empty" | RefusalReason, string> = {
  type: "Ce fichier n'est pas accepté : seuls les formats JPG, PNG, BMP, TIFF et PDF le sont (le format est vérifié d'après le contenu du fichier, pas son nom).",
  size: "Ce fichier dépasse 11 Mo. Réduisez sa taille (résolution, compression) et envoyez-le de nouveau.",
  empty: "Ce fichier est vide.",
  damaged: "Ce fichier est endommagé ou incomplet : il ne peut pas être lu. Enregistrez-le de nouveau et envoyez-le.",
  protected: "Ce PDF est protégé par un mot de passe : envoyez une version non protégée.",
  dimensions:
    "Cette image est trop grande : 10 000 pixels de côté et 50 millions de pixels au plus. Réduisez sa résolution (300 dpi suffisent pour un document numérisé) et envoyez-la de nouveau.",
  active:
    "Ce PDF contient des éléments actifs (JavaScript, action automatique, formulaire à envoyer ou fichier joint), qui ne sont pas acceptés. Enregistrez-le de nouveau avec « Imprimer » puis « Enregistrer au format PDF », ou numérisez le document, et envoyez-le.",
  trailing:
    "Ce fichier contient des données inattendues après la fin de l'image ou du document (par exemple un autre fichier, ou la vidéo d'une « photo animée »). Enregistrez-le de nouveau au format JPG, PNG ou PDF et envoyez-le.",
  complex:
    "Ce fichier est trop lourd à vérifier (contenu compressé démesuré ou structure trop complexe). Enregistrez-le de nouveau avec « Imprimer » puis « Enregistrer au format PDF », ou numérisez le document, et envoyez-le.",
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
