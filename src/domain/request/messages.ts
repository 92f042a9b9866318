import type { Adresse } from "./steps.ts";

/**
 * The messages a request sends to the person of step 3 ("Coordonnées où l'on peut vous
 * joindre"), and the consent that governs them: "J'accepte que mes données personnelles soient
 * réutilisées à des fins d'information" (seed 001, step 3). The consent is part of the typed
 * content frozen at sending (`adresse.consentement`). Without it, the person receives only the
 * messages the procedure needs: the confirmation, what asks them to act, and the decisions;
 * not the progress updates, which are information only (seed 001: "Afin d'avoir un suivi sur
 * l'avancée de votre demande …, il convient de cliquer sur « Oui »").
 */
export const REQUEST_MESSAGES = {
  /** Step 7: the confirmation of sending (seed 001). */
  envoyee: { essential: true },
  /** Progress: the photo and signature are being checked. */
  verification_images: { essential: false },
  /** Progress: the administration analyses the request. */
  en_instruction: { essential: false },
  /** Pieces missing or incorrect: the request must be completed. */
  a_completer: { essential: true },
  /** Photo or signature not compliant: a new request is needed. */
  rejet_images: { essential: true },
  rejet_instruction: { essential: true },
  /** The licence is sent within 15 days (to be collected at La Poste within 15 days if absent). */
  validee: { essential: true },
  /** After a loss: the person may not drive until this attestation is available (seed 004). */
  attestation_droits: { essential: true },
} as const satisfies Record<string, { essential: boolean }>;

export type RequestMessage = keyof typeof REQUEST_MESSAGES;

/** Whether the person of step 3 accepted messages of information (only "Oui" counts; a missing answer is a no). */
export function mayReceiveOptionalMessages(content: { adresse?: Pick<Adresse, "consentement"> | undefined }): boolean {
  return content.adresse?.consentement === true;
}

/** Whether `message` may be sent to the person of step 3 of this request. */
export function maySend(message: RequestMessage, content: { adresse?: Pick<Adresse, "consentement"> | undefined }): boolean {
  return REQUEST_MESSAGES[message].essential || mayReceiveOptionalMessages(content);
}
