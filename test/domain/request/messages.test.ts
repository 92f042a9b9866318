import { describe, expect, it } from "vitest";
import {
  channelsFor,
  downloadableDocuments,
  eventsOf,
  maySend,
  mayReceiveOptionalMessages,
  NOTICES,
  REQUEST_MESSAGE_NAMES,
  REQUEST_MESSAGES,
  SMS_TEXTS,
  type RequestMessage,
} from "../../../src/domain/request/messages.ts";
import { TRANSITION_NAMES, type Transition } from "../../../src/domain/request/state.ts";
import { countSegments } from "../../../src/domain/sms.ts";

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

const ALL_EVENTS = [
  "envoyee",
  "verification_images",
  "en_instruction",
  "a_completer",
  "rejet_images",
  "rejet_instruction",
  "validee",
  "attestation_droits",
  "attestation_depot",
  "suppression_proche",
  "inscription_validee",
] as const;

/** The one table (issue 9 §5): for each event, mail / SMS / notice, and whether consent is needed. */
const TABLE: Record<RequestMessage, { withoutConsent: boolean; mail: boolean; sms: boolean; notice: boolean; mailTo: "contact" | "account" }> = {
  envoyee: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" }, // seed 001 step 7: « une confirmation … par courriel »
  verification_images: { withoutConsent: false, mail: true, sms: true, notice: true, mailTo: "contact" }, // progress only
  en_instruction: { withoutConsent: false, mail: true, sms: true, notice: true, mailTo: "contact" }, // progress only
  a_completer: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" }, // « Modifier la demande »: the person must act
  rejet_images: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" }, // « Faire une nouvelle demande »
  rejet_instruction: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" },
  validee: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" }, // 15 days to collect it at La Poste
  inscription_validee: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" }, // SPEC §4: the NEPH active, the attestation d'inscription
  attestation_droits: { withoutConsent: true, mail: true, sms: true, notice: true, mailTo: "contact" }, // seed 004: « prévenu par email et sms »
  attestation_depot: { withoutConsent: true, mail: true, sms: false, notice: true, mailTo: "account" }, // seed 001's notice
  suppression_proche: { withoutConsent: true, mail: true, sms: false, notice: true, mailTo: "account" }, // documents to download
};

describe("the message table", () => {
  it("covers every event, and only them", () => {
    expect([...REQUEST_MESSAGE_NAMES].sort()).toEqual([...ALL_EVENTS].sort());
    expect(Object.keys(TABLE).sort()).toEqual([...ALL_EVENTS].sort());
    expect(Object.keys(NOTICES).sort()).toEqual([...ALL_EVENTS].sort());
    expect(Object.keys(SMS_TEXTS).sort()).toEqual([...ALL_EVENTS].sort());
  });

  it.each(ALL_EVENTS.map((event) => ({ event, ...TABLE[event] })))("$event: mail $mail (to $mailTo), SMS $sms, notice $notice", ({ event, mail, sms, notice, mailTo }) => {
    const rule = REQUEST_MESSAGES[event];
    expect({ mail: rule.mail, sms: rule.sms, notice: rule.notice, mailTo: rule.mailTo }).toEqual({ mail, sms, notice, mailTo });
    // An SMS rule has its text, and a text its rule.
    expect(SMS_TEXTS[event] !== undefined).toBe(sms);
  });
});

describe("maySend: which messages reach someone who said « Non »", () => {
  it.each(ALL_EVENTS.map((message) => ({ message, withoutConsent: TABLE[message].withoutConsent })))(
    "$message: without consent $withoutConsent, with consent always",
    ({ message, withoutConsent }) => {
      expect(maySend(message, { adresse: { consentement: false } })).toBe(withoutConsent);
      expect(maySend(message, { adresse: { consentement: true } })).toBe(true);
    },
  );
});

describe("channelsFor: consent and the step-3 mobile", () => {
  const MOBILE = "+33612345678";
  it.each(
    ALL_EVENTS.flatMap((event) =>
      [true, false].flatMap((consent) =>
        [MOBILE, undefined].map((mobile) => {
          const allowed = consent || TABLE[event].withoutConsent;
          return {
            event,
            consent,
            mobile,
            expected: { mail: TABLE[event].mail && allowed, sms: TABLE[event].sms && allowed && mobile !== undefined, notice: TABLE[event].notice },
          };
        }),
      ),
    ),
  )("$event, consent $consent, mobile $mobile", ({ event, consent, mobile, expected }) => {
    expect(channelsFor(event, { adresse: { consentement: consent } }, mobile)).toEqual(expected);
  });

  it("the in-app notice is always written: it is on the filer's own account", () => {
    for (const event of ALL_EVENTS) expect(channelsFor(event, {}, undefined).notice).toBe(true);
  });
});

