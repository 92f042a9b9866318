import { describe, expect, it } from "vitest";
import { formatDate } from "../../../src/domain/dates.ts";
import {
  REQUEST_STATES,
  deletionDate,
  editableByUser,
  isRequestState,
  nextState,
  transitionsFrom,
  type RequestState,
  type Transition,
} from "../../../src/domain/request/state.ts";

const STATES = Object.keys(REQUEST_STATES) as RequestState[];
const TRANSITIONS: Transition[] = [
  "envoyer",
  "verifier_images",
  "accepter_images",
  "rejeter_images",
  "demander_complement",
  "completer",
  "rejeter",
  "valider",
];

/** The allowed moves (SPEC §4); every other (state, transition) pair is refused. */
const ALLOWED: Partial<Record<`${RequestState}:${Transition}`, RequestState>> = {
  "brouillon:envoyer": "envoyee",
  "envoyee:verifier_images": "verification_images",
  "verification_images:accepter_images": "en_instruction",
  "verification_images:rejeter_images": "rejet_images",
  "en_instruction:demander_complement": "a_completer",
  "a_completer:completer": "en_instruction",
  "en_instruction:rejeter": "rejet_instruction",
  "en_instruction:valider": "validee",
};

describe("request states", () => {
  it("are the eight states of SPEC §4", () => {
    expect(STATES).toEqual(["brouillon", "envoyee", "verification_images", "en_instruction", "a_completer", "rejet_images", "rejet_instruction", "validee"]);
  });

  it.each<{ state: RequestState; label: string; userActions: string }>([
    { state: "brouillon", label: "Brouillon", userActions: "Modifier ou supprimer le brouillon" },
    { state: "envoyee", label: "Envoyée", userActions: "Aucune action, merci de patienter" },
    { state: "verification_images", label: "Vérification des images", userActions: "Aucune action, merci de patienter" },
    { state: "en_instruction", label: "En cours d'instruction", userActions: "Aucune action, merci de patienter" },
    { state: "a_completer", label: "A compléter", userActions: "Modifier la demande" },
    { state: "rejet_images", label: "Rejet des images", userActions: "Faire une nouvelle demande" },
    { state: "rejet_instruction", label: "Rejet par l'instruction", userActions: "Faire une nouvelle demande" },
    { state: "validee", label: "Validée par l'administration", userActions: "Aucune action" },
  ])("$state is labelled « $label »", ({ state, label, userActions }) => {
    expect(REQUEST_STATES[state].label).toBe(label);
    expect(REQUEST_STATES[state].userActions).toBe(userActions);
  });

  it.each<{ value: string; expected: boolean }>([
    { value: "brouillon", expected: true },
    { value: "validee", expected: true },
    { value: "Brouillon", expected: false },
    { value: "supprimee", expected: false },
    { value: "constructor", expected: false },
  ])("isRequestState($value) is $expected", ({ value, expected }) => {
    expect(isRequestState(value)).toBe(expected);
  });
});

describe("nextState for every (state, transition) pair", () => {
  const rows = STATES.flatMap((state) => TRANSITIONS.map((transition) => ({ state, transition, expected: ALLOWED[`${state}:${transition}`] })));

  it("the table has 64 rows, 8 of them allowed", () => {
    expect(rows).toHaveLength(64);
    expect(rows.filter((r) => r.expected !== undefined)).toHaveLength(8);
  });

  it.each(rows)("$state --$transition--> $expected", ({ state, transition, expected }) => {
    expect(nextState(state, transition)).toBe(expected);
  });

  it.each(STATES.map((state) => ({ state, expected: TRANSITIONS.filter((t) => ALLOWED[`${state}:${t}`] !== undefined) })))(
    "transitionsFrom($state) is $expected",
    ({ state, expected }) => {
      expect(transitionsFrom(state)).toEqual(expected);
    },
  );

  it.each<{ state: RequestState }>([{ state: "rejet_images" }, { state: "rejet_instruction" }, { state: "validee" }])("$state is final", ({ state }) => {
    expect(transitionsFrom(state)).toEqual([]);
  });
});

describe("editableByUser: only a draft, or a request to complete", () => {
  it.each<{ state: RequestState; expected: boolean }>([
    { state: "brouillon", expected: true },
    { state: "envoyee", expected: false },
    { state: "verification_images", expected: false },
    { state: "en_instruction", expected: false },
    { state: "a_completer", expected: true },
    { state: "rejet_images", expected: false },
    { state: "rejet_instruction", expected: false },
    { state: "validee", expected: false },
  ])("$state → $expected", ({ state, expected }) => {
    expect(editableByUser(state)).toBe(expected);
  });
});

describe("deletionDate: 6 months after creation", () => {
  // The Paris day 6 calendar months after the Paris day of creation, from its first instant:
  // the date shown never moves by an hour across the daylight-saving change (src/domain/dates.ts).
  it.each<{ created: string; shown: string; expected: string }>([
    { created: "2026-01-15T10:30:00.000Z", shown: "15/07/2026", expected: "2026-07-14T22:00:00.000Z" },
    { created: "2026-11-22T12:00:00.000Z", shown: "22/05/2027", expected: "2027-05-21T22:00:00.000Z" },
    { created: "2026-07-01T00:00:00.000Z", shown: "01/01/2027", expected: "2026-12-31T23:00:00.000Z" },
    { created: "2026-12-30T23:59:59.000Z", shown: "30/06/2027", expected: "2027-06-29T22:00:00.000Z" }, // 31/12 in Paris
    { created: "2027-08-28T08:00:00.000Z", shown: "28/02/2028", expected: "2028-02-27T23:00:00.000Z" },
  ])("created $created → deleted on $shown", ({ created, shown, expected }) => {
    expect(deletionDate(new Date(created)).toISOString()).toBe(expected);
    expect(formatDate(deletionDate(new Date(created)))).toBe(shown);
  });

  it("does not change the creation date it is given", () => {
    const created = new Date("2026-01-15T10:30:00Z");
    deletionDate(created);
    expect(created.toISOString()).toBe("2026-01-15T10:30:00.000Z");
  });

  // Six calendar months after 31 August is the last day of February ("31 February" must not roll over into March).
  it("created on 31 August → deleted on the last day of February, not in March", () => {
    expect(formatDate(deletionDate(new Date("2026-08-31T09:00:00Z")))).toBe("28/02/2027");
    expect(formatDate(deletionDate(new Date("2027-08-31T09:00:00Z")))).toBe("29/02/2028");
  });
});
