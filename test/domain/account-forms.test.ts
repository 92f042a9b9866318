import { describe, it, expect } from "vitest";
import { NAME_MAX_LENGTH, emailError, field, fields, hasErrors, nameError, tidy, type RawInput } from "../../src/domain/forms.ts";
import {
  ACCOUNT_KINDS,
  SECRET_QUESTIONS,
  SEXES,
  normalizeSecretAnswer,
  parseActivation,
  parseForgotIdentifier,
  parseForgotPassword,
  parseNewPassword,
  parseSignin,
  parseSignup,
  secretQuestionLabel,
} from "../../src/domain/account.ts";

const GOOD_PASSWORD = "Motdepasse1!";
const INVALID_EMAIL = "Saisissez une adresse mél valide, au format nom@domaine.fr.";

/** The errors of a failed parse, without the fields that passed (undefined). */
function errorsOf(result: { ok: true } | { ok: false; errors: Record<string, string | undefined> }): Record<string, string> {
  if (result.ok) throw new Error("expected the form to be refused");
  return Object.fromEntries(Object.entries(result.errors).filter((e): e is [string, string] => e[1] !== undefined));
}

describe("forms helpers", () => {
  it.each<{ name: string; input: RawInput; key: string; expected: string }>([
    { name: "plain value, trimmed", input: { a: "  x  " }, key: "a", expected: "x" },
    { name: "absent", input: {}, key: "a", expected: "" },
    { name: "first of a repeated field", input: { a: [" one ", "two"] }, key: "a", expected: "one" },
    { name: "empty array", input: { a: [] }, key: "a", expected: "" },
    { name: "non-string value", input: { a: 42 }, key: "a", expected: "" },
    { name: "object value", input: { a: { b: "c" } }, key: "a", expected: "" },
  ])("field: $name", ({ input, key, expected }) => {
    expect(field(input, key)).toBe(expected);
  });

  it.each<{ name: string; input: RawInput; expected: string[] }>([
    { name: "absent", input: {}, expected: [] },
    { name: "single value", input: { a: " x " }, expected: ["x"] },
    { name: "repeated, blanks and non-strings dropped", input: { a: [" x", "", "  ", 3, "y "] }, expected: ["x", "y"] },
  ])("fields: $name", ({ input, expected }) => {
    expect(fields(input, "a")).toEqual(expected);
  });

  it.each<[Record<string, string | undefined>, boolean]>([
    [{}, false],
    [{ a: undefined, b: undefined }, false],
    [{ a: undefined, b: "erreur" }, true],
  ])("hasErrors(%j) -> %s", (errors, expected) => {
    expect(hasErrors(errors)).toBe(expected);
  });

  it.each([
    ["Jean   Pierre", "Jean Pierre"],
    ["  Jean \t\n Pierre  ", "Jean Pierre"],
    ["", ""],
  ])("tidy(%j) -> %j", (input, expected) => {
    expect(tidy(input)).toBe(expected);
  });
});

describe("emailError", () => {
  it.each([
    ["jean.dupont@exemple.fr"],
    ["Jean.Dupont@Exemple.FR"],
    ["jean+permis@sous.domaine.gouv.fr"],
    ["j_d-1@exemple.co"],
    ["élodie@exemple.fr"],
  ])("accepts %s", (email) => {
    expect(emailError(email)).toBeUndefined();
  });

  it.each<[string, string]>([
    ["", "Saisissez votre adresse mél."],
    ["jean.dupont", INVALID_EMAIL],
    ["jean.dupont@", INVALID_EMAIL],
    ["@exemple.fr", INVALID_EMAIL],
    ["jean@exemple", INVALID_EMAIL],
    ["jean@exemple.f", INVALID_EMAIL],
    ["jean@exemple.fr.", INVALID_EMAIL],
    ["jean@@exemple.fr", INVALID_EMAIL],
    ["jean dupont@exemple.fr", INVALID_EMAIL],
    ["jean@exe mple.fr", INVALID_EMAIL],
    ["<jean@exemple.fr>", INVALID_EMAIL],
    ["jean,dupont@exemple.fr", INVALID_EMAIL],
    ['"jean"@exemple.fr', INVALID_EMAIL],
    ["jean@exemple.fr;autre@exemple.fr", INVALID_EMAIL],
  ])("%j -> %j", (email, expected) => {
    expect(emailError(email)).toBe(expected);
  });
});

