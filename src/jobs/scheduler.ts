import type { Db } from "../db/client.ts";
import { claimDueJob, ensureJob, recordJobError } from "../db/repositories/jobs.ts";
import type { Clock } from "../services/clock.ts";
import type { WorkerLogger } from "./outbox-worker.ts";

export interface PeriodicJob {
  name: string;
  everySeconds: number;
  run(now: Date): Promise<unknown>;
}

/**
 * Periodic jobs shared by all instances: each due run is claimed in PostgreSQL by exactly
 * one instance, so a job runs once per period however many instances are up.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: readonly PeriodicJob[],
    private readonly logger?: WorkerLogger,
  ) {}

  /** Runs every due job once (claimed by this instance); returns the names run. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      const now = this.clock.now();
      await ensureJob(this.db, job.name, now);
      if (!(await claimDueJob(this.db, job.name, now, new Date(now.getTime() + job.everySeconds * 1000)))) continue;
      try {
        const result = await job.run(now);
        await recordJobError(this.db, job.name, null);
        this.logger?.info({ job: job.name, result }, "job done");
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await recordJobError(this.db, job.name, message.slice(0, 500));
        this.logger?.warn({ job: job.name, err: message }, "job failed");
      }
      ran.push(job.name);
    }
    return ran;
  }

  start(tickMs = 30_000): void {
    const tick = () => {
      if (this.running) return;
      this.running = this.runDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger?.warn({ err: String(error) }, "scheduler tick failed"))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.timer = setInterval(tick, tickMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
