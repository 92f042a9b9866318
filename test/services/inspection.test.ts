import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { PDFDocument, PDFRawStream } from "pdf-lib";
import { countPages, detectKind, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, SNIFF_BYTES } from "../../src/services/documents.ts";
import { installStreamViews } from "../../src/services/inspection.ts";
import { InspectionPool } from "../../src/services/inspection-pool.ts";
import { CORPUS, manyPagesPdf, pdfObjectStreamBomb, pdfPages } from "../fixtures/hostile/generate.ts";

/**
 * The hostile upload corpus (issue 6, items 2 and 3) through the inspection as an upload goes
 * through it: format from the first bytes, then countPages in the inspection worker.
 */

describe("the hostile upload corpus", () => {
  it.each(CORPUS.map((entry) => ({ ...entry, outcome: entry.expected.ok ? `${entry.expected.pages} page(s)` : entry.expected.reason })))(
    "$file ($description): $outcome",
    async ({ make, kind, expected }) => {
      const bytes = await make();
      expect((await detectKind(bytes.subarray(0, SNIFF_BYTES)))?.kind).toBe(kind);
      expect(await countPages(kind, bytes)).toEqual(expected);
    },
    30_000,
  );

  it("documents the image bounds it applies", () => {
    expect(MAX_IMAGE_SIDE).toBe(10_000);
    expect(MAX_IMAGE_PIXELS).toBe(50_000_000);
  });
});

/** The longest gap between ticks of a 10 ms timer while `work` runs: how long the event loop was blocked. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number; elapsedMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 10);
  const start = performance.now();
  try {
    const result = await work();
    return { result, stallMs, elapsedMs: performance.now() - start };
  } finally {
    clearInterval(timer);
  }
}

describe("a decompression bomb", () => {
  it("is built as announced: about 1 Mo that inflates to 1 Go", () => {
    const bomb = pdfObjectStreamBomb("FlateDecode", 1024 * 1024 * 1024);
    expect(bomb.length).toBeGreaterThan(900_000);
    expect(bomb.length).toBeLessThan(1_200_000);
  });

  // Before the fix, pdf-lib inflated the object stream on the main thread: the 1 Mo file froze
  // the server for seconds and took gigabytes. Now the worker stops at the ceiling, quickly,
  // while the event loop keeps ticking.
  it("is refused as too complex, quickly, without blocking the event loop", async () => {
    const bomb = pdfObjectStreamBomb("FlateDecode", 1024 * 1024 * 1024);
    await countPages("pdf", await pdfPages(1)); // a worker is ready, as in a running service
    const { result, stallMs, elapsedMs } = await longestStall(() => countPages("pdf", bomb));
    expect(result).toEqual({ ok: false, reason: "complex" });
    expect(elapsedMs).toBeLessThan(20_000);
    // Before the fix: seconds of a frozen event loop (9 s for such a file in the review).
    expect(stallMs).toBeLessThan(2_000);
  }, 30_000);

  it("is stopped by the ceiling on decoded bytes, not by the deadline", async () => {
    const patient = new InspectionPool({ deadlineMs: 120_000 });
    try {
      for (const filter of ["FlateDecode", "RunLengthDecode"] as const) {
        expect(await patient.inspect("pdf", pdfObjectStreamBomb(filter, 1024 * 1024 * 1024))).toEqual({ ok: false, reason: "complex" });
      }
    } finally {
      await patient.close();
    }
  }, 120_000);

  it("leaves the inspection working for the next file", async () => {
    await countPages("pdf", pdfObjectStreamBomb("RunLengthDecode", 128 * 1024 * 1024));
    expect(await countPages("pdf", await pdfPages(2))).toEqual({ ok: true, pages: 2 });
  }, 30_000);
});

describe("pdf-lib's parser in the worker (installStreamViews)", () => {
  it("keeps a stream's bytes as a view of the file, so a large PDF is held once, not twice", async () => {
    const made = await PDFDocument.create({ updateMetadata: false });
    made.addPage([595, 842]);
    const content = randomBytes(256 * 1024);
    made.context.register(made.context.stream(content));
    const file = await made.save({ useObjectStreams: false });
    installStreamViews();
    const parsed = await PDFDocument.load(file, { updateMetadata: false });
    const streams = parsed.context.enumerateIndirectObjects().map(([, object]) => object).filter((object) => object instanceof PDFRawStream);
    const large = streams.find((stream) => stream.contents.length === content.length);
    expect(large).toBeDefined();
    expect(Buffer.from(large!.contents).equals(content)).toBe(true);
    // The same memory as the file's bytes, at the stream's place in them.
    expect(large!.contents.buffer).toBe(file.buffer);
    expect(Buffer.from(file.buffer, large!.contents.byteOffset, content.length).equals(content)).toBe(true);
    expect(await parsed.getPageCount()).toBe(1);
  });
});

describe("the inspection pool", () => {
  const pools: InspectionPool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));
  const pool = (limits: ConstructorParameters<typeof InspectionPool>[0]) => {
    const p = new InspectionPool(limits);
    pools.push(p);
    return p;
  };

  it("ends an inspection past its deadline (the file is refused as too complex), then works again", async () => {
    const p = pool({ deadlineMs: 30 });
    const { result, stallMs } = await longestStall(() => p.inspect("pdf", manyPagesPdf(20_000)));
    expect(result).toEqual({ ok: false, reason: "complex" });
    expect(stallMs).toBeLessThan(2_000);
    const relaxed = pool({ deadlineMs: 20_000 });
    expect(await relaxed.inspect("pdf", await pdfPages(1))).toEqual({ ok: true, pages: 1 });
  }, 30_000);

  it("refuses a file whose inspection reaches the worker's heap limit, and the process goes on", async () => {
    const p = pool({ maxOldGenerationSizeMb: 16, deadlineMs: 20_000 });
    expect(await p.inspect("pdf", manyPagesPdf(40_000))).toEqual({ ok: false, reason: "complex" });
    expect(await p.inspect("png", Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAsTj2FAAAAABJRU5ErkJggg==", "base64"))).toEqual({
      ok: true,
      pages: 1,
    });
  }, 60_000);

  it("runs at most `workers` inspections at once; the others wait their turn", async () => {
    const p = pool({ workers: 1 });
    const file = await pdfPages(1);
    const results = await Promise.all([1, 2, 3].map(() => p.inspect("pdf", file)));
    expect(results).toEqual([1, 2, 3].map(() => ({ ok: true, pages: 1 })));
  }, 30_000);
});

describe("loading the worker as `npm start` does (tsx)", () => {
  let folder: string | undefined;
  afterAll(() => (folder ? rm(folder, { recursive: true, force: true }) : undefined));

  // npm start runs `tsx src/main.ts`: the worker must load there too, not only under vitest.
  it("inspects the corpus in a tsx process", async () => {
    folder = await mkdtemp(join(tmpdir(), "permis-corpus-"));
    const only = ["png-20000x20000.png", "pdf-openaction-javascript.pdf", "jpeg-puis-zip.jpg", "ok-pdf-lien.pdf"];
    const { stdout } = await promisify(execFile)(join("node_modules", ".bin", "tsx"), ["test/fixtures/hostile/generate.ts", folder, "--check", `--only=${only.join(",")}`], {
      timeout: 60_000,
    });
    expect(stdout.split("\n").filter((line) => line.startsWith("ok "))).toHaveLength(only.length);
    expect(stdout).not.toContain("FAUX");
  }, 70_000);
});
