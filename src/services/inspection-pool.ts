// libvips (sharp) is loaded by the main thread before any worker uses it: on glibc Linux, a
// shared library first opened by a worker is unloaded when that worker ends, under its peers.
import "sharp";
import { availableParallelism } from "node:os";
import type { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import type { InspectionAnswer, InspectionRequest } from "./inspection-worker.ts";
import type { DocumentKind, PageCount } from "./inspection.ts";
import type { ScanIssue } from "./scan-quality.ts";
import { localObject } from "./storage.ts";
import { Turns } from "./turns.ts";

/**
 * Runs document inspections in worker threads, so that no upload blocks the event loop: at
 * most `workers` inspections at a time in the whole process (others wait their turn, holding
 * nothing: a stored upload is read only once its turn comes), each bounded by a deadline (the
 * worker is terminated, the file refused as too complex) and by a heap limit (a worker that
 * reaches it is ended by V8 and the file refused the same way). Idle workers end soon, and
 * never keep the process alive.
 *
 * Memory: the file's bytes live in the worker only (one buffer of the file's size, filled as the
 * stream arrives, or read and decrypted by the worker itself for a folder-stored object), never
 * whole on the main thread; after the page count, the same worker may
 * measure the file's readability with sharp (scan-quality.ts), so the bytes cross no thread twice.
 */
export type InspectionLimits = {
  /** Inspections running at once (one worker each). */
  workers: number;
  /** Time one page count may take once the file is in the worker, in milliseconds. */
  deadlineMs: number;
  /** Heap of a worker (V8 old generation), in Mo. */
  maxOldGenerationSizeMb: number;
  /** Young generation of a worker, in Mo (V8's default for a worker grows to 32: its pages stay resident). */
  maxYoungGenerationSizeMb: number;
  /** An idle worker ends after this many milliseconds. */
  idleMs: number;
};

/**
 * At most defaultWorkers() inspections at once in the whole process. 96 Mo of heap: a 20,000-page PDF (2 Mo) is still
 * counted, the bench's 11.5 Mo PDF takes about 15 Mo besides its own buffer (outside the heap);
 * a 100,000-page PDF of 10.5 Mo is refused as too complex (it was at 256 Mo too, by the deadline),
 * and the hostile corpus is stopped by the decoding ceiling (32 Mo) before the heap limit.
 */
export const DEFAULT_INSPECTION_LIMITS: InspectionLimits = { workers: defaultWorkers(), deadlineMs: 10_000, maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8, idleMs: 2_000 };

/**
 * Inspections at once: INSPECTION_WORKERS (1 to 8) when set, else one core less than the host
 * has, at least 1 and at most 2 (a 2-core host inspects one file at a time: each worker holds
 * about 35 Mo besides its file, and the main thread needs the other core).
 */
export function defaultWorkers(env: string | undefined = process.env.INSPECTION_WORKERS, cores: number = availableParallelism()): number {
  if (env !== undefined && env.trim() !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error("INSPECTION_WORKERS must be an integer from 1 to 8");
    return n;
  }
  return Math.max(1, Math.min(2, cores - 1));
}

/** Above this size a file is not inspected (documents are cut at 11 Mo by the upload's parser). */
export const MAX_INSPECTED_BYTES = 64 * 1024 * 1024;

/** What an upload learns from its inspection: its pages (or why it is refused), and advice on its readability. */
export type Inspection = { pages: PageCount; readability: ScanIssue[] };

const COMPLEX: PageCount = { ok: false, reason: "complex" };
const WORKER_URL = new URL("./inspection-worker.ts", import.meta.url);

/** Where the file comes from: bytes already in memory, or a stream opened once the inspection's turn has come. */
type Source = { bytes: Uint8Array } | { size: number; open: () => Promise<AsyncIterable<Uint8Array>> };

export class InspectionPool {
  private readonly limits: InspectionLimits;
  private readonly idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];
  private readonly turns: Turns;
  private nextId = 0;

  constructor(limits: Partial<InspectionLimits> = {}) {
    this.limits = { ...DEFAULT_INSPECTION_LIMITS, ...limits };
    this.turns = new Turns(this.limits.workers);
  }

  /** Counts the pages of a file held in memory (the caller's buffer is copied, and stays usable). */
  async inspect(kind: DocumentKind, bytes: Uint8Array): Promise<PageCount> {
    return (await this.turns.use(() => this.run(kind, { bytes }, false))).pages;
  }

  /**
   * Counts the pages of a file of `size` bytes read from `open()` (called when a worker is free:
   * a waiting upload holds no bytes), then, when it is accepted and `assess` is set, measures its
   * readability. A stream that fails (a tampered object...) rejects: a fault, not a verdict.
   */
  inspectStream(kind: DocumentKind, size: number, open: () => Promise<AsyncIterable<Uint8Array>>, options: { assess: boolean }): Promise<Inspection> {
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_INSPECTED_BYTES) return Promise.reject(new RangeError("inspection: size out of bounds"));
    return this.turns.use(() => this.run(kind, { size, open }, options.assess));
  }

  /** Ends the idle workers (those at work end with their inspection). */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    await Promise.all(idle.map(({ worker, timer }) => (clearTimeout(timer), worker.terminate())));
  }

  private async run(kind: DocumentKind, source: Source, assess: boolean): Promise<Inspection> {
    const worker = await this.take();
    const id = ++this.nextId;
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    let counted: PageCount | undefined;
    const outcome = new Promise<Inspection>((resolve, reject) => {
      const finish = (result: { inspection: Inspection } | { error: Error }, reuse: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        if (reuse) this.park(worker);
        else void worker.terminate();
        if ("inspection" in result) resolve(result.inspection);
        else reject(result.error);
      };
      const onMessage = (answer: InspectionAnswer) => {
        if (answer.id !== id) return;
        if ("loaded" in answer) {
          startDeadline();
        } else if ("failed" in answer) {
          finish({ error: new Error(`inspection: ${answer.failed}`) }, true);
        } else if ("result" in answer) {
          // The page count is in: the deadline was the count's. Readability (advice) is bounded by
          // sharp's own timeouts, and a worker is never terminated while libvips works for it.
          clearTimeout(deadline);
          counted = answer.result;
          if (!answer.assessing) finish({ inspection: { pages: answer.result, readability: [] } }, true);
        } else {
          finish({ inspection: { pages: counted ?? COMPLEX, readability: answer.readability } }, true);
        }
      };
      // Past its heap limit V8 ends the worker with ERR_WORKER_OUT_OF_MEMORY: the file is too
      // heavy to inspect. Any other failure (the worker cannot start...) is a fault, not a verdict;
      // once the pages are counted, a failure costs only the advice.
      const onError = (error: Error & { code?: string }) => {
        if (counted) finish({ inspection: { pages: counted, readability: [] } }, false);
        else finish(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? { inspection: { pages: COMPLEX, readability: [] } } : { error }, false);
      };
      const onExit = (code: number) => {
        if (counted) finish({ inspection: { pages: counted, readability: [] } }, false);
        else finish({ error: new Error(`inspection worker exited (${code})`) }, false);
      };
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      worker.ref();
      const startDeadline = () => {
        deadline = setTimeout(() => finish({ inspection: { pages: COMPLEX, readability: [] } }, false), this.limits.deadlineMs);
      };
      const startCount = () => {
        worker.postMessage({ id, end: true } satisfies InspectionRequest);
        startDeadline();
      };
      // Each chunk is copied once into a buffer of its own, which is moved (not copied) to the
      // worker: cloning a view would copy its whole underlying buffer (a pool, a larger file).
      const send = (chunk: Uint8Array) => {
        const own = new Uint8Array(chunk);
        worker.postMessage({ id, chunk: own } satisfies InspectionRequest, [own.buffer]);
      };
      if ("bytes" in source) {
        // The caller's buffer stays usable.
        worker.postMessage({ id, kind, size: source.bytes.length, assess } satisfies InspectionRequest);
        send(source.bytes);
        startCount();
        return;
      }
      // Chunk by chunk, as the stream gives them: the worker copies each into the file's buffer
      // and keeps none; the main thread never holds the file.
      const feed = async () => {
        const stream = await source.open();
        // A folder-stored object: the worker reads and decrypts it itself, and the main thread
        // reads none of it (the stream opened here is closed unread).
        const local = localObject(stream);
        if (local) {
          (stream as Readable).destroy();
          if (!settled) worker.postMessage({ id, kind, size: source.size, assess, local } satisfies InspectionRequest);
          return;
        }
        worker.postMessage({ id, kind, size: source.size, assess } satisfies InspectionRequest);
        for await (const chunk of stream) {
          if (settled) return;
          send(chunk);
        }
        if (!settled) startCount();
      };
      feed().catch((error: unknown) => finish({ error: error instanceof Error ? error : new Error(String(error)) }, false));
    });
    return outcome;
  }

  /** An idle worker, or a new one once it has loaded its modules (the deadline counts inspection only). */
  private async take(): Promise<Worker> {
    const parked = this.idle.pop();
    if (parked) {
      clearTimeout(parked.timer);
      return parked.worker;
    }
    const worker = new Worker(WORKER_URL, {
      // No flag of the parent (tsx's loader, vitest's): Node strips the worker's types itself.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: this.limits.maxYoungGenerationSizeMb, stackSizeMb: 4 },
    });
    await new Promise<void>((resolve, reject) => {
      const cleanup = () => worker.off("message", onReady).off("error", onFailure).off("exit", onFailure);
      const onReady = (message: unknown) => {
        if ((message as { ready?: boolean }).ready !== true) return;
        cleanup();
        resolve();
      };
      const onFailure = (error: unknown) => {
        cleanup();
        void worker.terminate();
        reject(error instanceof Error ? error : new Error(`inspection worker exited (${String(error)})`));
      };
      worker.on("message", onReady).on("error", onFailure).on("exit", onFailure);
    });
    return worker;
  }

  private park(worker: Worker): void {
    worker.unref();
    const entry = {
      worker,
      timer: setTimeout(() => {
        const at = this.idle.indexOf(entry);
        if (at >= 0) this.idle.splice(at, 1);
        void worker.terminate();
      }, this.limits.idleMs),
    };
    entry.timer.unref();
    this.idle.push(entry);
  }
}
