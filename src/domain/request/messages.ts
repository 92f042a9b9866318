import type { Adresse } from "./steps.ts";
import type { RequestState, Transition } from "./state.ts";

/**
 * What a request tells its people, and by which channel: ONE table, for each event, of what goes
 * by mail and by SMS to the person of step 3 ("Coordonnées où l'on peut vous joindre") and what
 * appears on the account home ("NOTIFICATIONS", seed 001). The mails' words are in
 * src/services/mails.tsx (keyed by the same events); the SMS and notices' words are here.
 *
 * The consent that governs mails and SMS: "J'accepte que mes données personnelles soient
 * réutilisées à des fins d'information" (seed 001, step 3), frozen at sending
 * (`adresse.consentement`). Without it, the person receives only the messages the procedure
 * needs (`essential`): the confirmation, what asks them to act, the decisions and documents;
 * not the progress updates, which are information only (seed 001: "Afin d'avoir un suivi sur
 * l'avancée de votre demande …, il convient de cliquer sur « Oui »"). The in-app notice is on
 * the filer's own account: it is always written. SMS go only to the step-3 mobile, when given.
 */
export interface MessageRule {
  /** Sent whatever the consent (the procedure needs it). */
  essential: boolean;
  mail: boolean;
  sms: boolean;
  notice: boolean;
  /**
   * Who gets the mail: the person of step 3 ("contact"), or the account holder ("account"),
   * who alone can download the request's documents.
   */
  mailTo: "contact" | "account";
}

