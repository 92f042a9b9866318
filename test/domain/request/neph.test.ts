import { describe, expect, it } from "vitest";
import { NEPH_SERIAL_MAX, displayNeph, formatNeph, isNeph } from "../../../src/domain/request/neph.ts";

describe("formatNeph: 2 digits of the year + 10-digit serial", () => {
  it.each<{ serial: number; at: string; expected: string }>([
    { serial: 1, at: "2026-11-29T10:00:00Z", expected: "260000000001" },
    { serial: 42, at: "2026-06-01T10:00:00Z", expected: "260000000042" },
    { serial: 1_234_567, at: "2027-03-15T10:00:00Z", expected: "270001234567" },
    { serial: NEPH_SERIAL_MAX, at: "2030-01-01T12:00:00Z", expected: "309999999999" },
    { serial: 7, at: "2100-05-05T12:00:00Z", expected: "000000000007" },
    // The year is Paris's: 31 December 23:30 UTC is already 1 January in Paris.
    { serial: 5, at: "2026-12-31T23:30:00Z", expected: "270000000005" },
  ])("serial $serial at $at → $expected", ({ serial, at, expected }) => {
    const neph = formatNeph(serial, new Date(at));
    expect(neph).toBe(expected);
    expect(neph).toMatch(/^\d{12}$/);
    expect(isNeph(neph)).toBe(true);
  });

  it.each([0, -1, 1.5, NEPH_SERIAL_MAX + 1, Number.NaN, Number.POSITIVE_INFINITY])("refuses the serial %s", (serial) => {
    expect(() => formatNeph(serial, new Date("2026-11-29T10:00:00Z"))).toThrow(RangeError);
  });

  it("uniqueness rule: distinct serials give distinct NEPH, whatever the years", () => {
    const years = ["2026-06-01T10:00:00Z", "2027-06-01T10:00:00Z", "2035-06-01T10:00:00Z"];
    const seen = new Set<string>();
    const serialPart = new Set<string>();
    for (let serial = 1; serial <= 300; serial++) {
      const neph = formatNeph(serial, new Date(years[serial % years.length]!));
      seen.add(neph);
      serialPart.add(neph.slice(2));
    }
    expect(seen.size).toBe(300);
    expect(serialPart.size).toBe(300); // the serial alone is unique: the year never disambiguates
  });
});

describe("isNeph", () => {
  it.each<{ value: string; expected: boolean }>([
    { value: "260000000042", expected: true },
    { value: "999999999999", expected: true },
    { value: "26000000004", expected: false },
    { value: "2600000000420", expected: false },
    { value: "26000000004a", expected: false },
    { value: "26 000000042", expected: false },
    { value: "260000000000", expected: false },
    { value: "", expected: false },
    { value: "２６0000000042", expected: false },
  ])("isNeph($value) is $expected", ({ value, expected }) => {
    expect(isNeph(value)).toBe(expected);
  });

  it("displays grouped for reading", () => {
    expect(displayNeph("260000000042")).toBe("26 00000 00042");
  });
});