describe("emailError length cap", () => {
  const ofLength = (n: number): string => "a".repeat(64) + "@" + "b".repeat(n - 68) + ".fr";
  it.each<[number, string | undefined]>([
    [253, undefined],
    [254, undefined],
    [255, INVALID_EMAIL],
    [300, INVALID_EMAIL],
  ])("an otherwise valid address of %d characters -> %j", (length, expected) => {
    const email = ofLength(length);
    expect(email).toHaveLength(length);
    expect(emailError(email)).toBe(expected);
  });
});

describe("nameError", () => {
  it.each([
    ["Dupont"],
    ["Jean-Pierre"],
    ["O'Connor"],
    ["N’Diaye"],
    ["De La Tour"],
    ["Éloïse"],
    ["Lætitia"],
    ["Œdipe"],
    ["E\u0301lodie"],
    ["x".repeat(NAME_MAX_LENGTH)],
  ])("accepts %j", (name) => {
    expect(nameError(name, "prénom")).toBeUndefined();
  });

  const lettersOnly = (what: string) =>
    `Le champ « ${what} » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.`;
  it.each<[string, string, string]>([
    ["", "prénom", "Saisissez votre prénom."],
    ["", "nom de famille", "Saisissez votre nom de famille."],
    ["x".repeat(81), "prénom", "Le champ « prénom » ne doit pas dépasser 80 caractères."],
    ["Jean2", "prénom", lettersOnly("prénom")],
    ["Jean.Pierre", "prénom", lettersOnly("prénom")],
    ["-Jean", "prénom", lettersOnly("prénom")],
    ["'Jean", "prénom", lettersOnly("prénom")],
    [" Jean", "prénom", lettersOnly("prénom")],
    ["Jean_Pierre", "nom de famille", lettersOnly("nom de famille")],
    ["<script>", "nom de famille", lettersOnly("nom de famille")],
  ])("%j (%s) -> %j", (value, what, expected) => {
    expect(nameError(value, what)).toBe(expected);
  });
});

describe("secret questions", () => {
  it("offers six questions, two sexes and two account kinds", () => {
    expect(SECRET_QUESTIONS.map((q) => q.value)).toEqual(["pere", "mere", "animal", "ecole", "ville", "ami"]);
    expect(SEXES.map((s) => s.value)).toEqual(["F", "M"]);
    expect(ACCOUNT_KINDS.map((k) => k.value)).toEqual(["particulier", "professionnel"]);
  });

  it.each<[string, string | undefined]>([
    ["pere", "Quel est le prénom de votre père ?"],
    ["ville", "Dans quelle ville avez-vous passé votre enfance ?"],
    ["inconnue", undefined],
    ["", undefined],
  ])("secretQuestionLabel(%j) -> %j", (value, expected) => {
    expect(secretQuestionLabel(value)).toBe(expected);
  });
});

