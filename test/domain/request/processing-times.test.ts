import { describe, expect, it } from "vitest";
import { durationDays, formatDays, nearestRank, summarise } from "../../../src/domain/request/processing-times.ts";

describe("summarise: median and 90th percentile, nearest rank", () => {
  it.each<{ name: string; days: number[]; median: number | null; p90: number | null }>([
    { name: "none", days: [], median: null, p90: null },
    { name: "one", days: [3], median: 3, p90: 3 },
    { name: "two (lower middle)", days: [5, 1], median: 1, p90: 5 },
    { name: "three", days: [2, 9, 4], median: 4, p90: 9 },
    { name: "four", days: [4, 1, 3, 2], median: 2, p90: 4 },
    { name: "ten: rank ceil(0.9×10) = 9", days: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], median: 5, p90: 9 },
    { name: "eleven: rank ceil(0.9×11) = 10", days: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], median: 6, p90: 10 },
    { name: "twenty: ranks 10 and 18", days: Array.from({ length: 20 }, (_, i) => 20 - i), median: 10, p90: 18 },
    { name: "fractional days", days: [0.5, 1.25, 2.75], median: 1.25, p90: 2.75 },
    { name: "ties", days: [2, 2, 2, 7], median: 2, p90: 7 },
    { name: "zero durations", days: [0, 0, 0], median: 0, p90: 0 },
  ])("$name", ({ days, median, p90 }) => {
    expect(summarise(days)).toEqual({ median, p90, count: days.length });
  });

  it("does not reorder the array it is given", () => {
    const days = [3, 1, 2];
    summarise(days);
    expect(days).toEqual([3, 1, 2]);
  });

  it.each([[[-1]], [[Number.NaN]], [[1, Number.POSITIVE_INFINITY]]])("refuses %j", (days) => {
    expect(() => summarise(days)).toThrow(RangeError);
  });

  it.each<{ p: number; expected: number }>([
    { p: 1, expected: 10 },
    { p: 50, expected: 30 },
    { p: 90, expected: 50 },
    { p: 100, expected: 50 },
  ])("nearestRank([10..50], $p) = $expected", ({ p, expected }) => {
    expect(nearestRank([10, 20, 30, 40, 50], p)).toBe(expected);
  });

  it("nearestRank refuses an empty list and p outside ]0, 100]", () => {
    expect(() => nearestRank([], 50)).toThrow(RangeError);
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});

describe("durations and their display", () => {
  it("durationDays counts fractional days", () => {
    expect(durationDays(new Date("2026-11-01T00:00:00Z"), new Date("2026-11-04T12:00:00Z"))).toBe(3.5);
  });

  it.each<{ days: number | null; text: string }>([
    { days: null, text: "—" },
    { days: 0.3, text: "moins d'un jour" },
    { days: 1, text: "1 jour" },
    { days: 1.04, text: "1 jour" },
    { days: 3.5, text: "3,5 jours" },
    { days: 12, text: "12 jours" },
  ])("formatDays($days) = « $text »", ({ days, text }) => {
    expect(formatDays(days)).toBe(text);
  });
});
