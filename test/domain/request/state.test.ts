import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDate } from "../../../src/domain/dates.ts";
import type { Actor } from "../../../src/domain/actors.ts";
import {
  REQUEST_STATES,
  TRANSITIONS as TRANSITIONS_TABLE,
  TRANSITION_NAMES,
  decide,
  deletionDate,
  editableByUser,
  isFinal,
  isRequestState,
  nextState,
  transitionsFor,
  transitionsFrom,
  userActions,
  type Decision,
  type RequestState,
  type Transition,
  type TransitionActor,
  type UserAction,
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

/* ------------------------------------------------------------------ issue 9: who may do what */

type ActorKey = "usager" | "systeme" | "images" | "instruction" | "admin";

const ACTORS: Record<ActorKey, Actor> = {
  usager: { kind: "usager", accountId: "11111111-1111-4111-8111-111111111111" },
  systeme: { kind: "systeme" },
  images: { kind: "agent", agentId: "a-images", role: "images", serviceIds: ["svc-a"], name: "Iris Image" },
  instruction: { kind: "agent", agentId: "a-instr", role: "instruction", serviceIds: ["svc-a"], name: "Ines Instruction" },
  admin: { kind: "agent", agentId: "a-admin", role: "admin", serviceIds: [], name: "Adam Admin" },
};
const ACTOR_KEYS = Object.keys(ACTORS) as ActorKey[];

/**
 * Written by hand from SPEC §4 and issue 9 §4: every (state, transition, actor) triple allowed.
 * The usager sends and sends back; images agents check; instruction agents instruct; an
 * administrator may act as either agent role; the system triggers no transition. Every other
 * triple of the 8 × 8 × 5 is refused.
 */
const ALLOWED_TRIPLES: ReadonlyArray<readonly [RequestState, Transition, ActorKey, RequestState]> = [
  ["brouillon", "envoyer", "usager", "envoyee"],
  ["envoyee", "verifier_images", "images", "verification_images"],
  ["envoyee", "verifier_images", "admin", "verification_images"],
  ["verification_images", "accepter_images", "images", "en_instruction"],
  ["verification_images", "accepter_images", "admin", "en_instruction"],
  ["verification_images", "rejeter_images", "images", "rejet_images"],
  ["verification_images", "rejeter_images", "admin", "rejet_images"],
  ["en_instruction", "demander_complement", "instruction", "a_completer"],
  ["en_instruction", "demander_complement", "admin", "a_completer"],
  ["a_completer", "completer", "usager", "en_instruction"],
  ["en_instruction", "rejeter", "instruction", "rejet_instruction"],
  ["en_instruction", "rejeter", "admin", "rejet_instruction"],
  ["en_instruction", "valider", "instruction", "validee"],
  ["en_instruction", "valider", "admin", "validee"],
];

describe("decide for every (state, transition, actor) triple", () => {
  const allowed = new Map(ALLOWED_TRIPLES.map(([s, t, a, to]) => [`${s}:${t}:${a}`, to]));
  // Refused for the actor ("acteur") when this actor may trigger the transition from no state; otherwise for the state ("etat").
  const mayEver = (t: Transition, a: ActorKey) => ALLOWED_TRIPLES.some(([, tt, aa]) => tt === t && aa === a);
  const rows = STATES.flatMap((state) =>
    TRANSITIONS.flatMap((transition) =>
      ACTOR_KEYS.map((actor) => {
        const to = allowed.get(`${state}:${transition}:${actor}`);
        const expected: Decision = to !== undefined ? { ok: true, to } : { ok: false, reason: mayEver(transition, actor) ? "etat" : "acteur" };
        return { state, transition, actor, expected };
      }),
    ),
  );

  it("the table has 320 rows, 14 of them allowed, consistent with the (state, transition) table", () => {
    expect(rows).toHaveLength(320);
    expect(rows.filter((r) => r.expected.ok)).toHaveLength(14);
    for (const [s, t, , to] of ALLOWED_TRIPLES) expect(ALLOWED[`${s}:${t}`]).toBe(to);
  });

  it.each(rows)("$state --$transition--> by $actor: $expected", ({ state, transition, actor, expected }) => {
    expect(decide(state, transition, ACTORS[actor])).toEqual(expected);
  });

  it.each(STATES.flatMap((state) => ACTOR_KEYS.map((actor) => ({ state, actor }))))("transitionsFor($state, $actor)", ({ state, actor }) => {
    const expected = TRANSITIONS.filter((t) => allowed.has(`${state}:${t}:${actor}`));
    expect(transitionsFor(state, ACTORS[actor])).toEqual(expected);
  });

  it("an image agent never instructs, an instruction agent never checks images, the system never moves a request", () => {
    for (const state of STATES) {
      for (const t of ["demander_complement", "rejeter", "valider"] as const) expect(decide(state, t, ACTORS.images)).toEqual({ ok: false, reason: "acteur" });
      for (const t of ["verifier_images", "accepter_images", "rejeter_images"] as const) expect(decide(state, t, ACTORS.instruction)).toEqual({ ok: false, reason: "acteur" });
      expect(transitionsFor(state, ACTORS.systeme)).toEqual([]);
    }
  });

  it("an administrator acts for the agents, never for the user", () => {
    expect(decide("brouillon", "envoyer", ACTORS.admin)).toEqual({ ok: false, reason: "acteur" });
    expect(decide("a_completer", "completer", ACTORS.admin)).toEqual({ ok: false, reason: "acteur" });
  });

  it.each(TRANSITION_NAMES.map((t) => ({ t })))("TRANSITIONS.$t.by matches the hand-written table", ({ t }) => {
    const roles = new Set(ALLOWED_TRIPLES.filter(([, tt, a]) => tt === t && a !== "admin").map(([, , a]) => a));
    expect(new Set(TRANSITIONS_TABLE[t].by)).toEqual(roles);
  });

  it.each<{ t: Transition; motive: boolean }>([
    { t: "envoyer", motive: false },
    { t: "verifier_images", motive: false },
    { t: "accepter_images", motive: false },
    { t: "rejeter_images", motive: true },
    { t: "demander_complement", motive: false },
    { t: "completer", motive: false },
    { t: "rejeter", motive: true },
    { t: "valider", motive: false },
  ])("$t asks for a motive: $motive", ({ t, motive }) => {
    expect(TRANSITIONS_TABLE[t].motive).toBe(motive);
  });
});

describe("userActions: SPEC §4's column « Actions possibles »", () => {
  it.each<{ state: RequestState; actions: UserAction[]; text: string }>([
    { state: "brouillon", actions: ["modifier_brouillon", "supprimer_brouillon"], text: "Modifier ou supprimer le brouillon" },
    { state: "envoyee", actions: [], text: "Aucune action, merci de patienter" },
    { state: "verification_images", actions: [], text: "Aucune action, merci de patienter" },
    { state: "en_instruction", actions: [], text: "Aucune action, merci de patienter" },
    { state: "a_completer", actions: ["modifier_demande", "renvoyer"], text: "Modifier la demande" },
    { state: "rejet_images", actions: ["nouvelle_demande"], text: "Faire une nouvelle demande" },
    { state: "rejet_instruction", actions: ["nouvelle_demande"], text: "Faire une nouvelle demande" },
    { state: "validee", actions: [], text: "Aucune action" },
  ])("$state: $actions (« $text »)", ({ state, actions, text }) => {
    expect(userActions(state)).toEqual(actions);
    expect(REQUEST_STATES[state].userActions).toBe(text);
    // Only the states the user may edit offer an action that edits.
    expect(actions.some((a) => a.startsWith("modifier"))).toBe(editableByUser(state));
  });

  it.each<{ state: RequestState; meaning: string }>([
    { state: "brouillon", meaning: "Vous n'avez pas terminé votre demande." },
    { state: "envoyee", meaning: "Votre demande a été envoyée à l'administration." },
    { state: "verification_images", meaning: "L'administration est en cours de vérification de votre photo et votre signature" },
    { state: "en_instruction", meaning: "L'administration analyse votre demande" },
    { state: "a_completer", meaning: "Après analyse, certaines pièces sont manquantes ou incorrectes" },
    { state: "rejet_images", meaning: "La photo et/ou la signature n'est pas conforme vous devez les refaire" },
    { state: "rejet_instruction", meaning: "Connectez-vous pour connaitre le motif du rejet" },
    { state: "validee", meaning: "La demande a été validée, le permis vous sera envoyé dans les 15 jours" },
  ])("$state means « $meaning » (seed 004)", ({ state, meaning }) => {
    expect(REQUEST_STATES[state].meaning).toBe(meaning);
  });

  it.each(STATES.map((state) => ({ state, final: ["rejet_images", "rejet_instruction", "validee"].includes(state) })))("isFinal($state) is $final", ({ state, final }) => {
    expect(isFinal(state)).toBe(final);
  });

  it("the usager's transitions are offered where the user has the matching action", () => {
    expect(transitionsFor("brouillon", ACTORS.usager)).toEqual(["envoyer"]);
    expect(userActions("a_completer")).toContain("renvoyer");
    expect(transitionsFor("a_completer", ACTORS.usager)).toEqual(["completer"]);
  });
});

/* ------------------------------------------------------------------ docs/request-states.md = code */

describe("docs/request-states.md: the diagram lists the transitions of the code", () => {
  const doc = readFileSync(new URL("../../../docs/request-states.md", import.meta.url), "utf8");
  const blocks = [...doc.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const WHO: Record<string, TransitionActor> = { usager: "usager", "agent images": "images", "agent instruction": "instruction", système: "systeme" };

  it("has one Mermaid state diagram", () => {
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.trimStart().startsWith("stateDiagram-v2")).toBe(true);
  });

  const lines = (blocks[0] ?? "").split("\n").map((l) => l.trim());
  const arrows = lines.filter((l) => l.includes("-->") && !l.includes("[*]"));
  const parsed = arrows.map((l) => {
    const m = /^(\w+) --> (\w+) : (\w+) \(([^)]+)\)$/.exec(l);
    if (!m) throw new Error(`unreadable transition line: ${l}`);
    return { from: m[1]!, to: m[2]!, name: m[3]!, by: m[4]!.split(" ou ").map((w) => WHO[w] ?? `?${w}`).sort() };
  });

  it("same (from, to, name, who) set as TRANSITIONS", () => {
    const fromCode = TRANSITION_NAMES.flatMap((name) => TRANSITIONS_TABLE[name].from.map((from) => ({ from, to: TRANSITIONS_TABLE[name].to, name, by: [...TRANSITIONS_TABLE[name].by].sort() })));
    const key = (t: { from: string; to: string; name: string; by: string[] }) => `${t.from} -${t.name}[${t.by.join(",")}]-> ${t.to}`;
    expect(parsed.map(key).sort()).toEqual(fromCode.map(key).sort());
    expect(new Set(parsed.map(key)).size).toBe(parsed.length); // no transition drawn twice
  });

  it("declares the 8 states with their labels, starts at Brouillon and ends at the final states", () => {
    const declared = Object.fromEntries(
      lines.flatMap((l) => {
        const m = /^state "([^"]+)" as (\w+)$/.exec(l);
        return m ? [[m[2]!, m[1]!]] : [];
      }),
    );
    expect(declared).toEqual(Object.fromEntries(STATES.map((s) => [s, REQUEST_STATES[s].label])));
    expect(lines.filter((l) => l.startsWith("[*] -->"))).toEqual(["[*] --> brouillon"]);
    expect(lines.filter((l) => l.endsWith("--> [*]")).map((l) => l.split(" ")[0]).sort()).toEqual(STATES.filter(isFinal).sort());
  });

  it.each(STATES.map((state) => ({ state })))("the states table gives $state's label, meaning and actions verbatim", ({ state }) => {
    const { label, meaning, userActions: actions } = REQUEST_STATES[state];
    expect(doc).toContain(`| \`${state}\` | ${label} | ${meaning} | ${actions} |`);
  });
});