describe("normalizeSecretAnswer", () => {
  it.each([
    ["Médor", "medor"],
    ["MÉDOR", "medor"],
    ["  médor  ", "medor"],
    ["Médor !", "medor"],
    ["E\u0301cole Jules-Ferry", "ecolejulesferry"],
    ["École   Jules   Ferry", "ecolejulesferry"],
    ["l'École", "lecole"],
    ["L’ÉCOLE", "lecole"],
    ["Saint-Étienne", "saintetienne"],
    ["Saint Étienne", "saintetienne"],
    ["Rex 2", "rex2"],
    ["Cœur", "coeur"],
    ["Lætitia", "laetitia"],
    ["?!...", ""],
    ["", ""],
  ])("%j -> %j", (input, expected) => {
    expect(normalizeSecretAnswer(input)).toBe(expected);
  });

  it.each([
    ["Médor", "medor"],
    ["MEDOR", "médor"],
    ["Saint-Étienne", "saint etienne"],
    ["Jules Ferry.", "  jules,  ferry "],
    ["Noël", "NOEL"],
    ["Cœur", "coeur"],
    ["O'Connor", "OConnor"],
    ["Jean-Édouard", "jean edouard"],
  ])("%j and %j are the same answer", (a, b) => {
    expect(normalizeSecretAnswer(a)).toBe(normalizeSecretAnswer(b));
  });

  it.each([
    ["Médor", "Medord"],
    ["Rex 1", "Rex 2"],
  ])("%j and %j are different answers", (a, b) => {
    expect(normalizeSecretAnswer(a)).not.toBe(normalizeSecretAnswer(b));
  });
});

describe("parseSignup", () => {
  const good = {
    kind: "particulier",
    familyName: "Dupont",
    givenName: "Sylvie",
    email: "sylvie.dupont@example.fr",
    captcha: "ab12c",
    cgu: "oui",
  };

  it.each<{ name: string; input: RawInput; value: object }>([
    {
      name: "good input",
      input: good,
      value: { kind: "particulier", familyName: "Dupont", givenName: "Sylvie", email: "sylvie.dupont@example.fr" },
    },
    {
      name: "names tidied, email trimmed and lowercased",
      input: {
        ...good,
        kind: "professionnel",
        familyName: "  De   La  Tour ",
        givenName: " Jean   Pierre ",
        email: "  Sylvie.DUPONT@Example.FR ",
      },
      value: { kind: "professionnel", familyName: "De La Tour", givenName: "Jean Pierre", email: "sylvie.dupont@example.fr" },
    },
    {
      name: "repeated fields: the first value counts",
      input: { ...good, familyName: ["Martin", "Autre"] },
      value: { kind: "particulier", familyName: "Martin", givenName: "Sylvie", email: "sylvie.dupont@example.fr" },
    },
  ])("accepts $name", ({ input, value }) => {
    expect(parseSignup(input)).toEqual({ ok: true, value });
  });

  it.each<{ name: string; change: RawInput; errors: Record<string, string> }>([
    { name: "missing kind", change: { kind: undefined }, errors: { kind: "Indiquez si vous êtes un particulier ou un professionnel." } },
    { name: "unknown kind", change: { kind: "entreprise" }, errors: { kind: "Indiquez si vous êtes un particulier ou un professionnel." } },
    { name: "missing family name", change: { familyName: undefined }, errors: { familyName: "Saisissez votre nom de famille." } },
    { name: "blank family name", change: { familyName: "   " }, errors: { familyName: "Saisissez votre nom de famille." } },
    {
      name: "family name with digits",
      change: { familyName: "Dupont2" },
      errors: {
        familyName: "Le champ « nom de famille » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.",
      },
    },
    {
      name: "family name too long",
      change: { familyName: "D".repeat(81) },
      errors: { familyName: "Le champ « nom de famille » ne doit pas dépasser 80 caractères." },
    },
    { name: "missing given name", change: { givenName: undefined }, errors: { givenName: "Saisissez votre prénom." } },
    {
      name: "given name with a dot",
      change: { givenName: "J." },
      errors: { givenName: "Le champ « prénom » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes." },
    },
    { name: "missing email", change: { email: undefined }, errors: { email: "Saisissez votre adresse mél." } },
    { name: "invalid email", change: { email: "sylvie.dupont" }, errors: { email: INVALID_EMAIL } },
    { name: "missing captcha", change: { captcha: undefined }, errors: { captcha: "Saisissez le code affiché dans l'image." } },
    { name: "blank captcha", change: { captcha: "  " }, errors: { captcha: "Saisissez le code affiché dans l'image." } },
    {
      name: "CGU not accepted",
      change: { cgu: undefined },
      errors: { cgu: "Vous devez accepter les conditions générales d'utilisation et les règles de confidentialité." },
    },
    {
      name: "CGU with another value",
      change: { cgu: "on" },
      errors: { cgu: "Vous devez accepter les conditions générales d'utilisation et les règles de confidentialité." },
    },
  ])("refuses $name", ({ change, errors }) => {
    const input: RawInput = { ...good, ...change };
    expect(errorsOf(parseSignup(input))).toEqual(errors);
  });

  it("reports every field of an empty form at once", () => {
    expect(Object.keys(errorsOf(parseSignup({}))).sort()).toEqual(
      ["captcha", "cgu", "email", "familyName", "givenName", "kind"].sort(),
    );
  });
});

