import { describe, expect, it } from "vitest";
import {
  ageOn,
  bornOnOrAfter,
  earliest,
  formatPartialDate,
  latest,
  parsePartialDate,
  type PartialDate,
} from "../../../src/domain/request/birthdate.ts";

const TODAY = new Date("2026-06-01T12:00:00Z");
const utc = (iso: string) => new Date(`${iso}T00:00:00Z`);

const FORMAT = "La date de naissance doit être au format JJ/MM/AAAA, par exemple 14/07/1990 (00 pour un jour ou un mois inconnu).";
const NOT_EXIST = "Cette date de naissance n'existe pas : vérifiez le jour et le mois.";
const MONTH = "Le mois de naissance doit être compris entre 01 et 12 (ou 00 s'il est inconnu).";
const DAY_WITHOUT_MONTH = "Si le mois de naissance est inconnu (00), le jour doit l'être aussi (00/00/AAAA).";
const FUTURE = "La date de naissance ne peut pas être dans le futur.";
const YEAR = "L'année de naissance ne peut pas être antérieure à 1900.";
const EMPTY = "Saisissez la date de naissance.";

describe("parsePartialDate: accepted dates", () => {
  it.each<{ input: [string, string, string]; expected: PartialDate }>([
    { input: ["14", "07", "1990"], expected: { day: 14, month: 7, year: 1990 } },
    { input: ["00", "07", "1990"], expected: { day: 0, month: 7, year: 1990 } },
    { input: ["00", "00", "1990"], expected: { day: 0, month: 0, year: 1990 } },
    { input: ["29", "02", "2000"], expected: { day: 29, month: 2, year: 2000 } },
    { input: ["29", "02", "2024"], expected: { day: 29, month: 2, year: 2024 } },
    { input: ["30", "04", "1990"], expected: { day: 30, month: 4, year: 1990 } },
    { input: ["31", "12", "1999"], expected: { day: 31, month: 12, year: 1999 } },
    { input: ["1", "1", "1900"], expected: { day: 1, month: 1, year: 1900 } },
    { input: [" 14 ", " 07 ", " 1990 "], expected: { day: 14, month: 7, year: 1990 } },
    { input: ["01", "06", "2026"], expected: { day: 1, month: 6, year: 2026 } }, // today
    { input: ["00", "00", "2026"], expected: { day: 0, month: 0, year: 2026 } }, // this year, may be before today
    { input: ["00", "06", "2026"], expected: { day: 0, month: 6, year: 2026 } },
  ])("$input.0/$input.1/$input.2 is accepted", ({ input, expected }) => {
    expect(parsePartialDate(...input, TODAY)).toEqual({ ok: true, date: expected });
  });
});

describe("parsePartialDate: refused dates", () => {
  it.each<{ name: string; input: [string, string, string]; error: string }>([
    { name: "29/02/1900 (1900 is not a leap year)", input: ["29", "02", "1900"], error: NOT_EXIST },
    { name: "29/02/2023", input: ["29", "02", "2023"], error: NOT_EXIST },
    { name: "30/02/2000", input: ["30", "02", "2000"], error: NOT_EXIST },
    { name: "31/04 (April has 30 days)", input: ["31", "04", "1990"], error: NOT_EXIST },
    { name: "31/06", input: ["31", "06", "1990"], error: NOT_EXIST },
    { name: "32/01", input: ["32", "01", "1990"], error: NOT_EXIST },
    { name: "month 13", input: ["01", "13", "1990"], error: MONTH },
    { name: "month 99 with unknown day", input: ["00", "99", "1990"], error: MONTH },
    { name: "07/00/1990: day known, month unknown", input: ["07", "00", "1990"], error: DAY_WITHOUT_MONTH },
    { name: "tomorrow", input: ["02", "06", "2026"], error: FUTURE },
    { name: "next month with unknown day", input: ["00", "07", "2026"], error: FUTURE },
    { name: "next year with unknown day and month", input: ["00", "00", "2027"], error: FUTURE },
    { name: "year 1899", input: ["31", "12", "1899"], error: YEAR },
    { name: "everything empty", input: ["", "", ""], error: EMPTY },
    { name: "blank fields", input: ["  ", " ", ""], error: EMPTY },
    { name: "day missing", input: ["", "07", "1990"], error: FORMAT },
    { name: "letters in the day", input: ["ab", "07", "1990"], error: FORMAT },
    { name: "letters in the month", input: ["14", "juillet", "1990"], error: FORMAT },
    { name: "two-digit year", input: ["14", "07", "90"], error: FORMAT },
    { name: "five-digit year", input: ["14", "07", "19900"], error: FORMAT },
    { name: "three-digit day", input: ["014", "07", "1990"], error: FORMAT },
    { name: "negative day", input: ["-1", "07", "1990"], error: FORMAT },
    { name: "decimal month", input: ["14", "7.5", "1990"], error: FORMAT },
  ])("$name → refused", ({ input, error }) => {
    expect(parsePartialDate(...input, TODAY)).toEqual({ ok: false, error });
  });
});

