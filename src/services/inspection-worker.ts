import { createDecipheriv } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";
import { inspectContent, installDecodeBudget, installStreamViews, type DocumentKind, type PageCount } from "./inspection.ts";
import type { assessScan as AssessScan, ScanIssue } from "./scan-quality.ts";
import type { LocalObject } from "./storage.ts";

/**
 * The inspection worker (started by inspection-pool.ts): inspects one file at a time, off the
 * main thread. The pool bounds it in time (it is terminated past its deadline) and in heap
 * (`resourceLimits`); here, pdf-lib's decoders get their ceiling on decompressed bytes.
 *
 * A file arrives as a header (its kind and size), its bytes in chunks, copied into one buffer
 * of that size as they come (no chunk is kept), then `end`: the pages are counted and answered
 * at once; with `assess`, the file's readability is then measured here (scan-quality.ts, sharp),
 * where the bytes already are. A folder-stored file comes instead as its place (`local`): the
 * worker reads and decrypts it itself, authenticates it whole (GCM tag), says `loaded`, then
 * inspects it as above; the main thread never touches its bytes.
 *
 * Plain TypeScript with erasable syntax only: Node 24 strips the types itself, so the worker
 * loads the same way under `tsx` (npm start), vitest and plain `node`.
 */
installDecodeBudget();
installStreamViews();
// pdf-lib reports the objects it skips on the console: nothing of a user's file goes to the logs.
Object.assign(console, { warn: () => {}, log: () => {} });

export type InspectionRequest =
  | { id: number; kind: DocumentKind; size: number; assess: boolean; local?: LocalObject }
  | { id: number; chunk: Uint8Array }
  | { id: number; end: true };
export type InspectionAnswer =
  /** A local file is read, decrypted and authenticated: its inspection starts (and its deadline). */
  | { id: number; loaded: true }
  /** A local file could not be read or did not authenticate: a fault, not a verdict. */
  | { id: number; failed: string }
  /** The page count; `assessing`: a `readability` answer follows. */
  | { id: number; result: PageCount; assessing: boolean }
  | { id: number; readability: ScanIssue[] };

/**
 * A file's buffer and its chunks live outside the worker's small heap: V8 would free them only
 * once tens of Mo of them had piled up. The worker collects instead: the young generation every
 * COLLECT_EVERY bytes received (the chunks already copied), everything after each file (a few ms
 * for a heap of about 20 Mo). `gc` is exposed to a fresh context only, never to this one's code.
 */
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as (options?: { type: "major" | "minor" }) => void;
const COLLECT_EVERY = 2 * 1024 * 1024;

type Current = { id: number; kind: DocumentKind; assess: boolean; buffer: Uint8Array; length: number; overflow: boolean; collectedAt: number };
let current: Current | undefined;

/** sharp (libvips) is loaded by the first file that needs it, and set for small memory. */
let scanQuality: Promise<{ assessScan: typeof AssessScan }> | undefined;
function loadScanQuality() {
  scanQuality ??= import("./scan-quality.ts").then(async (module) => {
    const { default: sharp } = await import("sharp");
    // libvips's operation cache keeps decoded images for reuse: nothing is ever reused here. One
    // libvips thread per image: memory over speed (these settings are the process's).
    sharp.cache(false);
    sharp.concurrency(1);
    return module;
  });
  return scanQuality;
}

async function inspect(file: Current): Promise<void> {
  const bytes = file.buffer.subarray(0, file.length);
  let result: PageCount;
  try {
    result = file.overflow ? { ok: false, reason: "damaged" } : await inspectContent(file.kind, bytes);
  } catch {
    // A parser's unexpected failure (stack overflow on a deep structure...): unreadable.
    result = { ok: false, reason: "damaged" };
  }
  // Images are measured; a PDF only when it has scanned pages (a PDF of text is not judged).
  const assessing = file.assess && result.ok && (file.kind !== "pdf" || (result.scans?.length ?? 0) > 0);
  // A PDF's scanned pages stay here when they are measured here.
  const answer: PageCount = assessing && result.ok ? { ok: true, pages: result.pages } : result;
  parentPort!.postMessage({ id: file.id, result: answer, assessing } satisfies InspectionAnswer);
  if (!assessing || !result.ok) return;
  let readability: ScanIssue[] = [];
  try {
    readability = await (await loadScanQuality()).assessScan(file.kind, bytes, result.scans);
  } catch {
    // Advice only: a file that cannot be measured gets none.
  }
  parentPort!.postMessage({ id: file.id, readability } satisfies InspectionAnswer);
}

const READ_BYTES = 64 * 1024;

/**
 * Reads and decrypts a folder-stored file into the file's buffer, chunk by chunk (one read
 * buffer, reused), and authenticates it: a tampered object throws, and no byte of it is inspected.
 * The ciphertext is as long as the plaintext (GCM, the tag kept in the database).
 */
function load(file: Current, local: LocalObject): void {
  const decipher = createDecipheriv("aes-256-gcm", local.key, local.iv, { authTagLength: 16 });
  decipher.setAuthTag(local.tag);
  const fd = openSync(local.path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size !== file.buffer.length) throw new Error("stored object: unexpected size");
    const chunk = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const read = readSync(fd, chunk, 0, READ_BYTES, file.length);
      if (read === 0) break;
      const plain = decipher.update(chunk.subarray(0, read));
      if (file.length + plain.length > file.buffer.length) throw new Error("stored object: unexpected size");
      file.buffer.set(plain, file.length);
      file.length += plain.length;
      if (file.length - file.collectedAt >= COLLECT_EVERY) {
        file.collectedAt = file.length;
        collect({ type: "minor" });
      }
    }
    const last = decipher.final(); // throws when the tag does not authenticate the whole file
    if (last.length > 0) throw new Error("stored object: unexpected size");
  } finally {
    closeSync(fd);
  }
}

parentPort!.on("message", (message: InspectionRequest) => {
  if ("size" in message && message.local) {
    const file: Current = { id: message.id, kind: message.kind, assess: message.assess, buffer: new Uint8Array(message.size), length: 0, overflow: false, collectedAt: 0 };
    current = undefined;
    try {
      load(file, message.local);
    } catch {
      // Never the path nor the key in a message: only that the read failed.
      file.buffer = new Uint8Array(0);
      parentPort!.postMessage({ id: file.id, failed: "stored object unreadable or not authentic" } satisfies InspectionAnswer);
      setImmediate(collect);
      return;
    }
    parentPort!.postMessage({ id: file.id, loaded: true } satisfies InspectionAnswer);
    void inspect(file).finally(() => setImmediate(collect));
  } else if ("size" in message) {
    current = { id: message.id, kind: message.kind, assess: message.assess, buffer: new Uint8Array(message.size), length: 0, overflow: false, collectedAt: 0 };
  } else if (current?.id !== message.id) {
    return;
  } else if ("chunk" in message) {
    const { chunk } = message;
    // More bytes than announced: the file is not the one that was stored.
    if (current.length + chunk.length > current.buffer.length) current.overflow = true;
    else current.buffer.set(chunk, current.length);
    current.length += chunk.length;
    if (current.length - current.collectedAt >= COLLECT_EVERY) {
      current.collectedAt = current.length;
      collect({ type: "minor" });
    }
  } else {
    const file = current;
    current = undefined;
    void inspect(file).finally(() => setImmediate(collect));
  }
});
parentPort!.postMessage({ ready: true });
