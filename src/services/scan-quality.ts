import { Buffer } from "node:buffer";
import sharp from "sharp";
import { MAX_IMAGE_PIXELS, type DocumentKind, type ScannedPage } from "./inspection.ts";

/**
 * "Toute pièce justificative non lisible sera refusée et votre dossier vous sera renvoyé pour
 * modification" (seed 004): at upload, each image (JPG, PNG, BMP, TIFF's first frame, and the
 * scanned pages of a PDF) is measured, and the user is told at once, beside the piece, when it
 * looks too small, blurred, too dark or too light to be read. Advice only: the file is kept.
 *
 * The measures are taken on the image reduced to MEASURE_SIDE pixels on its long side, in grey
 * levels (0 black to 255 white):
 * - resolution: the image's own pixels (for a PDF page, also its effective dpi: the image's
 *   pixels over the page's size in inches);
 * - sharpness: the standard deviation of the Laplacian (the 3×3 kernel 0 1 0 / 1 -4 1 / 0 1 0),
 *   high where strokes have crisp edges, low when they are smeared;
 * - brightness: the mean grey level; contrast: the standard deviation of the grey levels.
 *
 * Thresholds, calibrated on the sample scans that test/services/scan-quality.test.ts generates
 * (a 1600 × 1200 page of black text-like strokes on white, and the same page blurred with
 * sharp's blur(6), darkened, washed out, or reduced to 300 × 200):
 * - too small: long side under 1000 pixels, or short side under 600, or a PDF page under
 *   120 dpi (an A4 page needs about 150 dpi to keep 9-point text readable);
 * - blurred: Laplacian deviation under 12 (the sharp page measures about 46, the blurred one
 *   about 2, the darkened and washed-out ones, whose strokes are faint but crisp, 18 to 22);
 * - too dark: mean under 80 (the sharp page about 224, the darkened one about 56);
 * - too light: mean over 230 with a contrast under 25 (the washed-out page: mean 245, contrast
 *   13; the sharp page: 224 and 65; the blurred one: 224 and 26): a white page with black text
 *   is light, but contrasted.
 *
 * Bounded like every inspection of an upload: sharp refuses images over MAX_IMAGE_PIXELS
 * before decoding (`limitInputPixels`), reduces the image while decoding (JPEG shrink-on-load),
 * runs on libvips's own threads (never on the event loop) and gives up after MEASURE_TIMEOUT_S
 * seconds; a PDF is measured on at most MAX_PDF_PAGES pages. A file that cannot be measured gets
 * no advice: the inspection has already accepted it.
 */
export type ScanIssue = "small" | "blurred" | "dark" | "light";

export type ScanMeasure = {
  width: number;
  height: number;
  /** Effective resolution of a PDF page's scanned image, in dots per inch. */
  dpi?: number | undefined;
  sharpness: number;
  brightness: number;
  contrast: number;
};

export const SCAN_THRESHOLDS = {
  minLongSide: 1000,
  minShortSide: 600,
  minDpi: 120,
  minSharpness: 12,
  minBrightness: 80,
  maxBrightness: 230,
  minContrastWhenLight: 25,
} as const;

/** Long side of the image the measures are taken on. */
export const MEASURE_SIDE = 1600;
export const MEASURE_TIMEOUT_S = 5;
/** A PDF is judged on its first pages' images. */
export const MAX_PDF_PAGES = 5;

/** The advice shown beside a piece, for each issue found. */
export const SCAN_ADVICE: Record<ScanIssue, string> = {
  small:
    "Ce document semble trop petit pour être lu : numérisez-le en 300 dpi, ou photographiez-le en entier et de près (au moins 1 000 pixels de large).",
  blurred: "Ce document semble flou : une photo prise à la lumière du jour, bien à plat, sera plus lisible.",
  dark: "Ce document semble trop sombre : une photo prise à la lumière du jour, sans ombre, ou une numérisation sera plus lisible.",
  light: "Ce document semble trop clair ou délavé : une photo prise sans flash ni reflet, ou une numérisation plus contrastée, sera plus lisible.",
};

/** What follows the advice: the file is kept, the user decides. */
export const SCAN_ADVICE_KEEP = "Vous pouvez garder ce fichier ou le remplacer : une pièce illisible sera refusée lors de l'instruction.";

/** The issues of one measured image, in a stable order. */
export function scanIssues(m: ScanMeasure): ScanIssue[] {
  const t = SCAN_THRESHOLDS;
  const issues: ScanIssue[] = [];
  const long = Math.max(m.width, m.height);
  const short = Math.min(m.width, m.height);
  if (m.dpi !== undefined ? m.dpi < t.minDpi : long < t.minLongSide || short < t.minShortSide) issues.push("small");
  if (m.sharpness < t.minSharpness) issues.push("blurred");
  if (m.brightness < t.minBrightness) issues.push("dark");
  else if (m.brightness > t.maxBrightness && m.contrast < t.minContrastWhenLight) issues.push("light");
  return issues;
}

