import { type MotifInfo, type Pour } from "./motifs.ts";
import { requiredPieces, type RequestFacts, type RequiredPiece } from "./pieces.ts";
import type { Adresse, EtatCivil, Step1 } from "./steps.ts";

/**
 * The 7-step wizard (SPEC §3): step names, and the guard that keeps a step closed until
 * every step before it is valid — a navigation rule returning "go there" or "come in".
 */
export const STEPS = [
  { n: 1, label: "Motif de demande" },
  { n: 2, label: "État civil" },
  { n: 3, label: "Adresse et contact" },
  { n: 4, label: "Photo / Signature" },
  { n: 5, label: "Pièces justificatives" },
  { n: 6, label: "Récapitulatif" },
  { n: 7, label: "Confirmation" },
] as const;

export type StepNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const EDITABLE_STEPS = [1, 2, 3, 4, 5] as const;
export type EditableStep = (typeof EDITABLE_STEPS)[number];

export function isStepNumber(n: number): n is StepNumber {
  return Number.isInteger(n) && n >= 1 && n <= 7;
}

/** Validity of steps 1 to 5 of a draft. */
export type StepValidity = Record<EditableStep, boolean>;

/** The first step still to complete; 6 (the récapitulatif) when all are valid. */
export function firstIncompleteStep(valid: StepValidity): StepNumber {
  for (const step of EDITABLE_STEPS) if (!valid[step]) return step;
  return 6;
}

export type StepAccess = { kind: "open" } | { kind: "redirect"; step: StepNumber };

/** Step 7 is the confirmation of a sent request; steps 1–6 belong to a draft. */
export function stepAccess(step: StepNumber, valid: StepValidity, sent: boolean): StepAccess {
  if (sent) return step === 7 ? { kind: "open" } : { kind: "redirect", step: 7 };
  if (step === 7) return { kind: "redirect", step: firstIncompleteStep(valid) };
  const first = firstIncompleteStep(valid);
  return step <= first ? { kind: "open" } : { kind: "redirect", step: first };
}

/** The facts of a draft as far as it is filled in. */
export function factsOf(d: { motif: MotifInfo; pour: Pour; step1?: Step1 | undefined; step2?: EtatCivil | undefined; step3?: Adresse | undefined; on: Date }): RequestFacts {
  return {
    motif: d.motif,
    pour: d.pour,
    categories: d.step1?.categories ?? [],
    visiteMedicale: d.step1?.visiteMedicale ?? false,
    conduiteAccompagnee: d.step1?.conduiteAccompagnee ?? false,
    declarations: {
      affection: d.step1?.declarations.affection ?? false,
      pension: d.step1?.declarations.pension ?? false,
      vehiculeAmenage: d.step1?.declarations.vehiculeAmenage ?? false,
    },
    birthdate: d.step2?.dateNaissance,
    nationalite: d.step2?.nationalite,
    departement: d.step3?.commune.departement,
    justificatifAuNom: d.step3?.justificatifAuNom,
    dejaTitulaire: d.step1?.dejaTitulaire,
    on: d.on,
  };
}

export function piecesOf(d: Parameters<typeof factsOf>[0]): RequiredPiece[] {
  return requiredPieces(factsOf(d));
}
