import { FABRICATION_REASONS, motifInfo, MOTIF_GROUPS, DEMARCHES } from "../../../domain/request/motifs.ts";
import { REQUEST_STATES, isRequestState, TRANSITIONS, type RequestState, type Transition } from "../../../domain/request/state.ts";

/** Short French labels of the back-office lists (motifs, states, messages). */

const GROUP_SHORT: Record<string, string> = {
  inscription: "Inscription au permis",
  fabrication: "Fabrication d'un nouveau permis",
  brevet_militaire: "Conversion de brevet militaire",
  diplome_professionnel: "Validation de diplôme professionnel",
  invalidation_annulation: "Après invalidation ou annulation",
  suspension: "Après suspension",
  permis_international: "Permis de conduire international",
  correction: "Signalement d'une erreur sur le permis",
};

/** The motif filter's options: each group and each démarche. */
export const MOTIF_OPTIONS: ReadonlyArray<{ value: string; label: string }> = [
  ...MOTIF_GROUPS.map((g) => ({ value: g.value, label: GROUP_SHORT[g.value] ?? g.label })),
  ...DEMARCHES.map((d) => ({ value: d.value, label: GROUP_SHORT[d.value] ?? d.label })),
];

/** "Fabrication d'un nouveau permis à la suite de la perte du permis", "Inscription au permis"... */
export function motifShort(id: string): string {
  const info = motifInfo(id);
  if (!info) return id;
  const group = GROUP_SHORT[info.group] ?? info.group;
  if (info.group === "fabrication") {
    const reason = FABRICATION_REASONS.find((r) => r.value === id.split(".")[1]);
    if (reason) return `${group} ${reason.label}`;
  }
  return group;
}

export function stateLabel(state: string): string {
  return isRequestState(state) ? REQUEST_STATES[state].label : state;
}

export function transitionLabel(name: string): string {
  return Object.hasOwn(TRANSITIONS, name) ? TRANSITIONS[name as Transition].label : name;
}

/** What a state means, in an agent's words (REQUEST_STATES' meanings speak to the user: « Votre demande … »). */
export const AGENT_STATE_MEANINGS: Record<RequestState, string> = {
  brouillon: "La demande n'a pas été envoyée par l'usager.",
  envoyee: "Envoyée par l'usager : la photo et la signature sont à vérifier.",
  verification_images: "La photo et la signature sont en cours de vérification.",
  en_instruction: "Photo et signature acceptées : la demande est à instruire.",
  a_completer: "Un complément a été demandé : la demande attend les modifications de l'usager.",
  rejet_images: "Rejetée : la photo et/ou la signature n'est pas conforme. L'usager doit faire une nouvelle demande.",
  rejet_instruction: "Rejetée après instruction : l'usager voit le motif du rejet dans son espace.",
  validee: "Validée par l'administration : décision prise, l'usager en a été informé.",
};

/** DSFR badge colour of a state. */
export function stateBadge(state: string): string {
  switch (state) {
    case "validee":
      return "fr-badge--success";
    case "rejet_images":
    case "rejet_instruction":
      return "fr-badge--error";
    case "a_completer":
      return "fr-badge--warning";
    case "envoyee":
      return "fr-badge--new";
    default:
      return "fr-badge--info";
  }
}

export const ACTOR_LABELS: Record<string, string> = { usager: "Usager", agent: "Agent", admin: "Administrateur", systeme: "Système" };

export const MESSAGE_STATUS: Record<string, string> = { pending: "En attente d'envoi", sent: "Envoyé", failed: "Échec de l'envoi" };

/** The SMS provider's delivery report (signed callback). */
export const DELIVERY_STATUS: Record<string, string> = {
  accepted: "Accepté par l'opérateur",
  delivered: "Distribué",
  failed: "Non distribué",
  expired: "Expiré sans être distribué",
};
