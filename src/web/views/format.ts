/** Dates shown to users: French format, Paris time, whatever the server's time zone. */
const dateTime = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris", day: "2-digit", month: "2-digit", year: "numeric" });

export function formatDateTime(date: Date): string {
  return dateTime.format(date).replace(",", "");
}

export function formatDate(date: Date): string {
  return dateOnly.format(date);
}
