import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { crc32, deflateSync } from "node:zlib";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import {
  DOCUMENT_ERRORS,
  MAX_DOCUMENT_BYTES,
  SNIFF_BYTES,
  countPages,
  detectKind,
  inspectStored,
  pageLimitError,
  type DocumentKind,
  type PageCount,
} from "../../src/services/documents.ts";
import { defaultWorkers } from "../../src/services/inspection-pool.ts";
import { folderStorage, localObject } from "../../src/services/storage.ts";

/* ---- Fixtures, all built here: no binary file in the repository. ---- */

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const base64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** A 1×1 grey JPEG (made with cjpeg -quality 50 -optimize), 160 bytes, ending with FF D9. */
const JPEG =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/" +
  "wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAB//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AQH//2Q==";
/** A 1×1 grey PNG: signature, IHDR, IDAT, IEND (the last 12 bytes). */
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAsTj2FAAAAABJRU5ErkJggg==";
/** A 1×1 transparent GIF89a. */
const GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

async function pdfWithPages(pages: number, useObjectStreams = true): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]).drawText(`Page ${i + 1}`, { x: 50, y: 780 });
  // pdf-lib adds a blank page to a document that has none, unless told not to.
  return pdf.save({ useObjectStreams, addDefaultPage: false });
}

/** A greyscale PNG declaring width × height: IHDR, one IDAT (never decoded), IEND. */
function png(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(ascii(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = 8;
  return concat(base64(PNG).subarray(0, 8), chunk("IHDR", ihdr), chunk("IDAT", new Uint8Array(deflateSync(new Uint8Array(2)))), chunk("IEND", new Uint8Array(0)));
}

/** A PDF written by hand: objects numbered from 1, a classic cross-reference table. */
function handPdf(objects: string[], trailer: string): Uint8Array {
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return ascii(out);
}

const PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";
const HEX32 = "<" + "00".repeat(32) + ">";
/** RC4 40-bit standard security handler (the keys need not be right: nothing is decrypted). */
const ENCRYPT = `<< /Filter /Standard /V 1 /R 2 /O ${HEX32} /U ${HEX32} /P -44 >>`;

/** A classic TIFF: 1×1 8-bit grey frames sharing one strip, the IFDs after the pixel data. */
function tiff(
  order: "II" | "MM",
  frames: number,
  options: { stripBytes?: number; stripOffset?: number; lastNext?: "loop" | number } = {},
): Uint8Array {
  const le = order === "II";
  const stripBytes = options.stripBytes ?? 1;
  const firstIfd = 8 + stripBytes + (stripBytes % 2); // IFDs on a word boundary
  const entries: [tag: number, type: 3 | 4, value: number][] = [
    [256, 3, 1], // ImageWidth
    [257, 3, 1], // ImageLength
    [258, 3, 8], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 1], // PhotometricInterpretation: black is zero
    [273, 4, options.stripOffset ?? 8], // StripOffsets
    [278, 3, 1], // RowsPerStrip
    [279, 4, stripBytes], // StripByteCounts
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const bytes = new Uint8Array(firstIfd + frames * ifdSize);
  const view = new DataView(bytes.buffer);
  bytes.set(ascii(order));
  view.setUint16(2, 42, le);
  view.setUint32(4, firstIfd, le);
  bytes.fill(0x80, 8, 8 + stripBytes);
  for (let frame = 0; frame < frames; frame++) {
    const ifd = firstIfd + frame * ifdSize;
    view.setUint16(ifd, entries.length, le);
    entries.forEach(([tag, type, value], i) => {
      const entry = ifd + 2 + i * 12;
      view.setUint16(entry, tag, le);
      view.setUint16(entry + 2, type, le);
      view.setUint32(entry + 4, 1, le);
      if (type === 3) view.setUint16(entry + 8, value, le);
      else view.setUint32(entry + 8, value, le);
    });
    const last = frame === frames - 1;
    const next = !last ? ifd + ifdSize : options.lastNext === "loop" ? firstIfd : (options.lastNext ?? 0);
    view.setUint32(ifd + ifdSize - 4, next, le);
  }
  return bytes;
}

/** A 24-bit BMP (BITMAPINFOHEADER), rows padded to 4 bytes, white pixels. */
function bmp(width: number, height: number): Uint8Array {
  const rowSize = Math.ceil((width * 24) / 32) * 4;
  const bytes = new Uint8Array(54 + rowSize * height);
  const view = new DataView(bytes.buffer);
  bytes.set(ascii("BM"));
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, 54, true); // pixel data offset
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  view.setUint32(34, rowSize * height, true);
  view.setInt32(38, 2835, true); // 72 dpi
  view.setInt32(42, 2835, true);
  bytes.fill(0xff, 54);
  return bytes;
}

/** A renamed Windows executable: DOS header ("MZ"), then a PE header at e_lfanew. */
function exe(): Uint8Array {
  const bytes = new Uint8Array(0x40 + 24 + 64);
  const view = new DataView(bytes.buffer);
  bytes.set(ascii("MZ"));
  view.setUint16(2, 0x90, true);
  view.setUint32(0x3c, 0x40, true); // e_lfanew
  bytes.set(ascii("PE\0\0"), 0x40);
  view.setUint16(0x44, 0x8664, true); // machine: x86-64
  view.setUint16(0x46, 1, true); // one section
  return bytes;
}

/** A ZIP archive holding one stored (uncompressed) text file. */
function zip(): Uint8Array {
  const name = ascii("lettre.txt");
  const data = ascii("Bonjour");
  const crc = crc32(data);
  const local = new Uint8Array(30);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 10, true); // version needed
  lv.setUint32(14, crc, true);
  lv.setUint32(18, data.length, true);
  lv.setUint32(22, data.length, true);
  lv.setUint16(26, name.length, true);
  const central = new Uint8Array(46);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 10, true);
  cv.setUint32(16, crc, true);
  cv.setUint32(20, data.length, true);
  cv.setUint32(24, data.length, true);
  cv.setUint16(28, name.length, true);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  const centralOffset = local.length + name.length + data.length;
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length + name.length, true);
  ev.setUint32(16, centralOffset, true);
  return concat(local, name, data, central, name, end);
}

