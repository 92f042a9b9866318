/** Dates shown to users (pages, PDFs): French format, Paris time, whatever the server's time zone. */
const PARIS = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export function parisParts(date: Date): { day: string; month: string; year: string; hour: string; minute: string } {
  const part = Object.fromEntries(PARIS.formatToParts(date).map((p) => [p.type, p.value]));
  return { day: part.day!, month: part.month!, year: part.year!, hour: part.hour!, minute: part.minute! };
}

/** "22/11/2026 10:15" */
export function formatDateTime(date: Date): string {
  const p = parisParts(date);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}
