/**
 * Motives an agent chooses from when rejecting (issue 9 §4), with a free message. Codes are
 * stored in request_events and the audit log; labels are what the user and agents read.
 * Codes are unique across both lists.
 */
export interface Motive {
  code: string;
  label: string;
}

/** "Rejet des images": the photo and/or the signature are not compliant. */
export const IMAGE_REJECTION_MOTIVES = [
  { code: "photo_floue", label: "Photo floue" },
  { code: "fond_non_conforme", label: "Fond non conforme" },
  { code: "expression", label: "Expression du visage non neutre" },
  { code: "cadrage", label: "Cadrage ou taille du visage non conforme" },
  { code: "visage_masque", label: "Visage partiellement masqué (cheveux, lunettes, couvre-chef, reflets)" },
  { code: "photo_non_ressemblante", label: "Photo trop ancienne ou non ressemblante" },
  { code: "signature_illisible", label: "Signature illisible" },
  { code: "signature_hors_cadre", label: "Signature hors du cadre ou incomplète" },
  { code: "autre_image", label: "Autre motif (précisé dans le message)" },
] as const satisfies readonly Motive[];

/** "Rejet par l'instruction": the request cannot be granted. */
export const INSTRUCTION_REJECTION_MOTIVES = [
  { code: "conditions_age", label: "Conditions d'âge non remplies" },
  { code: "prerequis_categorie", label: "Catégorie préalable requise non détenue" },
  { code: "droit_a_conduire", label: "Droit à conduire suspendu, annulé ou invalidé" },
  { code: "piece_frauduleuse", label: "Pièce justificative falsifiée ou frauduleuse" },
  { code: "pieces_non_conformes", label: "Pièces justificatives toujours non conformes après complément" },
  { code: "demande_en_double", label: "Une demande identique est déjà en cours" },
  { code: "motif_inadapte", label: "Le motif de la demande ne correspond pas à la situation" },
  { code: "autre_instruction", label: "Autre motif (précisé dans le message)" },
] as const satisfies readonly Motive[];

export type MotiveKind = "images" | "instruction";

export const MOTIVES: Record<MotiveKind, readonly Motive[]> = {
  images: IMAGE_REJECTION_MOTIVES,
  instruction: INSTRUCTION_REJECTION_MOTIVES,
};

export function motiveLabel(code: string): string | undefined {
  return [...IMAGE_REJECTION_MOTIVES, ...INSTRUCTION_REJECTION_MOTIVES].find((m) => m.code === code)?.label;
}

export function isMotive(kind: MotiveKind, code: string): boolean {
  return MOTIVES[kind].some((m) => m.code === code);
}

/** Bound on the agent's free message that goes with a motive. */
export const MOTIVE_MESSAGE_MAX_LENGTH = 2000;
