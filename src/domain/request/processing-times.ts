/**
 * Public processing times (issue 9 §6): per service, the median and 90th percentile of the
 * days from "Envoyée" to a decision. Pure: the service reads the durations from the history.
 *
 * Percentiles by the nearest-rank method: the p-th percentile of n sorted values is the value
 * of rank ceil(p/100 × n) (1-based). It is always an observed duration; the median is the
 * 50th percentile so defined (for an even count, the lower of the two middle values).
 */
export interface ProcessingTimes {
  median: number | null;
  p90: number | null;
  count: number;
}

const DAY_MS = 86_400_000;

/** Days (fractional) between two instants. */
export function durationDays(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / DAY_MS;
}

/** Nearest-rank percentile of ascending `sorted` values (non-empty), 0 < p ≤ 100. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("no values");
  if (!(p > 0 && p <= 100)) throw new RangeError("percentile out of range");
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Median and 90th percentile (nearest rank) of durations in days; null figures when there are none. */
export function summarise(durationsDays: readonly number[]): ProcessingTimes {
  for (const d of durationsDays) if (!Number.isFinite(d) || d < 0) throw new RangeError("a duration must be a finite number of days ≥ 0");
  if (durationsDays.length === 0) return { median: null, p90: null, count: 0 };
  const sorted = [...durationsDays].sort((a, b) => a - b);
  return { median: nearestRank(sorted, 50), p90: nearestRank(sorted, 90), count: sorted.length };
}

/** For the page: days rounded to one decimal, French style ("3,5 jours", "1 jour", "moins d'un jour"). */
export function formatDays(days: number | null): string {
  if (days === null) return "—";
  if (days < 1) return "moins d'un jour";
  const rounded = Math.round(days * 10) / 10;
  const text = rounded.toLocaleString("fr-FR", { maximumFractionDigits: 1 });
  return `${text} ${rounded < 2 ? "jour" : "jours"}`;
}
