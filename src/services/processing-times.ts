import type { Db } from "../db/client.ts";
import { serviceDurations } from "../db/repositories/processing-times.ts";
import { summarise, type ProcessingTimes } from "../domain/request/processing-times.ts";
import type { Clock } from "./clock.ts";

export interface ServiceProcessingTimes extends ProcessingTimes {
  serviceId: string;
  serviceName: string;
  waiting: number;
}

export interface ProcessingTimesReport {
  /** The window: decisions made from `since` to `until`. */
  since: Date;
  until: Date;
  services: ServiceProcessingTimes[];
}

export const WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Public processing times ("Délais de traitement", issue 9 §6): per service instructeur, the
 * median and 90th percentile of the days from "Envoyée" to a decision over the last 30 days,
 * and how many requests wait. Kept a minute: the page is public and the figures move slowly.
 * When the minute is over, the visitors arriving while the figures are being read again wait for
 * that one reading (one query per instance, not one per visitor: a burst of visitors cannot
 * multiply the query over the history).
 */
export class ProcessingTimesService {
  private cached: { at: number; report: ProcessingTimesReport } | undefined;
  private reading: Promise<ProcessingTimesReport> | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cacheMs = 60_000,
  ) {}

  report(): Promise<ProcessingTimesReport> {
    const now = this.clock.now();
    const age = this.cached ? now.getTime() - this.cached.at : -1;
    if (this.cached && age >= 0 && age < this.cacheMs) return Promise.resolve(this.cached.report);
    this.reading ??= this.read(now).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read(now: Date): Promise<ProcessingTimesReport> {
    const since = new Date(now.getTime() - WINDOW_DAYS * DAY_MS);
    const rows = await serviceDurations(this.db, since, now);
    const report: ProcessingTimesReport = {
      since,
      until: now,
      services: rows.map((r) => ({ serviceId: r.serviceId, serviceName: r.serviceName, waiting: r.waiting, ...summarise(r.days) })),
    };
    this.cached = { at: now.getTime(), report };
    return report;
  }
}
