import { sixMonthsAfterCreation } from "../dates.ts";

/**
 * Life of a request (SPEC §4, seed 004): its states, verbatim labels, who moves it where,
 * and what the user may do in each state. Pure: callers apply the transition in a transaction.
 */
export const REQUEST_STATES = {
  brouillon: { label: "Brouillon", meaning: "Vous n'avez pas terminé votre demande.", userActions: "Modifier ou supprimer le brouillon" },
  envoyee: { label: "Envoyée", meaning: "Votre demande a été envoyée à l'administration.", userActions: "Aucune action, merci de patienter" },
  verification_images: {
    label: "Vérification des images",
    meaning: "L'administration est en cours de vérification de votre photo et votre signature",
    userActions: "Aucune action, merci de patienter",
  },
  en_instruction: { label: "En cours d'instruction", meaning: "L'administration analyse votre demande", userActions: "Aucune action, merci de patienter" },
  a_completer: {
    label: "A compléter",
    meaning: "Après analyse, certaines pièces sont manquantes ou incorrectes",
    userActions: "Modifier la demande",
  },
  rejet_images: {
    label: "Rejet des images",
    meaning: "La photo et/ou la signature n'est pas conforme vous devez les refaire",
    userActions: "Faire une nouvelle demande",
  },
  rejet_instruction: { label: "Rejet par l'instruction", meaning: "Connectez-vous pour connaitre le motif du rejet", userActions: "Faire une nouvelle demande" },
  validee: {
    label: "Validée par l'administration",
    meaning: "La demande a été validée, le permis vous sera envoyé dans les 15 jours",
    userActions: "Aucune action",
  },
} as const;

export type RequestState = keyof typeof REQUEST_STATES;

export type Transition =
  | "envoyer" // usager: step 7
  | "verifier_images" // agent images takes the request
  | "accepter_images"
  | "rejeter_images"
  | "demander_complement" // agent instruction
  | "completer" // usager sends the completed request back
  | "rejeter"
  | "valider";

const TRANSITIONS: Record<Transition, { from: readonly RequestState[]; to: RequestState; by: "usager" | "agent" }> = {
  envoyer: { from: ["brouillon"], to: "envoyee", by: "usager" },
  verifier_images: { from: ["envoyee"], to: "verification_images", by: "agent" },
  accepter_images: { from: ["verification_images"], to: "en_instruction", by: "agent" },
  rejeter_images: { from: ["verification_images"], to: "rejet_images", by: "agent" },
  demander_complement: { from: ["en_instruction"], to: "a_completer", by: "agent" },
  completer: { from: ["a_completer"], to: "en_instruction", by: "usager" },
  rejeter: { from: ["en_instruction"], to: "rejet_instruction", by: "agent" },
  valider: { from: ["en_instruction"], to: "validee", by: "agent" },
};

/** The state after `transition`, or undefined when it is not allowed from `state`. */
export function nextState(state: RequestState, transition: Transition): RequestState | undefined {
  const t = TRANSITIONS[transition];
  return t.from.includes(state) ? t.to : undefined;
}

export function transitionsFrom(state: RequestState): Transition[] {
  return (Object.keys(TRANSITIONS) as Transition[]).filter((t) => TRANSITIONS[t].from.includes(state));
}

/** Only a draft, or a request sent back for completion, can be changed by the user. */
export function editableByUser(state: RequestState): boolean {
  return state === "brouillon" || state === "a_completer";
}

export function isRequestState(value: string): value is RequestState {
  return Object.hasOwn(REQUEST_STATES, value);
}

/**
 * Every request is deleted 6 months after its creation, whatever its state (seed 004): on the
 * Paris day 6 calendar months after the day it was created (31 August → 28/29 February), as
 * the instant that day begins. One rule with the deletion job (src/domain/dates.ts).
 */
export function deletionDate(createdAt: Date): Date {
  return sixMonthsAfterCreation(createdAt);
}
