/**
 * The sign-in identifier is assigned by the service at activation (SPEC §2), never the
 * email address: the initial of the first name, the family name (ASCII, lower case,
 * up to 16 letters) and 4 digits, e.g. "jdupont4821".
 */
export const IDENTIFIER_PATTERN = /^[a-z]{1,17}[0-9]{4}$/;
const MAX_NAME_PART = 16;

export function asciiLetters(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/æ/gi, "ae")
    .replace(/œ/gi, "oe")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

export function identifierBase(givenName: string, familyName: string): string {
  const initial = asciiLetters(givenName).slice(0, 1);
  const family = asciiLetters(familyName).slice(0, MAX_NAME_PART);
  const base = `${initial}${family}`;
  return base === "" ? "usager" : base;
}

/** `suffix` is a number in [0, 9999], drawn by the caller (the domain holds no randomness). */
export function makeIdentifier(base: string, suffix: number): string {
  if (!/^[a-z]{1,17}$/.test(base)) throw new RangeError("base must be 1 to 17 lower-case ASCII letters");
  if (!Number.isInteger(suffix) || suffix < 0 || suffix > 9999) throw new RangeError("suffix must be in [0, 9999]");
  return `${base}${String(suffix).padStart(4, "0")}`;
}

export function isIdentifier(text: string): boolean {
  return IDENTIFIER_PATTERN.test(text);
}

/** What the user typed in "Identifiant": spaces and case are forgiven (identifiers have neither). */
export function normalizeIdentifierInput(text: string): string {
  return text.replace(/\s+/g, "").toLowerCase();
}
