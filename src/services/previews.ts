import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { sharp } from "./images.ts";
import { MAX_IMAGE_PIXELS } from "./documents.ts";
import { bmpToGrey } from "./scan-quality.ts";
import { Turns } from "./turns.ts";

/**
 * Previews of a request's pieces for the back-office (issue 9 §3). An agent's browser never
 * receives the uploaded bytes to render: every piece is shown as an image made here.
 * - images (JPEG, PNG, TIFF) are decoded by sharp with a pixel ceiling and re-encoded as a
 *   bounded JPEG (longest side MAX_SIDE, metadata dropped, orientation applied);
 * - a BMP (which libvips does not read) is sampled in grey by the upload's own reader;
 * - a PDF page is rasterised by poppler's `pdftoppm` in a child process: the PDF comes on its
 *   standard input, the page on its output; the process has a deadline (killed after it), an
 *   address-space and CPU ceiling (prlimit, where present) and an output ceiling; its JPEG is
 *   then decoded and re-encoded by sharp like any image.
 * At most `concurrent` previews are made at a time; up to `maxWaiting` others wait their turn,
 * and past that a request gets no preview at once (the waiting queue stays bounded).
 */
export interface PreviewLimits {
  concurrent: number;
  /** How many may wait their turn; beyond, no preview is made (the page says it is unavailable) rather than a queue without end. */
  maxWaiting: number;
  /** Deadline of one rasterisation (the child is killed after it), in milliseconds. */
  timeoutMs: number;
  /** Longest side of a preview, in pixels. */
  maxSide: number;
  /** Address space of the rasteriser, in bytes (applied with prlimit when it exists). */
  memoryBytes: number;
  /** The most bytes a rasteriser may write before it is killed. */
  maxOutputBytes: number;
  quality: number;
  /** Deadline of one decoding and re-encoding by sharp (libvips stops the work after it), in seconds. */
  imageTimeoutSeconds: number;
  /** The highest page number a preview is made of. */
  maxPage: number;
  pdftoppm: string;
  prlimit: string | undefined;
}

export const DEFAULT_PREVIEW_LIMITS: PreviewLimits = {
  concurrent: 2,
  maxWaiting: 16,
  timeoutMs: 10_000,
  maxSide: 1600,
  memoryBytes: 512 * 1024 * 1024,
  maxOutputBytes: 16 * 1024 * 1024,
  quality: 80,
  imageTimeoutSeconds: 5,
  maxPage: 20,
  pdftoppm: "pdftoppm",
  prlimit: existsSync("/usr/bin/prlimit") ? "/usr/bin/prlimit" : undefined,
};

export interface Preview {
  type: "image/jpeg";
  bytes: Buffer;
}

/** The formats a preview is made of (the canonical MIME types of src/services/documents.ts). */
export const PREVIEWABLE = ["image/jpeg", "image/png", "image/tiff", "image/bmp", "application/pdf"] as const;

export class PreviewMaker {
  private readonly limits: PreviewLimits;
  private readonly turns: Turns;

  constructor(limits: Partial<PreviewLimits> = {}) {
    this.limits = { ...DEFAULT_PREVIEW_LIMITS, ...limits };
    this.turns = new Turns(this.limits.concurrent);
  }

  /**
   * A preview of page `page` (1-based) of a file of type `mime` (its bytes, or how to read them);
   * undefined when the format has no preview, the page does not exist, or the file could not be
   * rendered within the limits.
   */
  async make(mime: string, source: Uint8Array | (() => Promise<Uint8Array | undefined>), page = 1): Promise<Preview | undefined> {
    if (!Number.isInteger(page) || page < 1 || page > this.limits.maxPage) return undefined;
    if (!(PREVIEWABLE as readonly string[]).includes(mime)) return undefined;
    // The file is read in its turn: at most `concurrent` files are in memory at once.
    if (this.turns.full && this.turns.queued >= this.limits.maxWaiting) return undefined;
    return this.turns.use(async () => {
      try {
        const bytes = typeof source === "function" ? await source() : source;
        if (!bytes) return undefined;
        switch (mime) {
          case "application/pdf": {
            const raster = await this.rasterise(bytes, page);
            return raster ? await this.encode(raster, 1) : undefined;
          }
          case "image/bmp": {
            if (page !== 1) return undefined;
            const grey = bmpToGrey(bytes);
            if (!grey) return undefined;
            return await this.encodeRaw(grey.raw, grey.width, grey.height);
          }
          case "image/jpeg":
          case "image/png":
          case "image/tiff":
            return await this.encode(bytes, page);
          default:
            return undefined;
        }
      } catch {
        // An image sharp refuses (too large, truncated...): no preview, never a failure of the page.
        return undefined;
      }
    });
  }


  private async encode(bytes: Uint8Array, page: number): Promise<Preview> {
    const side = this.limits.maxSide;
    const out = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "error", page: page - 1, pages: 1 })
      .timeout({ seconds: this.limits.imageTimeoutSeconds })
      .rotate()
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: this.limits.quality })
      .toBuffer();
    return { type: "image/jpeg", bytes: out };
  }

  private async encodeRaw(raw: Uint8Array, width: number, height: number): Promise<Preview> {
    const side = this.limits.maxSide;
    const out = await sharp(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { raw: { width, height, channels: 1 }, limitInputPixels: MAX_IMAGE_PIXELS })
      .timeout({ seconds: this.limits.imageTimeoutSeconds })
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .jpeg({ quality: this.limits.quality })
      .toBuffer();
    return { type: "image/jpeg", bytes: out };
  }

  /** One page of a PDF as a JPEG, by pdftoppm in a bounded child process; undefined on any failure. */
  private rasterise(pdf: Uint8Array, page: number): Promise<Buffer | undefined> {
    const l = this.limits;
    const args = ["-q", "-f", String(page), "-l", String(page), "-scale-to", String(l.maxSide), "-jpeg", "-jpegopt", `quality=${l.quality}`, "-"];
    const [command, argv] = l.prlimit
      ? [l.prlimit, [`--as=${l.memoryBytes}`, `--cpu=${Math.ceil(l.timeoutMs / 1000)}`, "--", l.pdftoppm, ...args]]
      : [l.pdftoppm, args];
    return new Promise((resolve) => {
      let settled = false;
      const chunks: Buffer[] = [];
      let size = 0;
      const child = spawn(command, argv, { stdio: ["pipe", "pipe", "ignore"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } });
      const finish = (result: Buffer | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        resolve(result);
      };
      const timer = setTimeout(() => finish(undefined), l.timeoutMs);
      child.on("error", () => finish(undefined));
      child.stdout.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > l.maxOutputBytes) finish(undefined);
        else chunks.push(chunk);
      });
      child.on("close", (code) => finish(code === 0 && size > 0 ? Buffer.concat(chunks) : undefined));
      // A PDF the child stops reading (it failed early) must not crash the process.
      child.stdin.on("error", () => {});
      child.stdin.end(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    });
  }
}