describe("parseActivation", () => {
  const good = {
    sex: "F",
    password: GOOD_PASSWORD,
    passwordConfirmation: GOOD_PASSWORD,
    secretQuestion: "animal",
    secretAnswer: "Médor",
  };

  it.each<{ name: string; input: RawInput; value: object }>([
    {
      name: "good input",
      input: good,
      value: { sex: "F", password: GOOD_PASSWORD, secretQuestion: "animal", secretAnswer: "Médor" },
    },
    {
      name: "answer tidied, password kept as typed (spaces included)",
      input: { ...good, sex: "M", password: " Été2026!x ", passwordConfirmation: " Été2026!x ", secretAnswer: "  Jules   Ferry " },
      value: { sex: "M", password: " Été2026!x ", secretQuestion: "animal", secretAnswer: "Jules Ferry" },
    },
    {
      name: "answer of exactly 100 characters",
      input: { ...good, secretAnswer: "a".repeat(100) },
      value: { sex: "F", password: GOOD_PASSWORD, secretQuestion: "animal", secretAnswer: "a".repeat(100) },
    },
  ])("accepts $name", ({ input, value }) => {
    expect(parseActivation(input)).toEqual({ ok: true, value });
  });

  it.each<{ name: string; change: RawInput; errors: Record<string, string> }>([
    { name: "missing sex", change: { sex: undefined }, errors: { sex: "Indiquez votre sexe." } },
    { name: "unknown sex", change: { sex: "X" }, errors: { sex: "Indiquez votre sexe." } },
    { name: "lower-case sex", change: { sex: "f" }, errors: { sex: "Indiquez votre sexe." } },
    {
      name: "missing password",
      change: { password: undefined },
      errors: { password: "Saisissez un mot de passe." },
    },
    {
      name: "weak password (confirmation mismatch is not reported on top)",
      change: { password: "motdepasse", passwordConfirmation: "motdepasse" },
      errors: { password: "Le mot de passe doit contenir : une lettre majuscule, un chiffre, un caractère spécial (@, ?, /…)." },
    },
    {
      name: "password as a repeated field",
      change: { password: [GOOD_PASSWORD, GOOD_PASSWORD] },
      errors: { password: "Saisissez un mot de passe." },
    },
    {
      name: "missing confirmation",
      change: { passwordConfirmation: undefined },
      errors: { passwordConfirmation: "Confirmez le mot de passe." },
    },
    {
      name: "confirmation that differs",
      change: { passwordConfirmation: "Motdepasse2!" },
      errors: { passwordConfirmation: "La confirmation ne correspond pas au mot de passe." },
    },
    {
      name: "confirmation that differs only by a trailing space",
      change: { passwordConfirmation: GOOD_PASSWORD + " " },
      errors: { passwordConfirmation: "La confirmation ne correspond pas au mot de passe." },
    },
    {
      name: "missing secret question",
      change: { secretQuestion: undefined },
      errors: { secretQuestion: "Choisissez une question secrète." },
    },
    {
      name: "unknown secret question",
      change: { secretQuestion: "couleur" },
      errors: { secretQuestion: "Choisissez une question secrète." },
    },
    {
      name: "missing secret answer",
      change: { secretAnswer: undefined },
      errors: { secretAnswer: "Saisissez la réponse à votre question secrète." },
    },
    {
      name: "punctuation-only secret answer",
      change: { secretAnswer: " ?! - " },
      errors: { secretAnswer: "Saisissez la réponse à votre question secrète." },
    },
    {
      name: "secret answer over 100 characters",
      change: { secretAnswer: "a".repeat(101) },
      errors: { secretAnswer: "La réponse ne doit pas dépasser 100 caractères." },
    },
  ])("refuses $name", ({ change, errors }) => {
    const input: RawInput = { ...good, ...change };
    expect(errorsOf(parseActivation(input))).toEqual(errors);
  });

  it("reports every field of an empty form at once", () => {
    expect(errorsOf(parseActivation({}))).toEqual({
      sex: "Indiquez votre sexe.",
      password: "Saisissez un mot de passe.",
      passwordConfirmation: "Confirmez le mot de passe.",
      secretQuestion: "Choisissez une question secrète.",
      secretAnswer: "Saisissez la réponse à votre question secrète.",
    });
  });
});