describe("eventsOf: what each transition tells", () => {
  const CASES: Array<{ transition: Transition; motif: string; events: RequestMessage[] }> = [
    { transition: "envoyer", motif: "fabrication.perte", events: ["envoyee"] },
    { transition: "envoyer", motif: "permis_international", events: ["envoyee", "attestation_depot"] },
    { transition: "verifier_images", motif: "fabrication.perte", events: ["verification_images"] },
    { transition: "accepter_images", motif: "fabrication.perte", events: ["en_instruction"] },
    { transition: "rejeter_images", motif: "fabrication.perte", events: ["rejet_images"] },
    { transition: "demander_complement", motif: "inscription.premier_permis", events: ["a_completer"] },
    { transition: "completer", motif: "inscription.premier_permis", events: ["en_instruction"] },
    { transition: "rejeter", motif: "inscription.premier_permis", events: ["rejet_instruction"] },
    { transition: "valider", motif: "inscription.premier_permis", events: ["inscription_validee"] },
    { transition: "valider", motif: "inscription.ajout_categories", events: ["inscription_validee"] },
    { transition: "valider", motif: "fabrication.perte", events: ["validee", "attestation_droits"] },
    { transition: "valider", motif: "fabrication.vol", events: ["validee"] },
  ];
  it.each(CASES)("$transition ($motif) → $events", ({ transition, motif, events }) => {
    expect(eventsOf(transition, motif)).toEqual(events);
  });

  it("every transition is covered", () => {
    expect(new Set(CASES.map((c) => c.transition))).toEqual(new Set(TRANSITION_NAMES));
  });

  it("every event but the deletion notice comes from a transition", () => {
    const told = new Set(CASES.flatMap((c) => c.events));
    expect(ALL_EVENTS.filter((e) => !told.has(e))).toEqual(["suppression_proche"]);
  });
});

describe("the SMS texts", () => {
  it.each(ALL_EVENTS.filter((e) => SMS_TEXTS[e]))("%s: GSM-7, at most 2 segments, with the number", (event) => {
    const text = SMS_TEXTS[event]!({ number: "PC-2026-0001234" });
    const count = countSegments(text);
    expect(count.encoding).toBe("GSM-7");
    expect(count.segments).toBeLessThanOrEqual(2);
    expect(text).toContain("PC-2026-0001234");
  });
});

describe("the notices", () => {
  it("the attestation de dépôt says seed 001's words", () => {
    expect(NOTICES.attestation_depot({ number: "PC-2026-0000001" })).toContain(
      "vous pouvez désormais télécharger l'attestation de dépôt de votre demande à joindre à votre demande par courrier papier.",
    );
  });
  it("the deletion notice gives the day", () => {
    expect(NOTICES.suppression_proche({ number: "PC-2026-0000001", deletionDay: "28/02/2027" })).toContain("28/02/2027");
  });
});

describe("downloadableDocuments: what the deletion mail lists", () => {
  it.each<{ state: Parameters<typeof downloadableDocuments>[0]["state"]; motifId: string; classicPhoto: boolean; docs: string[] }>([
    { state: "brouillon", motifId: "fabrication.perte", classicPhoto: false, docs: [] },
    { state: "envoyee", motifId: "fabrication.perte", classicPhoto: false, docs: ["recepisse"] },
    { state: "envoyee", motifId: "fabrication.perte", classicPhoto: true, docs: ["recepisse", "formulaire_depot"] },
    { state: "validee", motifId: "fabrication.perte", classicPhoto: false, docs: ["recepisse", "attestation_droits"] },
    { state: "validee", motifId: "inscription.premier_permis", classicPhoto: false, docs: ["recepisse", "attestation_inscription"] },
    { state: "rejet_instruction", motifId: "inscription.premier_permis", classicPhoto: false, docs: ["recepisse"] },
    { state: "envoyee", motifId: "permis_international", classicPhoto: false, docs: ["recepisse", "attestation_depot"] },
  ])("$state $motifId (classic photo $classicPhoto) → $docs", ({ state, motifId, classicPhoto, docs }) => {
    expect(downloadableDocuments({ state, motifId, classicPhoto })).toEqual(docs);
  });
});
