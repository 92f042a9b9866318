import { describe, expect, it } from "vitest";
import {
  addMonths,
  formatDate,
  formatDateTime,
  parisDate,
  parisParts,
  parisMidnight,
  sixMonthsAfterCreation,
  sixMonthsCutoff,
  sixMonthsElapsed,
  type CalendarDate,
} from "../../src/domain/dates.ts";

const day = (text: string): CalendarDate => {
  const [d, m, y] = text.split("/").map(Number);
  return { day: d!, month: m!, year: y! };
};
const show = (d: CalendarDate) => `${String(d.day).padStart(2, "0")}/${String(d.month).padStart(2, "0")}/${d.year}`;

describe("dates shown in Paris time, whatever the server's zone", () => {
  it.each<{ instant: string; shown: string }>([
    { instant: "2026-01-15T10:30:00Z", shown: "15/01/2026 11:30" }, // winter: UTC+1
    { instant: "2026-07-15T10:30:00Z", shown: "15/07/2026 12:30" }, // summer: UTC+2
    { instant: "2026-03-29T00:59:00Z", shown: "29/03/2026 01:59" }, // just before the spring change
    { instant: "2026-03-29T01:00:00Z", shown: "29/03/2026 03:00" }, // 2 a.m. does not exist that day
    { instant: "2026-08-31T22:30:00Z", shown: "01/09/2026 00:30" }, // already the next day in Paris
    { instant: "2026-12-31T23:30:00Z", shown: "01/01/2027 00:30" },
  ])("$instant → $shown", ({ instant, shown }) => {
    expect(formatDateTime(new Date(instant))).toBe(shown);
    expect(formatDate(new Date(instant))).toBe(shown.slice(0, 10));
    expect(show(parisDate(new Date(instant)))).toBe(shown.slice(0, 10));
  });
});

/** What Intl writes for Paris, asked directly: the reference parisParts must match, date for date. */
const INTL = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const intl = (date: Date) => {
  const part = Object.fromEntries(INTL.formatToParts(date).map((p) => [p.type, p.value]));
  return { day: part.day, month: part.month, year: part.year, hour: part.hour, minute: part.minute };
};

