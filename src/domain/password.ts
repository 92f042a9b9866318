/**
 * Password policy (SPEC §2): at least 8 characters, with upper case, lower case,
 * digits and special characters. Each rule is named so the form can show which
 * parts are still missing.
 */
export interface PasswordRule {
  id: "length" | "upper" | "lower" | "digit" | "special";
  /** Shown before typing, and again when unmet. */
  label: string;
  test(password: string): boolean;
}

export const PASSWORD_MIN_LENGTH = 8;
/** Upper bound so a huge password cannot be used to exhaust the hashing service. */
export const PASSWORD_MAX_LENGTH = 128;

export const PASSWORD_RULES: readonly PasswordRule[] = [
  { id: "length", label: `${PASSWORD_MIN_LENGTH} caractères minimum`, test: (p) => [...p].length >= PASSWORD_MIN_LENGTH },
  { id: "upper", label: "une lettre majuscule", test: (p) => /\p{Lu}/u.test(p) },
  { id: "lower", label: "une lettre minuscule", test: (p) => /\p{Ll}/u.test(p) },
  { id: "digit", label: "un chiffre", test: (p) => /\p{Nd}/u.test(p) },
  { id: "special", label: "un caractère spécial (@, ?, /…)", test: (p) => /[^\p{L}\p{N}\s]/u.test(p) },
];

/** Rules are checked on the NFC form: a decomposed "é" is one letter, not a letter and a symbol. */
export function unmetPasswordRules(password: string): PasswordRule[] {
  const composed = password.normalize("NFC");
  return PASSWORD_RULES.filter((rule) => !rule.test(composed));
}

/** The French error for a password, or undefined when it is acceptable. */
export function passwordError(password: string): string | undefined {
  if (password === "") return "Saisissez un mot de passe.";
  if ([...password.normalize("NFC")].length > PASSWORD_MAX_LENGTH) {
    return `Le mot de passe ne doit pas dépasser ${PASSWORD_MAX_LENGTH} caractères.`;
  }
  const unmet = unmetPasswordRules(password);
  if (unmet.length === 0) return undefined;
  return `Le mot de passe doit contenir : ${unmet.map((r) => r.label).join(", ")}.`;
}
