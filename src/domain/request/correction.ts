import { parisDate, sixMonthsElapsed } from "../dates.ts";
import { field, fields, hasErrors, tidy, type FieldErrors, type FormResult, type RawInput } from "../forms.ts";

/**
 * "Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois" (seed
 * 004, SPEC §6): a démarche of its own, started from the account home. The licence number is
 * matched to the user's own earlier online request that produced it; the photo and signature are
 * taken from that request ("La photo et la signature seront reprises de la téléprocédure initiale
 * et ne pourront donc pas être modifiées"), so a correction has no step 4.
 */

/** The errors seed 004 lists ("Cette erreur peut concerner : …"). */
export const CORRECTION_ERRORS = [
  { value: "etat_civil", label: "une faute d'orthographe ou de saisie sur mon état civil" },
  { value: "categorie", label: "une mauvaise catégorie ou un oubli de catégorie" },
  { value: "validite", label: "une erreur dans la date de validité du titre" },
  { value: "mention", label: "une mention restrictive (boîte automatique) ou de droit supplémentaire (remorque lourde) oubliée" },
] as const;

// Below the 500 characters a draft keeps of each answer (src/services/requests/steps.ts), so the limit is told, not cut.
export const MAX_ERROR_DESCRIPTION = 400;

const LICENCE_NUMBER = /^[A-Z0-9]{6,20}$/;

/** "12ab 345" → "12AB345": the form a licence number is stored and matched in. */
export function normalizeLicenceNumber(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase();
}

export const LICENCE_NUMBER_FORMAT = "Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis.";

/** The start form: the licence number (then locked, like a motif). */
export function parseCorrectionStart(input: RawInput): FormResult<{ numeroPermis: string }> {
  const numeroPermis = normalizeLicenceNumber(field(input, "numeroPermis"));
  if (numeroPermis === "") return { ok: false, errors: { numeroPermis: "Saisissez le numéro du permis à corriger." } };
  if (!LICENCE_NUMBER.test(numeroPermis)) return { ok: false, errors: { numeroPermis: LICENCE_NUMBER_FORMAT } };
  return { ok: true, value: { numeroPermis } };
}

export interface CorrectionDetails {
  erreurs: string[];
  /** The error, in the user's words. */
  description: string;
}

/** Step 1 of a correction: the type(s) of error and its description. */
export function parseCorrectionDetails(input: RawInput): FormResult<CorrectionDetails> {
  const errors: FieldErrors = {};
  const erreurs = fields(input, "erreurs").filter((e) => CORRECTION_ERRORS.some((c) => c.value === e));
  if (erreurs.length === 0) errors.erreurs = "Cochez l'erreur constatée sur votre permis.";
  const description = tidy(field(input, "description"));
  if (description === "") errors.description = "Décrivez l'erreur constatée : ce qui figure sur le permis et ce qui devrait y figurer.";
  else if (description.length > MAX_ERROR_DESCRIPTION) errors.description = `La description ne doit pas dépasser ${MAX_ERROR_DESCRIPTION} caractères (vous en avez saisi ${description.length}).`;
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: { erreurs, description } };
}

/** The earlier online request that produced the licence, as far as the rule needs it. */
export interface OriginalTitle {
  /** Its motif id (src/domain/request/motifs.ts), or an exchange of a foreign licence. */
  motifId: string;
  /** When the title was produced (its reception by the user is counted from then). */
  issuedAt: Date;
  /** The licence's format: every title produced from an online request is a card; older ones are paper. */
  format: "carte" | "ancien";
}

/** Seed 004's reasons, in its words ("cette téléprocédure ne s'applique pas si vous avez : …"). */
export const CORRECTION_REFUSALS = {
  // "Seuls les titres issus d'une demande en ligne peuvent être corrigés." / "reçu un titre qui n'est pas le vôtre"
  inconnu:
    "Ce numéro ne correspond à aucun permis issu de l'une de vos demandes en ligne : seuls les titres issus d'une demande en ligne peuvent être corrigés, et la correction ne s'applique pas à un titre qui n'est pas le vôtre. Si vous possédez un ancien titre erroné, faites une demande de fabrication d'un nouveau permis pour détérioration.",
  // "fait une demande de permis de conduire international"
  international: "La correction ne s'applique pas à un permis de conduire international : elle ne concerne que les permis issus d'une demande de permis en ligne.",
  // "fait une demande initiale d'échange de permis étranger"
  echange: "La correction ne s'applique pas à un permis obtenu par une demande d'échange de permis étranger.",
  // "reçu votre titre il y a plus de 6 mois"
  ancien: "Vous avez reçu ce permis il y a plus de 6 mois : la correction en ligne n'est plus possible. Faites une demande de fabrication d'un nouveau permis pour détérioration.",
  // "un permis de conduire sous l'ancien format (autre que le format "carte bancaire")"
  format: "La correction ne s'applique qu'aux permis au format « carte bancaire » : pour un permis sous l'ancien format, faites une demande de fabrication d'un nouveau permis pour détérioration.",
  // "déménagé dans un autre département depuis votre demande initiale"
  demenagement:
    "La correction ne s'applique pas si vous avez déménagé dans un autre département depuis votre demande initiale : faites une demande de fabrication d'un nouveau permis.",
} as const;

/** Why this licence cannot be corrected online, or undefined when it can. `original` is undefined when no request of the user's produced it. */
export function correctionRefusal(original: OriginalTitle | undefined, now: Date): string | undefined {
  if (!original) return CORRECTION_REFUSALS.inconnu;
  if (original.motifId === "permis_international") return CORRECTION_REFUSALS.international;
  if (original.motifId.startsWith("echange")) return CORRECTION_REFUSALS.echange;
  if (original.format !== "carte") return CORRECTION_REFUSALS.format;
  // One rule of "6 months after" for the whole service (src/domain/dates.ts), counted in Paris days.
  if (sixMonthsElapsed(parisDate(original.issuedAt), now)) return CORRECTION_REFUSALS.ancien;
  return undefined;
}

/** Step 3 of a correction: the home must still be in the département of the original request. */
export function movedRefusal(originalDepartement: string | undefined, departement: string): string | undefined {
  return originalDepartement !== undefined && originalDepartement !== departement ? CORRECTION_REFUSALS.demenagement : undefined;
}
