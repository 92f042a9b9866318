import { crc32 } from "node:zlib";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { countPages } from "../../src/services/documents.ts";
import { assessScan, measureImage, SCAN_THRESHOLDS, scanIssues, type ScanIssue } from "../../src/services/scan-quality.ts";
import { pdf } from "../helpers/requests.ts";
import { sampleBmp, sampleScan, type SampleName } from "../helpers/scans.ts";

/** Readability of an upload (issue 7, "A readable scan, told at once"), on generated sample scans. */

const EXPECTED: Array<[SampleName, ScanIssue[]]> = [
  ["sharp", []],
  ["blurred", ["blurred"]],
  ["dark", ["dark"]],
  ["light", ["light"]],
  ["small", ["small"]],
];

describe("measuring a scan", () => {
  it.each(EXPECTED.flatMap(([name, issues]) => (["jpeg", "png", "tiff", "bmp"] as const).map((format) => [name, format, issues] as const)))(
    "the %s sample as %s: %j",
    async (name, format, issues) => {
      const bytes = format === "bmp" ? await sampleBmp(name) : await sampleScan(name, format);
      expect(await assessScan(format, bytes)).toEqual(issues);
    },
    30_000,
  );

  it("measures resolution, sharpness, brightness and contrast on either side of the thresholds", async () => {
    const t = SCAN_THRESHOLDS;
    const sharp = (await measureImage(await sampleScan("sharp")))!;
    const blurred = (await measureImage(await sampleScan("blurred")))!;
    const dark = (await measureImage(await sampleScan("dark")))!;
    const light = (await measureImage(await sampleScan("light")))!;
    const small = (await measureImage(await sampleScan("small")))!;
    expect([sharp.width, sharp.height, small.width, small.height]).toEqual([1600, 1200, 300, 200]);
    expect(sharp.sharpness).toBeGreaterThan(t.minSharpness * 2);
    expect(blurred.sharpness).toBeLessThan(t.minSharpness / 2);
    expect(sharp.brightness).toBeGreaterThan(t.minBrightness);
    expect(dark.brightness).toBeLessThan(t.minBrightness);
    expect(light.brightness).toBeGreaterThan(t.maxBrightness);
    expect(light.contrast).toBeLessThan(t.minContrastWhenLight);
    expect(sharp.contrast).toBeGreaterThan(t.minContrastWhenLight * 2);
    // A white page with black text is light, but contrasted: no advice.
    expect(sharp.brightness).toBeGreaterThan(200);
    expect(scanIssues(sharp)).toEqual([]);
  }, 30_000);

  it("judges a scanned PDF page by its image and its effective resolution; a PDF of text is not judged", async () => {
    const scanned = async (sample: SampleName) => {
      const doc = await PDFDocument.create();
      const image = await doc.embedJpg(await sampleScan(sample));
      // An A4 page, landscape like the sample (1600 px over 11.7 inches: about 137 dpi).
      doc.addPage([842, 595]).drawImage(image, { x: 0, y: 0, width: 842, height: 595 });
      return Buffer.from(await doc.save());
    };
    for (const [sample, issues] of [["sharp", []], ["blurred", ["blurred"]], ["dark", ["dark"]], ["small", ["small"]]] as Array<[SampleName, ScanIssue[]]>) {
      const bytes = await scanned(sample);
      const counted = await countPages("pdf", bytes);
      expect(counted.ok && counted.scans?.length).toBe(1);
      expect(await assessScan("pdf", bytes, counted.ok ? counted.scans : [])).toEqual(issues);
    }
    const text = await pdf(2);
    const counted = await countPages("pdf", text);
    expect(counted).toEqual({ ok: true, pages: 2 });
    expect(await assessScan("pdf", text, [])).toEqual([]);
  }, 60_000);

  it("never decodes an image past the pixel limit: no measure, no advice (the inspection judges it)", async () => {
    // A PNG declaring 20,000 × 20,000 pixels (its IHDR rewritten, with its CRC).
    const png = await sampleScan("small", "png");
    png.writeUInt32BE(20_000, 16);
    png.writeUInt32BE(20_000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    const started = Date.now();
    expect(await measureImage(png)).toBeUndefined();
    expect(await assessScan("png", png)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Not an image at all: no advice either.
    expect(await assessScan("jpeg", Buffer.from("not an image"))).toEqual([]);
  });
});
