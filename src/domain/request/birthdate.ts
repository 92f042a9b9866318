/**
 * Birth dates as written on civil-status records: the day, or the day and the month, may be
 * unknown and are then written 00 (00/00/AAAA, 00/MM/AAAA). They are kept exactly as entered.
 */
export interface PartialDate {
  day: number; // 0: unknown
  month: number; // 0: unknown
  year: number;
}

export type DateParse = { ok: true; date: PartialDate } | { ok: false; error: string };

const TWO = /^\d{1,2}$/;
const FOUR = /^\d{4}$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** From the three fields of the DSFR date pattern ("Jour", "Mois", "Année"). */
export function parsePartialDate(dayText: string, monthText: string, yearText: string, today: Date): DateParse {
  const [d, m, y] = [dayText.trim(), monthText.trim(), yearText.trim()];
  if (d === "" && m === "" && y === "") return { ok: false, error: "Saisissez la date de naissance." };
  if (!TWO.test(d) || !TWO.test(m) || !FOUR.test(y)) {
    return { ok: false, error: "La date de naissance doit être au format JJ/MM/AAAA, par exemple 14/07/1990 (00 pour un jour ou un mois inconnu)." };
  }
  const date = { day: Number(d), month: Number(m), year: Number(y) };
  if (date.year < 1900) return { ok: false, error: "L'année de naissance ne peut pas être antérieure à 1900." };
  if (date.month > 12) return { ok: false, error: "Le mois de naissance doit être compris entre 01 et 12 (ou 00 s'il est inconnu)." };
  if (date.month === 0 && date.day !== 0) {
    return { ok: false, error: "Si le mois de naissance est inconnu (00), le jour doit l'être aussi (00/00/AAAA)." };
  }
  if (date.day !== 0 && date.day > daysInMonth(date.year, date.month)) {
    return { ok: false, error: "Cette date de naissance n'existe pas : vérifiez le jour et le mois." };
  }
  if (earliest(date).getTime() > today.getTime()) return { ok: false, error: "La date de naissance ne peut pas être dans le futur." };
  return { ok: true, date };
}

/** "00/00/1990" as entered. */
export function formatPartialDate(date: PartialDate): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.day)}/${two(date.month)}/${date.year}`;
}

/** The earliest day the person may have been born. */
export function earliest(date: PartialDate): Date {
  return new Date(Date.UTC(date.year, Math.max(date.month, 1) - 1, Math.max(date.day, 1)));
}

/** The latest day the person may have been born (the cautious choice for a minimum age). */
export function latest(date: PartialDate): Date {
  const month = date.month === 0 ? 12 : date.month;
  const day = date.day === 0 ? daysInMonth(date.year, month) : date.day;
  return new Date(Date.UTC(date.year, month - 1, day));
}

/** Completed years on `on`, counting from the latest possible birth day. */
export function ageOn(date: PartialDate, on: Date): number {
  const born = latest(date);
  let age = on.getUTCFullYear() - born.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < born.getUTCMonth() || (on.getUTCMonth() === born.getUTCMonth() && on.getUTCDate() < born.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

/** Born on or after `day` for sure (ASSR2 rule: born on or after 1 January 1988). */
export function bornOnOrAfter(date: PartialDate, day: Date): boolean {
  return earliest(date).getTime() >= day.getTime();
}
