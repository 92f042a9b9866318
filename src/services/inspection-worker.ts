import { parentPort } from "node:worker_threads";
import { inspectContent, installDecodeBudget, type DocumentKind, type PageCount } from "./inspection.ts";

/**
 * The inspection worker (started by inspection-pool.ts): inspects one file at a time, off the
 * main thread. The pool bounds it in time (it is terminated past its deadline) and in heap
 * (`resourceLimits`); here, pdf-lib's decoders get their ceiling on decompressed bytes.
 *
 * Plain TypeScript with erasable syntax only: Node 24 strips the types itself, so the worker
 * loads the same way under `tsx` (npm start), vitest and plain `node`.
 */
installDecodeBudget();
// pdf-lib reports the objects it skips on the console: nothing of a user's file goes to the logs.
Object.assign(console, { warn: () => {}, log: () => {} });

export type InspectionRequest = { id: number; kind: DocumentKind; bytes: Uint8Array };
export type InspectionAnswer = { id: number; result: PageCount };

parentPort!.on("message", async ({ id, kind, bytes }: InspectionRequest) => {
  let result: PageCount;
  try {
    result = await inspectContent(kind, bytes);
  } catch {
    // A parser's unexpected failure (stack overflow on a deep structure...): unreadable.
    result = { ok: false, reason: "damaged" };
  }
  parentPort!.postMessage({ id, result } satisfies InspectionAnswer);
});
parentPort!.postMessage({ ready: true });
