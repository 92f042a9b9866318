import { describe, expect, it } from "vitest";
import { maySend, mayReceiveOptionalMessages, REQUEST_MESSAGES, type RequestMessage } from "../../../src/domain/request/messages.ts";

/**
 * Seed 001, step 3: « J'accepte que mes données personnelles soient réutilisées à des fins
 * d'information » — without it, only the messages the procedure needs.
 */
describe("mayReceiveOptionalMessages: the consent of step 3", () => {
  it.each<{ name: string; content: { adresse?: { consentement: boolean } }; expected: boolean }>([
    { name: "« Oui »", content: { adresse: { consentement: true } }, expected: true },
    { name: "« Non »", content: { adresse: { consentement: false } }, expected: false },
    { name: "no answer (step 3 not filled in)", content: {}, expected: false },
  ])("$name → $expected", ({ content, expected }) => {
    expect(mayReceiveOptionalMessages(content)).toBe(expected);
  });
});

describe("maySend: which messages reach someone who said « Non »", () => {
  it.each<{ message: RequestMessage; withoutConsent: boolean }>([
    { message: "envoyee", withoutConsent: true }, // seed 001 step 7: « une confirmation de prise en compte de la demande sera envoyée par courriel »
    { message: "verification_images", withoutConsent: false }, // progress only
    { message: "en_instruction", withoutConsent: false }, // progress only
    { message: "a_completer", withoutConsent: true }, // seed 004: « Modifier la demande » — the person must act
    { message: "rejet_images", withoutConsent: true }, // « Faire une nouvelle demande »
    { message: "rejet_instruction", withoutConsent: true },
    { message: "validee", withoutConsent: true }, // the licence arrives: 15 days to collect it at La Poste
    { message: "attestation_droits", withoutConsent: true }, // seed 004: no driving until this attestation
  ])("$message: without consent $withoutConsent, with consent always", ({ message, withoutConsent }) => {
    expect(maySend(message, { adresse: { consentement: false } })).toBe(withoutConsent);
    expect(maySend(message, { adresse: { consentement: true } })).toBe(true);
  });

  it("covers every message", () => {
    expect(Object.keys(REQUEST_MESSAGES).sort()).toEqual(
      ["attestation_droits", "a_completer", "en_instruction", "envoyee", "rejet_images", "rejet_instruction", "validee", "verification_images"].sort(),
    );
  });
});