export const REQUEST_MESSAGES = {
  /** Step 7: the confirmation of sending (seed 001). */
  envoyee: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** Progress: the photo and signature are being checked. */
  verification_images: { essential: false, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** Progress: the administration analyses the request. */
  en_instruction: { essential: false, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** Pieces missing or incorrect: the request must be completed. */
  a_completer: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** Photo or signature not compliant: a new request is needed. */
  rejet_images: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  rejet_instruction: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** The licence is sent within 15 days (to be collected at La Poste within 15 days if absent). */
  validee: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  /**
   * An inscription validated: no licence is made; the NEPH is active (to book the code exam) and the
   * attestation d'inscription au permis is available (SPEC §4) — said instead of `validee`'s licence in 15 days.
   */
  inscription_validee: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** After a loss: the person may not drive until this attestation is available (seed 004: "prévenu par email et sms"). */
  attestation_droits: { essential: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  /** International licence: the attestation de dépôt, "à joindre à votre demande par courrier papier" (seed 001). */
  attestation_depot: { essential: true, mail: true, sms: false, notice: true, mailTo: "account" },
  /** 15 days before the request is deleted (6 months after its creation): the documents to download. */
  suppression_proche: { essential: true, mail: true, sms: false, notice: true, mailTo: "account" },
} as const satisfies Record<string, MessageRule>;

export type RequestMessage = keyof typeof REQUEST_MESSAGES;

export const REQUEST_MESSAGE_NAMES = Object.keys(REQUEST_MESSAGES) as RequestMessage[];

export function isRequestMessage(value: string): value is RequestMessage {
  return Object.hasOwn(REQUEST_MESSAGES, value);
}

/** Whether the person of step 3 accepted messages of information (only "Oui" counts; a missing answer is a no). */
export function mayReceiveOptionalMessages(content: { adresse?: Pick<Adresse, "consentement"> | undefined }): boolean {
  return content.adresse?.consentement === true;
}

/** Whether `message` may be sent (mail or SMS) to the person of step 3 of this request. */
export function maySend(message: RequestMessage, content: { adresse?: Pick<Adresse, "consentement"> | undefined }): boolean {
  return REQUEST_MESSAGES[message].essential || mayReceiveOptionalMessages(content);
}

/** The channels `message` uses for a request, consent applied; `mobile` is the step-3 mobile (E.164) if given. */
export function channelsFor(
  message: RequestMessage,
  content: { adresse?: Pick<Adresse, "consentement"> | undefined },
  mobile: string | undefined,
): { mail: boolean; sms: boolean; notice: boolean } {
  const rule: MessageRule = REQUEST_MESSAGES[message];
  const allowed = maySend(message, content);
  return { mail: rule.mail && allowed, sms: rule.sms && allowed && mobile !== undefined, notice: rule.notice };
}

/** The motifs whose validation makes an attestation de droits à conduire (seed 004: "après perte"). */
const LOSS_MOTIFS: readonly string[] = ["fabrication.perte"];
const INTERNATIONAL_MOTIFS: readonly string[] = ["permis_international"];

/**
 * The events a transition causes, for a request of motif `motifId`: what `transition()` hands to
 * the Notifier. Taking a request for the image check tells the user it is being checked; the
 * user's own "Renvoyer ma demande" tells them it is analysed again.
 */
export function eventsOf(transition: Transition, motifId: string): RequestMessage[] {
  switch (transition) {
    case "envoyer":
      return INTERNATIONAL_MOTIFS.includes(motifId) ? ["envoyee", "attestation_depot"] : ["envoyee"];
    case "verifier_images":
      return ["verification_images"];
    case "accepter_images":
    case "completer":
      return ["en_instruction"];
    case "rejeter_images":
      return ["rejet_images"];
    case "demander_complement":
      return ["a_completer"];
    case "rejeter":
      return ["rejet_instruction"];
    case "valider":
      if (motifId.startsWith("inscription.")) return ["inscription_validee"];
      return LOSS_MOTIFS.includes(motifId) ? ["validee", "attestation_droits"] : ["validee"];
  }
}

/** What a notice or an SMS says of a request. */
export interface MessageFacts {
  number: string;
  /** The deletion day ("28/02/2027"), for `suppression_proche`. */
  deletionDay?: string | undefined;
}

/**
 * The in-app notices (account home, "NOTIFICATIONS"). The confirmation keeps its words of
 * before issue 9; the attestation de dépôt's are seed 001's.
 */
export const NOTICES: Record<RequestMessage, (f: MessageFacts) => string> = {
  envoyee: (f) => `Votre demande n° ${f.number} a été envoyée à l'administration.`,
  verification_images: (f) => `Demande n° ${f.number} : l'administration vérifie votre photo et votre signature.`,
  en_instruction: (f) => `Demande n° ${f.number} : l'administration analyse votre demande.`,
  a_completer: (f) => `Demande n° ${f.number} : certaines pièces sont manquantes ou incorrectes. Modifiez la demande puis renvoyez-la.`,
  rejet_images: (f) => `Demande n° ${f.number} : la photo et/ou la signature n'est pas conforme. Faites une nouvelle demande.`,
  rejet_instruction: (f) => `Demande n° ${f.number} : votre demande a été rejetée. Consultez-la pour connaître le motif du rejet.`,
  validee: (f) => `Demande n° ${f.number} : votre demande a été validée, le permis vous sera envoyé dans les 15 jours.`,
  inscription_validee: (f) =>
    `Demande n° ${f.number} : votre inscription est validée. Votre numéro NEPH est actif et votre attestation d'inscription au permis de conduire est disponible au téléchargement.`,
  attestation_droits: (f) => `Demande n° ${f.number} : votre attestation de droits à conduire est disponible au téléchargement.`,
  attestation_depot: (f) =>
    `Demande n° ${f.number} : vous pouvez désormais télécharger l'attestation de dépôt de votre demande à joindre à votre demande par courrier papier.`,
  suppression_proche: (f) => `Demande n° ${f.number} : elle sera supprimée le ${f.deletionDay ?? "—"}. Téléchargez vos documents avant cette date.`,
};

/**
 * The SMS, written in the GSM-7 alphabet (é, è, à, ù are in it; ê, â, ç are not) so that each
 * fits in one or two segments (src/domain/sms.ts). Only the events whose rule has `sms`.
 */
export const SMS_TEXTS: Record<RequestMessage, ((f: MessageFacts) => string) | undefined> = {
  envoyee: (f) => `Permis de conduire : votre demande ${f.number} a bien été envoyée à l'administration.`,
  verification_images: (f) => `Permis de conduire : demande ${f.number}, votre photo et votre signature sont en cours de vérification.`,
  en_instruction: (f) => `Permis de conduire : demande ${f.number}, l'administration analyse votre demande.`,
  a_completer: (f) => `Permis de conduire : demande ${f.number} à compléter. Des pièces sont manquantes ou incorrectes, connectez-vous pour la modifier.`,
  rejet_images: (f) => `Permis de conduire : demande ${f.number}, photo ou signature non conforme. Vous devez faire une nouvelle demande.`,
  rejet_instruction: (f) => `Permis de conduire : demande ${f.number} rejetée. Connectez-vous pour connaitre le motif du rejet.`,
  validee: (f) => `Permis de conduire : demande ${f.number} validée. Le permis vous sera envoyé par courrier sécurisé dans les 15 jours.`,
  inscription_validee: (f) => `Permis de conduire : demande ${f.number}, inscription validée. Votre numéro NEPH est actif, votre attestation d'inscription est dans votre espace.`,
  attestation_droits: (f) => `Permis de conduire : demande ${f.number}, votre attestation de droits à conduire est disponible dans votre espace.`,
  attestation_depot: undefined,
  suppression_proche: undefined,
};

/** A document of a request that the user can download from its page. */
export type RequestDocumentKind = "recepisse" | "formulaire_depot" | "attestation_inscription" | "attestation_droits" | "attestation_depot";

export const DOCUMENT_LABELS: Record<RequestDocumentKind, string> = {
  recepisse: "Récépissé de dépôt de la demande",
  formulaire_depot: "Formulaire de dépôt de photo et de signature pour numérisation",
  attestation_inscription: "Attestation d'inscription au permis de conduire",
  attestation_droits: "Attestation de droits à conduire",
  attestation_depot: "Attestation de dépôt (permis de conduire international)",
};

/** The documents a sent request offers for download, to list in the "suppression_proche" mail. */
export function downloadableDocuments(r: { state: RequestState; motifId: string; classicPhoto: boolean }): RequestDocumentKind[] {
  if (r.state === "brouillon") return [];
  const docs: RequestDocumentKind[] = ["recepisse"];
  if (r.classicPhoto) docs.push("formulaire_depot");
  if (INTERNATIONAL_MOTIFS.includes(r.motifId)) docs.push("attestation_depot");
  if (r.state === "validee" && r.motifId.startsWith("inscription.")) docs.push("attestation_inscription");
  if (r.state === "validee" && LOSS_MOTIFS.includes(r.motifId)) docs.push("attestation_droits");
  return docs;
}
