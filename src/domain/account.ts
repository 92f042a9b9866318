import { emailError, field, hasErrors, nameError, tidy, type FieldErrors, type FormResult, type RawInput } from "./forms.ts";
import { passwordError } from "./password.ts";
import { normalizeIdentifierInput } from "./identifier.ts";

/** Accounts (SPEC §2): kinds, secret questions and the validation of each account form. */
export const ACCOUNT_KINDS = [
  { value: "particulier", label: "Particulier" },
  { value: "professionnel", label: "Professionnel" },
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number]["value"];

export const SEXES = [
  { value: "F", label: "Femme" },
  { value: "M", label: "Homme" },
] as const;
export type Sex = (typeof SEXES)[number]["value"];

export const SECRET_QUESTIONS = [
  { value: "pere", label: "Quel est le prénom de votre père ?" },
  { value: "mere", label: "Quel est le prénom de votre mère ?" },
  { value: "animal", label: "Quel est le nom de votre premier animal de compagnie ?" },
  { value: "ecole", label: "Quel est le nom de votre école primaire ?" },
  { value: "ville", label: "Dans quelle ville avez-vous passé votre enfance ?" },
  { value: "ami", label: "Quel est le prénom de votre meilleur ami ou meilleure amie d'enfance ?" },
] as const;
export type SecretQuestion = (typeof SECRET_QUESTIONS)[number]["value"];

export function secretQuestionLabel(value: string): string | undefined {
  return SECRET_QUESTIONS.find((q) => q.value === value)?.label;
}

/** Answers are compared on their letters and digits only: no case, accents, ligatures, spaces or punctuation. */
export function normalizeSecretAnswer(answer: string): string {
  return answer
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/ß/g, "ss")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

const oneOf = <T extends string>(list: readonly { value: T }[], v: string): v is T => list.some((x) => x.value === v);

export interface SignupForm {
  kind: AccountKind;
  familyName: string;
  givenName: string;
  email: string;
}
type SignupField = "kind" | "familyName" | "givenName" | "email" | "captcha" | "cgu";

/** "JE CRÉE UN COMPTE". The captcha answer's correctness is checked by the captcha service. */
export function parseSignup(input: RawInput): FormResult<SignupForm, SignupField> {
  const kind = field(input, "kind");
  const familyName = tidy(field(input, "familyName"));
  const givenName = tidy(field(input, "givenName"));
  const email = field(input, "email");
  const errors: FieldErrors<SignupField> = {
    kind: oneOf(ACCOUNT_KINDS, kind) ? undefined : "Indiquez si vous êtes un particulier ou un professionnel.",
    familyName: nameError(familyName, "nom de famille"),
    givenName: nameError(givenName, "prénom"),
    email: emailError(email),
    captcha: field(input, "captcha") === "" ? "Saisissez le code affiché dans l'image." : undefined,
    cgu:
      field(input, "cgu") === "oui"
        ? undefined
        : "Vous devez accepter les conditions générales d'utilisation et les règles de confidentialité.",
  };
  if (hasErrors(errors) || !oneOf(ACCOUNT_KINDS, kind)) return { ok: false, errors };
  return { ok: true, value: { kind, familyName, givenName, email: email.toLowerCase() } };
}

type NewPasswordField = "password" | "passwordConfirmation";

function newPasswordErrors(input: RawInput): FieldErrors<NewPasswordField> {
  const password = typeof input.password === "string" ? input.password : "";
  const confirmation = typeof input.passwordConfirmation === "string" ? input.passwordConfirmation : "";
  const error = passwordError(password);
  return {
    password: error,
    passwordConfirmation:
      confirmation === ""
        ? "Confirmez le mot de passe."
        : !error && confirmation !== password
          ? "La confirmation ne correspond pas au mot de passe."
          : undefined,
  };
}

export interface ActivationForm {
  sex: Sex;
  password: string;
  secretQuestion: SecretQuestion;
  secretAnswer: string;
}
type ActivationField = "sex" | NewPasswordField | "secretQuestion" | "secretAnswer";

/** "VOUS Y ÊTES PRESQUE !" */
export function parseActivation(input: RawInput): FormResult<ActivationForm, ActivationField> {
  const sex = field(input, "sex");
  const secretQuestion = field(input, "secretQuestion");
  const secretAnswer = tidy(field(input, "secretAnswer"));
  const errors: FieldErrors<ActivationField> = {
    sex: oneOf(SEXES, sex) ? undefined : "Indiquez votre sexe.",
    ...newPasswordErrors(input),
    secretQuestion: oneOf(SECRET_QUESTIONS, secretQuestion) ? undefined : "Choisissez une question secrète.",
    secretAnswer:
      normalizeSecretAnswer(secretAnswer) === ""
        ? "Saisissez la réponse à votre question secrète."
        : secretAnswer.length > 100
          ? "La réponse ne doit pas dépasser 100 caractères."
          : undefined,
  };
  if (hasErrors(errors) || !oneOf(SEXES, sex) || !oneOf(SECRET_QUESTIONS, secretQuestion)) return { ok: false, errors };
  return { ok: true, value: { sex, password: String(input.password), secretQuestion, secretAnswer } };
}

export function parseNewPassword(input: RawInput): FormResult<{ password: string }, NewPasswordField> {
  const errors = newPasswordErrors(input);
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: { password: String(input.password) } };
}

type SigninField = "identifier" | "password";

export function parseSignin(input: RawInput): FormResult<{ identifier: string; password: string }, SigninField> {
  const identifier = normalizeIdentifierInput(field(input, "identifier"));
  const password = typeof input.password === "string" ? input.password : "";
  const errors: FieldErrors<SigninField> = {
    identifier: identifier === "" ? "Saisissez votre identifiant." : undefined,
    password: password === "" ? "Saisissez votre mot de passe." : undefined,
  };
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: { identifier, password } };
}

export function parseForgotIdentifier(input: RawInput): FormResult<{ email: string }, "email"> {
  const email = field(input, "email");
  const error = emailError(email);
  if (error) return { ok: false, errors: { email: error } };
  return { ok: true, value: { email: email.toLowerCase() } };
}

type ForgotPasswordField = "identifier" | "secretQuestion" | "secretAnswer";

/** "Mot de passe oublié ?": the user names their question, so the page never reveals one. */
export function parseForgotPassword(
  input: RawInput,
): FormResult<{ identifier: string; secretQuestion: SecretQuestion; secretAnswer: string }, ForgotPasswordField> {
  const identifier = normalizeIdentifierInput(field(input, "identifier"));
  const secretQuestion = field(input, "secretQuestion");
  const secretAnswer = field(input, "secretAnswer");
  const errors: FieldErrors<ForgotPasswordField> = {
    identifier: identifier === "" ? "Saisissez votre identifiant." : undefined,
    secretQuestion: oneOf(SECRET_QUESTIONS, secretQuestion) ? undefined : "Choisissez votre question secrète.",
    secretAnswer: normalizeSecretAnswer(secretAnswer) === "" ? "Saisissez la réponse à votre question secrète." : undefined,
  };
  if (hasErrors(errors) || !oneOf(SECRET_QUESTIONS, secretQuestion)) return { ok: false, errors };
  return { ok: true, value: { identifier, secretQuestion, secretAnswer } };
}