describe("parseNewPassword", () => {
  it.each<{ name: string; input: RawInput; password: string }>([
    { name: "good password", input: { password: GOOD_PASSWORD, passwordConfirmation: GOOD_PASSWORD }, password: GOOD_PASSWORD },
    { name: "accented password", input: { password: "Été2026!x", passwordConfirmation: "Été2026!x" }, password: "Été2026!x" },
  ])("accepts $name", ({ input, password }) => {
    expect(parseNewPassword(input)).toEqual({ ok: true, value: { password } });
  });

  it.each<{ name: string; input: RawInput; errors: Record<string, string> }>([
    {
      name: "empty form",
      input: {},
      errors: { password: "Saisissez un mot de passe.", passwordConfirmation: "Confirmez le mot de passe." },
    },
    {
      name: "missing confirmation",
      input: { password: GOOD_PASSWORD },
      errors: { passwordConfirmation: "Confirmez le mot de passe." },
    },
    {
      name: "mismatch",
      input: { password: GOOD_PASSWORD, passwordConfirmation: "Autre1!abc" },
      errors: { passwordConfirmation: "La confirmation ne correspond pas au mot de passe." },
    },
    {
      name: "too short",
      input: { password: "Ab1!", passwordConfirmation: "Ab1!" },
      errors: { password: "Le mot de passe doit contenir : 8 caractères minimum." },
    },
    {
      name: "too long",
      input: { password: "Aa1!" + "x".repeat(125), passwordConfirmation: "Aa1!" + "x".repeat(125) },
      errors: { password: "Le mot de passe ne doit pas dépasser 128 caractères." },
    },
    {
      name: "weak and different (only the password error is shown)",
      input: { password: "abc", passwordConfirmation: "xyz" },
      errors: {
        password:
          "Le mot de passe doit contenir : 8 caractères minimum, une lettre majuscule, un chiffre, un caractère spécial (@, ?, /…).",
      },
    },
    {
      name: "non-string password",
      input: { password: 12345678, passwordConfirmation: "12345678" },
      errors: { password: "Saisissez un mot de passe." },
    },
  ])("refuses $name", ({ input, errors }) => {
    expect(errorsOf(parseNewPassword(input))).toEqual(errors);
  });
});

