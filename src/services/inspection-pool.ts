import { Worker } from "node:worker_threads";
import type { InspectionAnswer, InspectionRequest } from "./inspection-worker.ts";
import type { DocumentKind, PageCount } from "./inspection.ts";

/**
 * Runs document inspections in worker threads, so that no upload blocks the event loop: at
 * most `workers` inspections at a time (others wait their turn), each bounded by a deadline
 * (the worker is terminated, the file refused as too complex) and by a heap limit (a worker
 * that reaches it is ended by V8 and the file refused the same way). Idle workers are kept a
 * while for the next upload, and never keep the process alive.
 */
export type InspectionLimits = {
  /** Inspections running at once (one worker each). */
  workers: number;
  /** Time one inspection may take, in milliseconds. */
  deadlineMs: number;
  /** Heap of a worker (V8 old generation), in Mo. */
  maxOldGenerationSizeMb: number;
  /** An idle worker ends after this many milliseconds. */
  idleMs: number;
};

export const DEFAULT_INSPECTION_LIMITS: InspectionLimits = { workers: 2, deadlineMs: 10_000, maxOldGenerationSizeMb: 256, idleMs: 60_000 };

const COMPLEX: PageCount = { ok: false, reason: "complex" };
const WORKER_URL = new URL("./inspection-worker.ts", import.meta.url);

export class InspectionPool {
  private readonly limits: InspectionLimits;
  private readonly idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private nextId = 0;

  constructor(limits: Partial<InspectionLimits> = {}) {
    this.limits = { ...DEFAULT_INSPECTION_LIMITS, ...limits };
  }

  async inspect(kind: DocumentKind, bytes: Uint8Array): Promise<PageCount> {
    if (this.running >= this.limits.workers) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await this.run(kind, bytes);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Ends the idle workers (those at work end with their inspection). */
  async close(): Promise<void> {
    const idle = this.idle.splice(0);
    await Promise.all(idle.map(({ worker, timer }) => (clearTimeout(timer), worker.terminate())));
  }

  private async run(kind: DocumentKind, bytes: Uint8Array): Promise<PageCount> {
    const worker = await this.take();
    const id = ++this.nextId;
    return new Promise<PageCount>((resolve, reject) => {
      const finish = (outcome: { result: PageCount } | { error: Error }, reuse: boolean) => {
        clearTimeout(deadline);
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        if (reuse) this.park(worker);
        else void worker.terminate();
        if ("result" in outcome) resolve(outcome.result);
        else reject(outcome.error);
      };
      const onMessage = (answer: InspectionAnswer) => {
        if (answer.id === id) finish({ result: answer.result }, true);
      };
      // Past its heap limit V8 ends the worker with ERR_WORKER_OUT_OF_MEMORY: the file is too
      // heavy to inspect. Any other failure (the worker cannot start...) is a fault, not a verdict.
      const onError = (error: Error & { code?: string }) =>
        finish(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? { result: COMPLEX } : { error }, false);
      const onExit = (code: number) => finish({ error: new Error(`inspection worker exited (${code})`) }, false);
      const deadline = setTimeout(() => finish({ result: COMPLEX }, false), this.limits.deadlineMs);
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      worker.ref();
      // The bytes are copied: the caller's buffer stays usable (and may be a slice of a pool).
      worker.postMessage({ id, kind, bytes } satisfies InspectionRequest);
    });
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
      resourceLimits: { maxOldGenerationSizeMb: this.limits.maxOldGenerationSizeMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
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
