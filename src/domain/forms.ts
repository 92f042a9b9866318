/** Form parsing helpers shared by the domain validators: raw input in, typed value or French errors out. */
export type FieldErrors<K extends string = string> = Partial<Record<K, string>>;

export type FormResult<T, K extends string = string> = { ok: true; value: T } | { ok: false; errors: FieldErrors<K> };

/** Raw form input as parsed from an urlencoded body (repeated fields arrive as arrays). */
export type RawInput = Record<string, unknown>;

/** A trimmed single string (the first one if the field was repeated), "" when absent. */
export function field(input: RawInput, name: string): string {
  const v = input[name];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === "string" ? first.trim() : "";
}

/** All values of a repeated field (checkboxes), trimmed, empty ones dropped. */
export function fields(input: RawInput, name: string): string[] {
  const v = input[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === "string").map((x) => x.trim()).filter((x) => x !== "");
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((e) => e !== undefined);
}

const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@(?:[^\s@<>()[\]\\,;:".]+\.)+[^\s@<>()[\]\\,;:".]{2,}$/u;

export function emailError(email: string): string | undefined {
  if (email === "") return "Saisissez votre adresse mél.";
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
    return "Saisissez une adresse mél valide, au format nom@domaine.fr.";
  }
  return undefined;
}

/** Letters, with spaces, hyphens and apostrophes between them: "Jean-Pierre", "N'Diaye". */
const NAME_PATTERN = /^\p{L}(?:[\p{L}\p{M}' ’-]*[\p{L}\p{M}])?$/u;
export const NAME_MAX_LENGTH = 80;

/** `what` completes the sentence: "Saisissez votre <what>." (or "le", "la"...). */
export function nameError(value: string, what: string, determiner = "votre"): string | undefined {
  if (value === "") return `Saisissez ${determiner} ${what}.`;
  if (value.length > NAME_MAX_LENGTH) return `Le champ « ${what} » ne doit pas dépasser ${NAME_MAX_LENGTH} caractères.`;
  if (!NAME_PATTERN.test(value)) {
    return `Le champ « ${what} » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.`;
  }
  return undefined;
}

/** Collapses inner whitespace: "Jean   Pierre" → "Jean Pierre". */
export function tidy(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Control characters: C0 (tab, CR and LF included: single-line fields never hold them), DEL
 * and C1. PostgreSQL refuses NUL outright; the others have no place in a form either.
 */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, for multi-line fields (textareas): tab, CR and LF allowed. */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const CONTROL_CHARACTERS_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const CONTROL_CHARACTERS_MESSAGE = "Ce champ contient des caractères non autorisés.";

export function hasControlCharacters(value: string, multiline = false): boolean {
  return (multiline ? CONTROL_CHARACTERS_MULTILINE : CONTROL_CHARACTERS).test(value);
}

/**
 * The fields of a raw form (or query string) holding a control character, in a name or in a
 * value (repeated fields included). `multiline` names the textareas, where tab, CR and LF are allowed.
 */
export function controlCharacterFields(input: RawInput, multiline: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    const values = Array.isArray(value) ? value : [value];
    const bad = hasControlCharacters(name) || values.some((v) => typeof v === "string" && hasControlCharacters(v, multiline.has(name)));
    if (bad) found.push(name);
  }
  return found;
}

/** The French error of each such field, to merge into a form's errors. */
export function controlCharacterErrors(input: RawInput, multiline?: ReadonlySet<string>): FieldErrors {
  return Object.fromEntries(controlCharacterFields(input, multiline).map((name) => [name, CONTROL_CHARACTERS_MESSAGE]));
}
