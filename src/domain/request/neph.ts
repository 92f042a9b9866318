import { parisDate } from "../dates.ts";

/**
 * NEPH, "numéro d'enregistrement préfectoral harmonisé" (issue 9 §4): 12 digits, assigned once
 * when an inscription is validated, shown to the user.
 *
 * Rule chosen here: 2 digits of the year of validation (Paris calendar) followed by a
 * 10-digit zero-padded serial drawn from the database sequence `neph_seq`, e.g. serial 42
 * validated in 2026 → "260000000042". The real NEPH also encodes a département; ours does not,
 * because one national sequence is what makes it unique: a serial is never drawn twice, so two
 * NEPH never share their last 10 digits, whatever their year (and requests.neph has a unique index).
 */
export const NEPH_SERIAL_MAX = 9_999_999_999;

export function formatNeph(serial: number, at: Date): string {
  if (!Number.isSafeInteger(serial) || serial < 1 || serial > NEPH_SERIAL_MAX) throw new RangeError("NEPH serial out of range");
  const year = parisDate(at).year % 100;
  return `${String(year).padStart(2, "0")}${String(serial).padStart(10, "0")}`;
}

/** 12 digits, and a serial that is not zero. */
export function isNeph(s: string): boolean {
  return /^\d{12}$/.test(s) && !/^\d{2}0{10}$/.test(s);
}

/** "26 0000000042" → for display, grouped for reading: "26 00000 00042". */
export function displayNeph(neph: string): string {
  return `${neph.slice(0, 2)} ${neph.slice(2, 7)} ${neph.slice(7)}`;
}