describe("parisParts: Intl's answer, with the offset asked once per hour", () => {
  it.each([
    ["the spring change, 2026", "2026-03-29T00:59:59.999Z"],
    ["the spring change, 2026 (after)", "2026-03-29T01:00:00Z"],
    ["the autumn change, 2026", "2026-10-25T00:59:59Z"],
    ["the autumn change, 2026 (after)", "2026-10-25T01:00:00Z"],
    ["Paris Mean Time (9 min 21 s ahead), 1900", "1900-06-01T11:50:39.500Z"],
    ["the end of Paris Mean Time, 1911", "1911-03-10T23:59:59Z"],
    ["the end of Paris Mean Time, 1911 (after)", "1911-03-11T00:05:00Z"],
    ["double summer time, 1945", "1945-05-01T12:00:00Z"],
    ["no summer time, 1970", "1970-07-01T12:00:00Z"],
    ["the epoch", "1970-01-01T00:00:00Z"],
    ["a year past 2100", "2150-10-27T00:30:00Z"],
    ["a year before 1000 (left to Intl)", "0999-12-31T23:30:00Z"],
  ])("%s (%s)", (_name, instant) => {
    const date = new Date(instant);
    // Twice: the first call fills the hour's offset, the second reads it.
    expect(parisParts(date)).toEqual(intl(date));
    expect(parisParts(date)).toEqual(intl(date));
  });

  it("agrees with Intl on 20,000 instants from 1850 to 2200, every minute of each change of offset included", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const from = Date.UTC(1850, 0, 1), to = Date.UTC(2200, 0, 1);
    const instants = Array.from({ length: 20_000 }, () => from + Math.floor(random() * (to - from)));
    for (const change of [Date.UTC(2025, 2, 30, 1), Date.UTC(2025, 9, 26, 1), Date.UTC(1976, 2, 28, 0), Date.UTC(1976, 8, 26, 0)]) {
      for (let m = -90; m <= 90; m++) instants.push(change + m * 60_000 + 30_000);
    }
    const wrong = instants.filter((ms) => JSON.stringify(parisParts(new Date(ms))) !== JSON.stringify(intl(new Date(ms))));
    expect(wrong.map((ms) => new Date(ms).toISOString())).toEqual([]);
  });

  it("refuses an invalid date as Intl does", () => {
    expect(() => parisParts(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("addMonths: calendar months, clamped to the end of the month", () => {
  it.each<{ from: string; months: number; to: string }>([
    { from: "15/01/2026", months: 6, to: "15/07/2026" },
    { from: "31/08/2026", months: 6, to: "28/02/2027" }, // "31 février" does not roll over into March
    { from: "31/08/2027", months: 6, to: "29/02/2028" }, // leap year
    { from: "30/08/2026", months: 6, to: "28/02/2027" },
    { from: "28/08/2026", months: 6, to: "28/02/2027" },
    { from: "31/03/2026", months: 6, to: "30/09/2026" },
    { from: "31/12/2026", months: 6, to: "30/06/2027" },
    { from: "01/07/2026", months: 6, to: "01/01/2027" }, // over the end of the year
    { from: "31/03/2027", months: -6, to: "30/09/2026" },
    { from: "29/02/2028", months: -6, to: "29/08/2027" },
    { from: "15/01/2026", months: -1, to: "15/12/2025" },
  ])("$from + $months months = $to", ({ from, months, to }) => {
    expect(show(addMonths(day(from), months))).toBe(to);
  });
});

describe("parisMidnight: the instant a Paris day begins", () => {
  it.each<{ date: string; instant: string }>([
    { date: "15/01/2026", instant: "2026-01-14T23:00:00.000Z" },
    { date: "15/07/2026", instant: "2026-07-14T22:00:00.000Z" },
    { date: "29/03/2026", instant: "2026-03-28T23:00:00.000Z" }, // the day the clocks go forward still starts in winter time
    { date: "30/03/2026", instant: "2026-03-29T22:00:00.000Z" },
    { date: "25/10/2026", instant: "2026-10-24T22:00:00.000Z" }, // the day they go back starts in summer time
    { date: "26/10/2026", instant: "2026-10-25T23:00:00.000Z" },
  ])("$date → $instant", ({ date, instant }) => {
    expect(parisMidnight(day(date)).toISOString()).toBe(instant);
  });
});

describe("6 months after creation (seed 004: « Les demandes sont supprimées après un délai de 6 mois, quel que soit leur statut »)", () => {
  it.each<{ created: string; shown: string; instant: string }>([
    { created: "2026-01-15T10:30:00Z", shown: "15/07/2026", instant: "2026-07-14T22:00:00.000Z" },
    // Created in winter, deleted in summer: the date shown is the same day, not an hour off.
    { created: "2026-12-01T09:00:00Z", shown: "01/06/2027", instant: "2027-05-31T22:00:00.000Z" },
    // Created in summer, deleted in winter.
    { created: "2026-06-01T22:30:00Z", shown: "02/12/2026", instant: "2026-12-01T23:00:00.000Z" },
    { created: "2026-08-31T09:00:00Z", shown: "28/02/2027", instant: "2027-02-27T23:00:00.000Z" },
    { created: "2027-08-31T09:00:00Z", shown: "29/02/2028", instant: "2028-02-28T23:00:00.000Z" },
    // 22:30 UTC on 31 August is 1 September in Paris: the Paris day counts.
    { created: "2026-08-31T22:30:00Z", shown: "01/03/2027", instant: "2027-02-28T23:00:00.000Z" },
    { created: "2026-12-30T23:59:59Z", shown: "30/06/2027", instant: "2027-06-29T22:00:00.000Z" },
  ])("created $created → deleted on $shown", ({ created, shown, instant }) => {
    const deletion = sixMonthsAfterCreation(new Date(created));
    expect(formatDate(deletion)).toBe(shown);
    expect(deletion.toISOString()).toBe(instant);
  });

  it("does not change the date it is given", () => {
    const created = new Date("2026-08-31T09:00:00Z");
    sixMonthsAfterCreation(created);
    expect(created.toISOString()).toBe("2026-08-31T09:00:00.000Z");
  });
});

describe("sixMonthsElapsed: one rule for the deletion and for a licence « reçu il y a moins de 6 mois » (seed 004)", () => {
  it.each<{ since: string; now: string; elapsed: boolean }>([
    { since: "31/08/2026", now: "2027-02-27T22:59:00Z", elapsed: false }, // 27/02 23:59 in Paris
    { since: "31/08/2026", now: "2027-02-27T23:00:00Z", elapsed: true }, // 28/02 00:00 in Paris
    { since: "22/05/2026", now: "2026-11-21T12:00:00Z", elapsed: false },
    { since: "22/05/2026", now: "2026-11-22T12:00:00Z", elapsed: true }, // exactly 6 months: no longer "moins de 6 mois"
    { since: "23/05/2026", now: "2026-11-22T12:00:00Z", elapsed: false },
    { since: "19/02/2026", now: "2026-08-20T12:00:00Z", elapsed: true }, // 182 days, but more than 6 calendar months
    { since: "01/06/2026", now: "2026-11-22T12:00:00Z", elapsed: false },
  ])("since $since, at $now → $elapsed", ({ since, now, elapsed }) => {
    expect(sixMonthsElapsed(day(since), new Date(now))).toBe(elapsed);
  });
});

describe("sixMonthsCutoff: the deletion job's SQL bound agrees with the rule, at every hour around it", () => {
  const NOWS = [
    "2027-02-28T10:00:00Z", // end of February: 28, 29, 30 and 31 August all fall due
    "2028-02-29T10:00:00Z",
    "2027-03-31T10:00:00Z",
    "2027-03-30T12:00:00Z",
    "2027-03-28T01:30:00Z", // the night clocks go forward
    "2026-10-25T00:30:00Z", // the night they go back
    "2027-01-01T00:30:00Z",
    "2026-12-31T23:30:00Z",
  ];
  it.each(NOWS)("at %s", (nowText) => {
    const now = new Date(nowText);
    const cutoff = sixMonthsCutoff(now);
    const HOUR = 3600_000;
    for (let t = cutoff.getTime() - 5 * 24 * HOUR; t <= cutoff.getTime() + 5 * 24 * HOUR; t += HOUR / 2) {
      const created = new Date(t);
      expect(created < cutoff, `created ${created.toISOString()}`).toBe(sixMonthsElapsed(parisDate(created), now));
    }
  });

  it.each<{ now: string; cutoff: string }>([
    { now: "2027-02-28T10:00:00Z", cutoff: "2026-08-31T22:00:00.000Z" }, // up to 31 August included
    { now: "2027-02-27T10:00:00Z", cutoff: "2026-08-27T22:00:00.000Z" }, // up to 27 August included
    { now: "2027-03-31T10:00:00Z", cutoff: "2026-09-30T22:00:00.000Z" },
  ])("at $now, requests created before $cutoff are due", ({ now, cutoff }) => {
    expect(sixMonthsCutoff(new Date(now)).toISOString()).toBe(cutoff);
  });
});
