import type { Db } from "../db/client.ts";
import { claimDueScans, markScanned, postponeScan, type DocumentRow } from "../db/repositories/requests.ts";
import type { VirusScanner } from "../services/antivirus.ts";
import type { Clock } from "../services/clock.ts";
import type { DocumentStorage } from "../services/storage.ts";
import type { WorkerLogger } from "./outbox-worker.ts";

export interface AntivirusWorkerOptions {
  /** How long a worker holds a document it is scanning before another instance may take it over. */
  leaseSeconds?: number;
  pollMs?: number;
  batchSize?: number;
  logger?: WorkerLogger;
}

/** While clamd does not answer, a pending file is tried again after 15 s, 30 s, 1 min… at most every 10 minutes. */
export function scanRetrySeconds(attempts: number): number {
  return Math.min(600, 15 * 2 ** Math.max(0, Math.min(attempts - 1, 10)));
}

/**
 * Scans uploaded documents in the background. An upload is stored as "pending" in the same
 * transaction that records it, so nothing is lost if the process dies right after: every
 * instance runs this worker, claims due pending documents with FOR UPDATE SKIP LOCKED and a
 * lease (like the outbox), streams each file from storage to clamd, and records "clean", or
 * "infected" after deleting the file from storage. When clamd cannot answer, the document
 * stays pending and is retried with back-off; it can neither be opened nor sent meanwhile.
 */
export class AntivirusWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly storage: DocumentStorage,
    private readonly scanner: VirusScanner,
    private readonly clock: Clock,
    private readonly options: AntivirusWorkerOptions = {},
  ) {}

  /** Scans what is due now; returns how many documents were handled. */
  async runOnce(): Promise<number> {
    const batch = await claimDueScans(this.db, this.clock.now(), this.options.leaseSeconds ?? 120, this.options.batchSize ?? 4);
    for (const document of batch) await this.scanOne(document);
    return batch.length;
  }

  private async scanOne(document: DocumentRow): Promise<void> {
    try {
      const content = await this.storage.get(document.storageKey, { iv: document.iv, tag: document.tag });
      const verdict = await this.scanner.scan(content);
      if (verdict.clean) {
        await markScanned(this.db, document.id, "clean", this.clock.now());
        this.options.logger?.info({}, "document scanned: clean");
        return;
      }
      // The file goes first: a crash in between leaves it pending, scanned again, never an infected file kept.
      await this.storage.delete(document.storageKey);
      await markScanned(this.db, document.id, "infected", this.clock.now());
      this.options.logger?.warn({ signature: verdict.signature }, "document scanned: infected, deleted");
    } catch (error) {
      const delay = scanRetrySeconds(document.scanAttempts);
      await postponeScan(this.db, document.id, new Date(this.clock.now().getTime() + delay * 1000));
      this.options.logger?.warn(
        { attempts: document.scanAttempts, retryInSeconds: delay, err: error instanceof Error ? error.message.slice(0, 200) : "erreur" },
        "document scan failed",
      );
    }
  }

  /** Runs now (after an upload) without waiting for the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true; // an upload arrived during this run: run once more after it
      return;
    }
    this.running = this.runOnce()
      .catch((error: unknown) => {
        this.options.logger?.warn({ err: error instanceof Error ? error.message.slice(0, 200) : "erreur" }, "antivirus run failed");
        return 0;
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 2000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await this.running;
  }
}