describe("parseSignin", () => {
  it.each<{ name: string; input: RawInput; value: { identifier: string; password: string } }>([
    {
      name: "good input",
      input: { identifier: "jdupont4821", password: GOOD_PASSWORD },
      value: { identifier: "jdupont4821", password: GOOD_PASSWORD },
    },
    {
      name: "identifier trimmed and lowercased, password untouched",
      input: { identifier: "  JDupont4821 ", password: " secret " },
      value: { identifier: "jdupont4821", password: " secret " },
    },
    {
      name: "any non-empty password (the policy is not checked at sign-in)",
      input: { identifier: "jdupont4821", password: "x" },
      value: { identifier: "jdupont4821", password: "x" },
    },
  ])("accepts $name", ({ input, value }) => {
    expect(parseSignin(input)).toEqual({ ok: true, value });
  });

  it.each<{ name: string; input: RawInput; errors: Record<string, string> }>([
    {
      name: "empty form",
      input: {},
      errors: { identifier: "Saisissez votre identifiant.", password: "Saisissez votre mot de passe." },
    },
    { name: "missing identifier", input: { password: GOOD_PASSWORD }, errors: { identifier: "Saisissez votre identifiant." } },
    {
      name: "blank identifier",
      input: { identifier: "   ", password: GOOD_PASSWORD },
      errors: { identifier: "Saisissez votre identifiant." },
    },
    { name: "missing password", input: { identifier: "jdupont4821" }, errors: { password: "Saisissez votre mot de passe." } },
    {
      name: "empty password",
      input: { identifier: "jdupont4821", password: "" },
      errors: { password: "Saisissez votre mot de passe." },
    },
    {
      name: "password as a repeated field",
      input: { identifier: "jdupont4821", password: ["a", "b"] },
      errors: { password: "Saisissez votre mot de passe." },
    },
  ])("refuses $name", ({ input, errors }) => {
    expect(errorsOf(parseSignin(input))).toEqual(errors);
  });
});

describe("parseForgotIdentifier", () => {
  it.each([
    ["sylvie.dupont@example.fr", "sylvie.dupont@example.fr"],
    ["  Sylvie.Dupont@EXAMPLE.fr ", "sylvie.dupont@example.fr"],
  ])("accepts %j as %j", (email, expected) => {
    expect(parseForgotIdentifier({ email })).toEqual({ ok: true, value: { email: expected } });
  });

  it.each<[RawInput, string]>([
    [{}, "Saisissez votre adresse mél."],
    [{ email: "  " }, "Saisissez votre adresse mél."],
    [{ email: "sylvie" }, INVALID_EMAIL],
    [{ email: "sylvie@example" }, INVALID_EMAIL],
  ])("refuses %j: %s", (input, message) => {
    expect(parseForgotIdentifier(input)).toEqual({ ok: false, errors: { email: message } });
  });
});

describe("parseForgotPassword", () => {
  const good = { identifier: "jdupont4821", secretQuestion: "ville", secretAnswer: "Saint-Étienne" };

  it.each<{ name: string; input: RawInput; value: object }>([
    { name: "good input", input: good, value: { identifier: "jdupont4821", secretQuestion: "ville", secretAnswer: "Saint-Étienne" } },
    {
      name: "identifier normalized, answer trimmed",
      input: { identifier: " JDUPONT4821 ", secretQuestion: "pere", secretAnswer: "  Paul " },
      value: { identifier: "jdupont4821", secretQuestion: "pere", secretAnswer: "Paul" },
    },
  ])("accepts $name", ({ input, value }) => {
    expect(parseForgotPassword(input)).toEqual({ ok: true, value });
  });

  it.each<{ name: string; change: RawInput; errors: Record<string, string> }>([
    { name: "missing identifier", change: { identifier: undefined }, errors: { identifier: "Saisissez votre identifiant." } },
    { name: "blank identifier", change: { identifier: "  " }, errors: { identifier: "Saisissez votre identifiant." } },
    {
      name: "missing secret question",
      change: { secretQuestion: undefined },
      errors: { secretQuestion: "Choisissez votre question secrète." },
    },
    {
      name: "unknown secret question",
      change: { secretQuestion: "Quel est le prénom de votre père ?" },
      errors: { secretQuestion: "Choisissez votre question secrète." },
    },
    {
      name: "missing secret answer",
      change: { secretAnswer: undefined },
      errors: { secretAnswer: "Saisissez la réponse à votre question secrète." },
    },
    {
      name: "punctuation-only secret answer",
      change: { secretAnswer: "..." },
      errors: { secretAnswer: "Saisissez la réponse à votre question secrète." },
    },
  ])("refuses $name", ({ change, errors }) => {
    const input: RawInput = { ...good, ...change };
    expect(errorsOf(parseForgotPassword(input))).toEqual(errors);
  });
});