describe("formatPartialDate keeps the date as entered", () => {
  it.each<{ date: PartialDate; expected: string }>([
    { date: { day: 0, month: 0, year: 1990 }, expected: "00/00/1990" },
    { date: { day: 0, month: 7, year: 1990 }, expected: "00/07/1990" },
    { date: { day: 14, month: 7, year: 1990 }, expected: "14/07/1990" },
    { date: { day: 1, month: 1, year: 2000 }, expected: "01/01/2000" },
  ])("$expected", ({ date, expected }) => {
    expect(formatPartialDate(date)).toBe(expected);
  });

  it.each(["00/00/1990", "00/07/1990", "14/07/1990", "29/02/2000"])("round trip of %s", (text) => {
    const [d, m, y] = text.split("/") as [string, string, string];
    const parsed = parsePartialDate(d, m, y, TODAY);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(formatPartialDate(parsed.date)).toBe(text);
  });
});

describe("earliest and latest possible birth days", () => {
  it.each<{ date: PartialDate; earliest: string; latest: string }>([
    { date: { day: 14, month: 7, year: 1990 }, earliest: "1990-07-14", latest: "1990-07-14" },
    { date: { day: 0, month: 7, year: 1990 }, earliest: "1990-07-01", latest: "1990-07-31" },
    { date: { day: 0, month: 2, year: 2000 }, earliest: "2000-02-01", latest: "2000-02-29" },
    { date: { day: 0, month: 2, year: 1900 }, earliest: "1900-02-01", latest: "1900-02-28" },
    { date: { day: 0, month: 0, year: 2008 }, earliest: "2008-01-01", latest: "2008-12-31" },
  ])("$date.day/$date.month/$date.year: $earliest … $latest", ({ date, earliest: e, latest: l }) => {
    expect(earliest(date).toISOString()).toBe(utc(e).toISOString());
    expect(latest(date).toISOString()).toBe(utc(l).toISOString());
  });
});

describe("ageOn counts from the latest possible birth day", () => {
  it.each<{ date: PartialDate; on: string; age: number }>([
    { date: { day: 0, month: 0, year: 2008 }, on: "2026-06-01", age: 17 },
    { date: { day: 0, month: 0, year: 2008 }, on: "2025-12-30", age: 16 },
    { date: { day: 0, month: 0, year: 2008 }, on: "2025-12-31", age: 17 }, // turns 17 on the last day of 2025
    { date: { day: 0, month: 0, year: 2008 }, on: "2026-12-30", age: 17 },
    { date: { day: 0, month: 0, year: 2008 }, on: "2026-12-31", age: 18 },
    { date: { day: 0, month: 6, year: 2008 }, on: "2026-06-29", age: 17 },
    { date: { day: 0, month: 6, year: 2008 }, on: "2026-06-30", age: 18 },
    { date: { day: 14, month: 7, year: 1990 }, on: "2026-07-13", age: 35 },
    { date: { day: 14, month: 7, year: 1990 }, on: "2026-07-14", age: 36 },
    { date: { day: 1, month: 5, year: 1995 }, on: "2026-11-22", age: 31 },
    { date: { day: 29, month: 2, year: 2008 }, on: "2026-03-01", age: 18 },
    { date: { day: 29, month: 2, year: 2008 }, on: "2028-02-29", age: 20 },
    { date: { day: 1, month: 6, year: 2026 }, on: "2026-06-01", age: 0 },
  ])("$date.day/$date.month/$date.year is $age on $on", ({ date, on, age }) => {
    expect(ageOn(date, new Date(`${on}T12:00:00Z`))).toBe(age);
  });
});

describe("bornOnOrAfter 1988-01-01 (ASSR2 rule)", () => {
  const ASSR_FROM = utc("1988-01-01");
  it.each<{ date: PartialDate; expected: boolean }>([
    { date: { day: 0, month: 0, year: 1988 }, expected: true },
    { date: { day: 1, month: 1, year: 1988 }, expected: true },
    { date: { day: 0, month: 1, year: 1988 }, expected: true },
    { date: { day: 14, month: 7, year: 1995 }, expected: true },
    { date: { day: 31, month: 12, year: 1987 }, expected: false },
    { date: { day: 0, month: 12, year: 1987 }, expected: false },
    { date: { day: 0, month: 0, year: 1987 }, expected: false },
  ])("$date.day/$date.month/$date.year → $expected", ({ date, expected }) => {
    expect(bornOnOrAfter(date, ASSR_FROM)).toBe(expected);
  });
});
