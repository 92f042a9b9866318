/**
 * Dates shown to users (pages, PDFs, mails): French format, Paris time, whatever the server's
 * time zone; and the one rule of "6 months after" (seed 004) used by the request's page, the
 * deletion job and the correction window of step 1.
 */
const PARIS = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

type ParisParts = { day: string; month: string; year: string; hour: string; minute: string };

const HOUR_MS = 3_600_000;
/** To the second, to find an offset (Paris Mean Time, before 1911, was 9 min 21 s ahead of UTC). */
const PARIS_PROBE = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
  hourCycle: "h23",
  era: "short",
});
/** Paris's offset from UTC (ms) for each UTC hour already met, when it holds for the whole hour. */
const hourOffsets = new Map<number, number>();
const MAX_CACHED_HOURS = 20_000;

function intlParts(date: Date): ParisParts {
  const part = Object.fromEntries(PARIS.formatToParts(date).map((p) => [p.type, p.value]));
  return { day: part.day!, month: part.month!, year: part.year!, hour: part.hour!, minute: part.minute! };
}

/** Paris's offset from UTC at this instant (whole seconds), from the time-zone database. */
function offsetAt(ms: number): number {
  const part = Object.fromEntries(PARIS_PROBE.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const year = part.era === "BC" ? 1 - Number(part.year) : Number(part.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(part.month) - 1, Number(part.day));
  local.setUTCHours(Number(part.hour), Number(part.minute), Number(part.second), 0);
  return local.getTime() - Math.floor(ms / 1000) * 1000;
}

/**
 * The day and time in Paris, as `Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris" })`
 * writes them. Asking Intl for every date cost about 3 µs and 2 kB of garbage (the account home
 * shows seven, issue 8): Intl is asked once per UTC hour for the offset, which then holds for the
 * whole hour (an hour in which the offset changes, as on a night of summer time, is asked date by
 * date). Years outside 1000–9999 are left to Intl.
 */
export function parisParts(date: Date): ParisParts {
  const ms = date.getTime();
  const hour = Math.floor(ms / HOUR_MS);
  let offset = hourOffsets.get(hour);
  if (offset === undefined) {
    if (!Number.isFinite(ms)) return intlParts(date);
    const first = offsetAt(hour * HOUR_MS);
    if (first !== offsetAt(hour * HOUR_MS + HOUR_MS - 1000)) return intlParts(date);
    if (hourOffsets.size >= MAX_CACHED_HOURS) hourOffsets.clear();
    hourOffsets.set(hour, (offset = first));
  }
  const local = new Date(ms + offset);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return intlParts(date);
  return { day: two(local.getUTCDate()), month: two(local.getUTCMonth() + 1), year: String(year), hour: two(local.getUTCHours()), minute: two(local.getUTCMinutes()) };
}

/** "22/11/2026 10:15" */
export function formatDateTime(date: Date): string {
  const p = parisParts(date);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "22/11/2026": the day in Paris. */
export function formatDate(date: Date): string {
  return formatCalendarDate(parisDate(date));
}

/** A day of the calendar (month 1–12), without time or zone. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const two = (n: number) => String(n).padStart(2, "0");

/** "28/02/2027" */
export function formatCalendarDate(d: CalendarDate): string {
  return `${two(d.day)}/${two(d.month)}/${d.year}`;
}

/** The day it is in Paris at this instant (23:30 UTC on 31 August is already 1 September in Paris). */
export function parisDate(date: Date): CalendarDate {
  const p = parisParts(date);
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The same day `months` calendar months later (or earlier, when negative); a day the target
 * month does not have becomes its last day: 31 August + 6 months = 28 (or 29) February.
 */
export function addMonths(d: CalendarDate, months: number): CalendarDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

function nextDay(d: CalendarDate): CalendarDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** Negative, zero or positive as `a` is before, on or after `b`. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Milliseconds Paris is ahead of UTC at this instant (3 600 000 in winter, 7 200 000 in summer). */
function parisOffset(t: number): number {
  const p = parisParts(new Date(t));
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return wall - Math.floor(t / 60_000) * 60_000;
}

/** The instant the day `d` begins in Paris (midnight always exists there: the clocks change at 2 or 3 a.m.). */
export function parisMidnight(d: CalendarDate): Date {
  const wall = Date.UTC(d.year, d.month - 1, d.day);
  let t = wall - parisOffset(wall);
  t = wall - parisOffset(t);
  return new Date(t);
}

/**
 * "6 months after" a day (seed 004): the same day 6 calendar months later, clamped to the end
 * of the month. A request created on 31 August 2026 (Paris) is deleted on 28 February 2027.
 */
export function sixMonthsAfter(d: CalendarDate): CalendarDate {
  return addMonths(d, 6);
}

/**
 * Whether 6 months have passed since the day `since` at the instant `now`: true from the
 * day `sixMonthsAfter(since)` on (Paris days). The one rule for: the deletion of a request
 * (since = its creation day), and the correction of a licence "reçu il y a moins de 6 mois"
 * (since = the day it was received; refused once this is true).
 */
export function sixMonthsElapsed(since: CalendarDate, now: Date): boolean {
  return compareDates(parisDate(now), sixMonthsAfter(since)) >= 0;
}

/** The day a request created at `createdAt` is deleted, as the instant it begins in Paris. */
export function sixMonthsAfterCreation(createdAt: Date): Date {
  return parisMidnight(sixMonthsAfter(parisDate(createdAt)));
}

/**
 * The instant that splits creation times at `now`: a request created before it has had its 6
 * months (`sixMonthsElapsed(parisDate(createdAt), now)`), one created at or after it has not.
 * Lets the deletion job select with one SQL comparison what the rule above decides.
 */
export function sixMonthsCutoff(now: Date): Date {
  const today = parisDate(now);
  // addMonths(·, 6) never decreases: the days it sends on or before today come first.
  let day = addMonths(today, -6); // sent on or before today (clamping only lowers the day)
  for (let next = nextDay(day); compareDates(sixMonthsAfter(next), today) <= 0; next = nextDay(next)) day = next;
  return parisMidnight(nextDay(day));
}
