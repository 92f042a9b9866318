import type { Actor } from "../actors.ts";
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
  | "verifier_images" // an images agent takes the request ("Je prends ce dossier")
  | "accepter_images"
  | "rejeter_images"
  | "demander_complement" // instruction agent: "A compléter"
  | "completer" // usager: "Renvoyer ma demande"
  | "rejeter"
  | "valider";

/** Who may trigger a transition: the user, an agent of a role (an administrator may act for any role), the system. */
export type TransitionActor = "usager" | "images" | "instruction" | "systeme";

export interface TransitionRule {
  from: readonly RequestState[];
  to: RequestState;
  by: readonly TransitionActor[];
  /** What the history shows. */
  label: string;
  /** Whether the agent must give a motive from the list (src/domain/request/motives.ts). */
  motive: boolean;
}

export const TRANSITIONS: Record<Transition, TransitionRule> = {
  envoyer: { from: ["brouillon"], to: "envoyee", by: ["usager"], label: "Demande envoyée", motive: false },
  verifier_images: { from: ["envoyee"], to: "verification_images", by: ["images"], label: "Vérification des images commencée", motive: false },
  accepter_images: { from: ["verification_images"], to: "en_instruction", by: ["images"], label: "Images acceptées", motive: false },
  rejeter_images: { from: ["verification_images"], to: "rejet_images", by: ["images"], label: "Images rejetées", motive: true },
  demander_complement: { from: ["en_instruction"], to: "a_completer", by: ["instruction"], label: "Pièces à compléter demandées", motive: false },
  completer: { from: ["a_completer"], to: "en_instruction", by: ["usager"], label: "Demande complétée et renvoyée", motive: false },
  rejeter: { from: ["en_instruction"], to: "rejet_instruction", by: ["instruction"], label: "Demande rejetée", motive: true },
  valider: { from: ["en_instruction"], to: "validee", by: ["instruction"], label: "Demande validée", motive: false },
};

export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as Transition[];

/** The state after `transition`, or undefined when it is not allowed from `state`. */
export function nextState(state: RequestState, transition: Transition): RequestState | undefined {
  const t = TRANSITIONS[transition];
  return t.from.includes(state) ? t.to : undefined;
}

export function transitionsFrom(state: RequestState): Transition[] {
  return TRANSITION_NAMES.filter((t) => TRANSITIONS[t].from.includes(state));
}

/** The transition roles an actor holds: an administrator may act as either agent role. */
function actorRoles(actor: Actor): TransitionActor[] {
  switch (actor.kind) {
    case "usager":
      return ["usager"];
    case "systeme":
      return ["systeme"];
    case "agent":
      return actor.role === "admin" ? ["images", "instruction"] : [actor.role];
  }
}

export type Decision = { ok: true; to: RequestState } | { ok: false; reason: "etat" | "acteur" };

/**
 * Whether `actor` may apply `transition` to a request in `state` (SPEC §4). Access to the request
 * itself (owner, service) is the access policy's question, not this one.
 */
export function decide(state: RequestState, transition: Transition, actor: Actor): Decision {
  const rule = TRANSITIONS[transition];
  if (!rule.by.some((r) => actorRoles(actor).includes(r))) return { ok: false, reason: "acteur" };
  if (!rule.from.includes(state)) return { ok: false, reason: "etat" };
  return { ok: true, to: rule.to };
}

/** The transitions `actor` may apply from `state`: what a page offers as buttons. */
export function transitionsFor(state: RequestState, actor: Actor): Transition[] {
  return TRANSITION_NAMES.filter((t) => decide(state, t, actor).ok);
}

/** The user's actions in each state (SPEC §4, column "Actions possibles"). */
export type UserAction = "modifier_brouillon" | "supprimer_brouillon" | "modifier_demande" | "renvoyer" | "nouvelle_demande";

const USER_ACTIONS: Record<RequestState, readonly UserAction[]> = {
  brouillon: ["modifier_brouillon", "supprimer_brouillon"],
  envoyee: [],
  verification_images: [],
  en_instruction: [],
  a_completer: ["modifier_demande", "renvoyer"],
  rejet_images: ["nouvelle_demande"],
  rejet_instruction: ["nouvelle_demande"],
  validee: [],
};

export function userActions(state: RequestState): readonly UserAction[] {
  return USER_ACTIONS[state];
}

/** A decision ends the instruction: the request will not move again. */
export function isFinal(state: RequestState): boolean {
  return transitionsFrom(state).length === 0;
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