/** Measures one image (JPEG, PNG, TIFF, or raw grey pixels); undefined when it cannot be read in time. */
export async function measureImage(
  input: Uint8Array | { raw: Uint8Array; width: number; height: number },
  opts: { dpiOf?: (width: number, height: number) => number; size?: { width: number; height: number } } = {},
): Promise<ScanMeasure | undefined> {
  try {
    const open = () =>
      "raw" in input
        ? sharp(Buffer.from(input.raw.buffer, input.raw.byteOffset, input.raw.byteLength), { raw: { width: input.width, height: input.height, channels: 1 }, limitInputPixels: MAX_IMAGE_PIXELS })
        : sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "none", pages: 1 });
    const meta = await open().timeout({ seconds: MEASURE_TIMEOUT_S }).metadata();
    // EXIF orientation 5 to 8 turn the image a quarter: its displayed sides are swapped.
    const turned = (meta.orientation ?? 1) >= 5;
    const width = opts.size?.width ?? (turned ? meta.height : meta.width);
    const height = opts.size?.height ?? (turned ? meta.width : meta.height);
    if (!width || !height) return undefined;
    const { data, info } = await open()
      .timeout({ seconds: MEASURE_TIMEOUT_S })
      // Transparency over white, as a viewer shows it.
      .flatten({ background: "#ffffff" })
      .resize({ width: MEASURE_SIDE, height: MEASURE_SIDE, fit: "inside", withoutEnlargement: true })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const grey = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    const [tone] = (await grey.clone().stats()).channels;
    const laplacian = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .convolve({ width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], scale: 1, offset: 128 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const [edges] = (await sharp(laplacian.data, { raw: { width: laplacian.info.width, height: laplacian.info.height, channels: laplacian.info.channels } }).stats()).channels;
    if (!tone || !edges) return undefined;
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      width,
      height,
      ...(opts.dpiOf ? { dpi: Math.round(opts.dpiOf(width, height)) } : {}),
      sharpness: round(edges.stdev),
      brightness: round(tone.mean),
      contrast: round(tone.stdev),
    };
  } catch {
    return undefined;
  }
}

/**
 * The issues of an accepted upload: every image measured (a PDF's scanned pages, found by the
 * inspection worker), each issue once. Empty when the file looks readable or cannot be judged
 * (a PDF made of text, an image sharp cannot open).
 */
export async function assessScan(kind: DocumentKind, bytes: Uint8Array, pdfPages: readonly ScannedPage[] = []): Promise<ScanIssue[]> {
  const measures: Array<ScanMeasure | undefined> = [];
  if (kind === "pdf") {
    for (const page of pdfPages.slice(0, MAX_PDF_PAGES)) {
      const dpi = (width: number, height: number) => Math.min(Math.max(width, height) / (Math.max(page.widthPt, page.heightPt) / 72), Math.min(width, height) / (Math.min(page.widthPt, page.heightPt) / 72));
      measures.push(await measureImage(page.jpeg, { dpiOf: dpi }));
    }
  } else if (kind === "bmp") {
    const grey = bmpToGrey(bytes);
    if (grey) measures.push(await measureImage(grey, { size: { width: grey.sourceWidth, height: grey.sourceHeight } }));
  } else {
    measures.push(await measureImage(bytes));
  }
  const found = new Set(measures.flatMap((m) => (m ? scanIssues(m) : [])));
  return (["small", "blurred", "dark", "light"] as const).filter((issue) => found.has(issue));
}

/**
 * libvips (as sharp ships it) does not read BMP: an uncompressed bitmap (8-bit grey palette,
 * 24 or 32 bits) is read here, sampled down to at most MEASURE_SIDE pixels a side (each output
 * pixel is one source pixel: at most 2.6 million reads, whatever the image's size). Other BMPs
 * (compressed, 1 or 4 bits) are not judged.
 */
export function bmpToGrey(bytes: Uint8Array): { raw: Uint8Array; width: number; height: number; sourceWidth: number; sourceHeight: number } | undefined {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) return undefined;
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width * height > MAX_IMAGE_PIXELS) return undefined;
  if (!(compression === 0 || (compression === 3 && bits === 32)) || ![8, 24, 32].includes(bits)) return undefined;
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) return undefined;
  let palette: Uint8Array | undefined;
  if (bits === 8) {
    const colours = view.getUint32(46, true) || 256;
    const at = 14 + headerSize;
    if (at + colours * 4 > dataOffset) return undefined;
    palette = new Uint8Array(256);
    for (let i = 0; i < Math.min(colours, 256); i++) palette[i] = grey(bytes[at + i * 4 + 2]!, bytes[at + i * 4 + 1]!, bytes[at + i * 4]!);
  }
  const step = Math.max(1, Math.ceil(Math.max(width, height) / MEASURE_SIDE));
  const outWidth = Math.floor(width / step) || 1;
  const outHeight = Math.floor(height / step) || 1;
  const raw = new Uint8Array(outWidth * outHeight);
  const bytesPerPixel = bits / 8;
  for (let y = 0; y < outHeight; y++) {
    const sourceY = y * step;
    // Rows are stored bottom-up unless the height is negative.
    const row = dataOffset + (rawHeight > 0 ? height - 1 - sourceY : sourceY) * stride;
    for (let x = 0; x < outWidth; x++) {
      const at = row + x * step * bytesPerPixel;
      raw[y * outWidth + x] = palette ? palette[bytes[at]!]! : grey(bytes[at + 2]!, bytes[at + 1]!, bytes[at]!);
    }
  }
  return { raw, width: outWidth, height: outHeight, sourceWidth: width, sourceHeight: height };
}

function grey(r: number, g: number, b: number): number {
  return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
}