/** An HEIC photo (iPhone) starts with an ISO-BMFF "ftyp" box of brand "heic". */
function heic(): Uint8Array {
  return concat(new Uint8Array([0, 0, 0, 0x18]), ascii("ftypheic\0\0\0\0mif1heic"), new Uint8Array(64));
}

/* ---- Tests ---- */

type Row = {
  name: string;
  make: () => Uint8Array | Promise<Uint8Array>;
  kind: DocumentKind | undefined;
  /** What countPages answers for the detected kind (none when the format is refused). */
  pages?: PageCount;
};

const pages = (n: number): PageCount => ({ ok: true, pages: n });
const DAMAGED: PageCount = { ok: false, reason: "damaged" };
const PROTECTED: PageCount = { ok: false, reason: "protected" };
const TRAILING: PageCount = { ok: false, reason: "trailing" };
const DIMENSIONS: PageCount = { ok: false, reason: "dimensions" };

const rows: Row[] = [
  // PDF
  { name: "PDF, 1 page (pdf-lib)", make: () => pdfWithPages(1), kind: "pdf", pages: pages(1) },
  { name: "PDF, 3 pages (pdf-lib, object streams)", make: () => pdfWithPages(3), kind: "pdf", pages: pages(3) },
  { name: "PDF, 3 pages (pdf-lib, classic xref)", make: () => pdfWithPages(3, false), kind: "pdf", pages: pages(3) },
  {
    name: "PDF, 2 pages (by hand)",
    make: () =>
      handPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>", PAGE, PAGE], "/Root 1 0 R"),
    kind: "pdf",
    pages: pages(2),
  },
  { name: "PDF, no page", make: () => pdfWithPages(0), kind: "pdf", pages: DAMAGED },
  {
    name: "PDF, truncated (last 40 % cut off)",
    make: async () => {
      const whole = await pdfWithPages(3);
      return whole.subarray(0, Math.floor(whole.length * 0.6));
    },
    kind: "pdf",
    pages: DAMAGED,
  },
  {
    name: "PDF, encrypted (/Encrypt in the trailer)",
    make: () =>
      handPdf(
        ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE, ENCRYPT],
        `/Root 1 0 R /Encrypt 4 0 R /ID [${HEX32} ${HEX32}]`,
      ),
    kind: "pdf",
    pages: PROTECTED,
  },
  {
    name: "PDF, encrypted and unreadable by pdf-lib (no catalog)",
    make: () => handPdf([ENCRYPT], `/Encrypt 1 0 R /ID [${HEX32} ${HEX32}]`),
    kind: "pdf",
    pages: PROTECTED,
  },
  {
    name: "PDF, page tree looping on itself",
    make: () => handPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"], "/Root 1 0 R"),
    kind: "pdf",
    pages: DAMAGED,
  },
  { name: "PDF, header and %%EOF around garbage", make: () => ascii("%PDF-1.7\nnot a pdf\n%%EOF\n"), kind: "pdf", pages: DAMAGED },

  // PNG
  { name: "PNG 1×1", make: () => base64(PNG), kind: "png", pages: pages(1) },
  // A polyglot (issue 6): bytes after IEND are refused; zero padding is not data.
  { name: "PNG with bytes after IEND", make: () => concat(base64(PNG), ascii("trailer")), kind: "png", pages: TRAILING },
  { name: "PNG with zero padding after IEND", make: () => concat(base64(PNG), new Uint8Array(16)), kind: "png", pages: pages(1) },
  { name: "PNG 10000×5000 (at the bounds)", make: () => png(10_000, 5_000), kind: "png", pages: pages(1) },
  { name: "PNG 10001×1 (wider than 10000)", make: () => png(10_001, 1), kind: "png", pages: DIMENSIONS },
  { name: "PNG 7072×7072 (over 50 megapixels)", make: () => png(7_072, 7_072), kind: "png", pages: DIMENSIONS },
  { name: "PNG 0×1", make: () => png(0, 1), kind: "png", pages: DAMAGED },
  { name: "PNG whose first chunk is not IHDR", make: () => concat(base64(PNG).subarray(0, 8), base64(PNG).subarray(33)), kind: "png", pages: DAMAGED },
  { name: "PNG truncated (no IEND)", make: () => base64(PNG).subarray(0, -12), kind: "png", pages: DAMAGED },
  { name: "PNG cut inside IDAT", make: () => base64(PNG).subarray(0, 40), kind: "png", pages: DAMAGED },

  // JPEG
  { name: "JPEG 1×1", make: () => base64(JPEG), kind: "jpeg", pages: pages(1) },
  { name: "JPEG with zero padding", make: () => concat(base64(JPEG), new Uint8Array(100)), kind: "jpeg", pages: pages(1) },
  {
    name: "JPEG with a phone's trailer after EOI",
    make: () => concat(base64(JPEG), ascii("SEFH\x01\x00\x00\x00 metadata SEFT")),
    kind: "jpeg",
    pages: pages(1),
  },
  { name: "JPEG followed by a second JPEG (Ultra HDR gain map)", make: () => concat(base64(JPEG), base64(JPEG)), kind: "jpeg", pages: pages(1) },
  { name: "JPEG followed by a script", make: () => concat(base64(JPEG), ascii("<script>alert(1)</script>")), kind: "jpeg", pages: TRAILING },
  { name: "JPEG without its EOI", make: () => base64(JPEG).subarray(0, -2), kind: "jpeg", pages: DAMAGED },
  { name: "JPEG cut in its headers", make: () => base64(JPEG).subarray(0, 80), kind: "jpeg", pages: DAMAGED },

  // BMP
  { name: "BMP 1×1", make: () => bmp(1, 1), kind: "bmp", pages: pages(1) },
  { name: "BMP 3×2", make: () => bmp(3, 2), kind: "bmp", pages: pages(1) },
  { name: "BMP with 2 zero bytes after its pixels (as some editors write)", make: () => concat(bmp(3, 2), new Uint8Array(2)), kind: "bmp", pages: pages(1) },
  { name: "BMP with text after its pixels", make: () => concat(bmp(3, 2), ascii("<script>alert(1)</script>")), kind: "bmp", pages: TRAILING },
  { name: "BMP truncated (pixels missing)", make: () => bmp(3, 2).subarray(0, 60), kind: "bmp", pages: DAMAGED },

  // TIFF
  { name: "TIFF little-endian, 1 frame", make: () => tiff("II", 1), kind: "tiff", pages: pages(1) },
  { name: "TIFF little-endian, 3 frames", make: () => tiff("II", 3), kind: "tiff", pages: pages(3) },
  { name: "TIFF big-endian, 1 frame", make: () => tiff("MM", 1), kind: "tiff", pages: pages(1) },
  { name: "TIFF big-endian, 3 frames", make: () => tiff("MM", 3), kind: "tiff", pages: pages(3) },
  {
    name: "TIFF whose IFDs lie past the first SNIFF_BYTES bytes",
    make: () => tiff("II", 2, { stripBytes: 20_000 }),
    kind: "tiff",
    pages: pages(2),
  },
  { name: "TIFF with zero padding at its end", make: () => concat(tiff("II", 2), new Uint8Array(6)), kind: "tiff", pages: pages(2) },
  { name: "TIFF with text after its last directory", make: () => concat(tiff("MM", 2), ascii("<html>")), kind: "tiff", pages: TRAILING },
  { name: "TIFF with 1001 frames (count capped)", make: () => tiff("MM", 1001), kind: "tiff", pages: pages(1000) },
  { name: "TIFF whose IFD chain loops", make: () => tiff("II", 3, { lastNext: "loop" }), kind: "tiff", pages: DAMAGED },
  { name: "TIFF whose IFD loops on itself", make: () => tiff("MM", 1, { lastNext: "loop" }), kind: "tiff", pages: DAMAGED },
  { name: "TIFF with a next IFD past the end", make: () => tiff("II", 2, { lastNext: 999_999 }), kind: "tiff", pages: DAMAGED },
  {
    name: "TIFF truncated (IFDs cut off)",
    make: () => tiff("II", 2, { stripBytes: 20_000 }).subarray(0, 10_000),
    kind: "tiff",
    pages: DAMAGED,
  },
  { name: "TIFF whose strip lies past the end", make: () => tiff("MM", 1, { stripOffset: 50_000 }), kind: "tiff", pages: DAMAGED },
  { name: "TIFF header alone", make: () => tiff("II", 1).subarray(0, 8), kind: "tiff", pages: DAMAGED },
  {
    name: "BigTIFF (unsupported)",
    make: () => new Uint8Array([0x49, 0x49, 43, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    kind: "tiff",
    pages: DAMAGED,
  },

  // Refused formats
  { name: "renamed Windows executable (MZ + PE)", make: exe, kind: undefined },
  { name: "ZIP archive", make: zip, kind: undefined },
  { name: "plain text", make: () => ascii("Nom : Dupont\nAdresse : 1 rue de la Paix, 75002 Paris\n"), kind: undefined },
  { name: "text starting with BM", make: () => ascii("BMW série 3, facture du garage\n"), kind: undefined },
  { name: "text starting with II*", make: () => ascii("II* n'est pas une image\n"), kind: undefined },
  { name: "GIF", make: () => base64(GIF), kind: undefined },
  { name: "HEIC", make: heic, kind: undefined },
  { name: "empty file", make: () => new Uint8Array(0), kind: undefined },
];

const FORMATS: Record<DocumentKind, { mime: string; extension: string }> = {
  jpeg: { mime: "image/jpeg", extension: "jpg" },
  png: { mime: "image/png", extension: "png" },
  bmp: { mime: "image/bmp", extension: "bmp" },
  tiff: { mime: "image/tiff", extension: "tif" },
  pdf: { mime: "application/pdf", extension: "pdf" },
};

describe("detectKind", () => {
  it.each(rows)("$name", async ({ make, kind }) => {
    const bytes = await make();
    // As an upload handler would call it: on the first SNIFF_BYTES bytes only.
    const detected = await detectKind(bytes.subarray(0, SNIFF_BYTES));
    expect(detected).toEqual(kind && { kind, ...FORMATS[kind] });
  });
});

describe("countPages", () => {
  it.each(rows.filter((row) => row.kind !== undefined))("$name", async ({ make, kind, pages }) => {
    expect(await countPages(kind!, await make())).toEqual(pages);
  });

  it.each<DocumentKind>(["jpeg", "png", "bmp", "tiff", "pdf"])("an empty %s is damaged", async (kind) => {
    expect(await countPages(kind, new Uint8Array(0))).toEqual(DAMAGED);
  });

  it("reads a Uint8Array that is a view into a larger buffer", async () => {
    const inner = tiff("MM", 3);
    const outer = new Uint8Array(inner.length + 20);
    outer.set(inner, 10);
    expect(await countPages("tiff", outer.subarray(10, 10 + inner.length))).toEqual(pages(3));
  });
});

describe("inspectStored", () => {
  it("reads a folder-stored object in the worker: counted like the bytes, a tampered one rejects, a stream still works", async () => {
    const dir = mkdtempSync(join(tmpdir(), "permis-inspect-"));
    try {
      const storage = folderStorage(dir, randomBytes(32));
      const pdf = await pdfWithPages(3);
      const stored = await storage.put("documents/a/b", Readable.from([Buffer.from(pdf)]));
      // The folder's stream names its object: the worker reads it from there, not from this thread.
      const opened = await storage.get("documents/a/b", stored.encryption);
      expect(localObject(opened)?.path).toBe(join(dir, "documents/a/b"));
      opened.destroy();
      expect(localObject(Readable.from([pdf]))).toBeUndefined();

      const fromFolder = await inspectStored("pdf", stored.size, () => storage.get("documents/a/b", stored.encryption));
      expect(fromFolder.pages).toEqual(pages(3));

      // The same bytes as a plain stream (an S3 object): the same verdict.
      const fromStream = await inspectStored("pdf", pdf.length, () => Promise.resolve(Readable.from([Buffer.from(pdf)])));
      expect(fromStream.pages).toEqual(pages(3));

      // One byte flipped: the worker's decryption does not authenticate, nothing is counted.
      const path = join(dir, "documents/a/b");
      const ciphertext = readFileSync(path);
      ciphertext[100] = ciphertext[100]! ^ 1;
      writeFileSync(path, ciphertext);
      await expect(inspectStored("pdf", stored.size, () => storage.get("documents/a/b", stored.encryption))).rejects.toThrow(/not authentic/);
      // A wrong size (the row does not match the object): refused the same way, never inspected.
      await expect(inspectStored("pdf", stored.size - 1, () => storage.get("documents/a/b", stored.encryption))).rejects.toThrow(/not authentic/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("inspection workers", () => {
  it.each([
    { env: undefined, cores: 1, workers: 1 },
    { env: undefined, cores: 2, workers: 1 },
    { env: undefined, cores: 3, workers: 2 },
    { env: undefined, cores: 16, workers: 2 },
    { env: "", cores: 2, workers: 1 },
    { env: "4", cores: 2, workers: 4 },
    { env: "1", cores: 16, workers: 1 },
  ])("INSPECTION_WORKERS=$env on $cores cores: $workers", ({ env, cores, workers }) => {
    expect(defaultWorkers(env, cores)).toBe(workers);
  });

  it.each(["0", "9", "1.5", "deux", "-1"])("refuses INSPECTION_WORKERS=%s", (env) => {
    expect(() => defaultWorkers(env, 2)).toThrow(/INSPECTION_WORKERS/);
  });
});

describe("messages", () => {
  it("limits files to 11 Mo", () => {
    expect(MAX_DOCUMENT_BYTES).toBe(11_534_336);
    expect(DOCUMENT_ERRORS.size).toContain("11 Mo");
  });

  it.each<{ limit: number; deposited: number; file: number; expected: string }>([
    {
      limit: 2,
      deposited: 1,
      file: 2,
      expected:
        "Cette pièce est limitée à 2 pages : ce fichier en compte 2 et 1 page est déjà déposée. Supprimez un fichier ou envoyez un document plus court.",
    },
    {
      limit: 5,
      deposited: 3,
      file: 4,
      expected:
        "Cette pièce est limitée à 5 pages : ce fichier en compte 4 et 3 pages sont déjà déposées. Supprimez un fichier ou envoyez un document plus court.",
    },
    {
      limit: 1,
      deposited: 0,
      file: 3,
      expected: "Cette pièce est limitée à 1 page : ce fichier en compte 3. Envoyez un document plus court.",
    },
    {
      limit: 2,
      deposited: 0,
      file: 5,
      expected: "Cette pièce est limitée à 2 pages : ce fichier en compte 5. Envoyez un document plus court.",
    },
    {
      limit: 1,
      deposited: 1,
      file: 1,
      expected:
        "Cette pièce est limitée à 1 page : ce fichier en compte 1 et 1 page est déjà déposée. Supprimez un fichier déjà déposé pour en envoyer un autre.",
    },
    {
      limit: 2,
      deposited: 2,
      file: 1,
      expected:
        "Cette pièce est limitée à 2 pages : ce fichier en compte 1 et 2 pages sont déjà déposées. Supprimez un fichier déjà déposé pour en envoyer un autre.",
    },
  ])("pageLimitError($limit, $deposited, $file)", ({ limit, deposited, file, expected }) => {
    expect(pageLimitError(limit, deposited, file)).toBe(expected);
  });
});
