import { describe, expect, it } from "vitest";
import type { Actor, AgentActor } from "../../../src/domain/actors.ts";
import {
  WORKING_ROLE,
  canAct,
  canReassign,
  canRelease,
  canTake,
  canView,
  keepsAssignment,
  visibleServiceIds,
  type RequestAccessFacts,
} from "../../../src/domain/request/access.ts";
import { REQUEST_STATES, TRANSITION_NAMES, decide, type RequestState, type Transition } from "../../../src/domain/request/state.ts";

const STATES = Object.keys(REQUEST_STATES) as RequestState[];
const OWNER = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";

const agent = (agentId: string, role: AgentActor["role"], serviceIds: string[]): AgentActor => ({ kind: "agent", agentId, role, serviceIds, name: agentId });

const A = {
  owner: { kind: "usager", accountId: OWNER } as Actor,
  stranger: { kind: "usager", accountId: OTHER } as Actor,
  systeme: { kind: "systeme" } as Actor,
  imagesA: agent("images-a", "images", ["svc-a"]),
  imagesB: agent("images-b", "images", ["svc-b"]),
  instrA: agent("instr-a", "instruction", ["svc-a"]),
  instrA2: agent("instr-a2", "instruction", ["svc-a"]),
  instrAB: agent("instr-ab", "instruction", ["svc-b", "svc-a"]),
  instrB: agent("instr-b", "instruction", ["svc-b"]),
  admin: agent("admin", "admin", []),
};
type Who = keyof typeof A;

const facts = (state: RequestState, assignedAgentId: string | null = null, serviceId: string | null = "svc-a"): RequestAccessFacts => ({
  accountId: OWNER,
  serviceId: state === "brouillon" ? null : serviceId,
  state,
  assignedAgentId,
});

describe("canView", () => {
  // Who sees a request of service A, in each state (SPEC §1, issue 9 §2).
  const SEES: Record<Who, (s: RequestState) => boolean> = {
    owner: () => true,
    stranger: () => false,
    systeme: () => true,
    imagesA: (s) => s !== "brouillon",
    imagesB: () => false,
    instrA: (s) => s !== "brouillon",
    instrA2: (s) => s !== "brouillon",
    instrAB: (s) => s !== "brouillon",
    instrB: () => false,
    admin: (s) => s !== "brouillon",
  };
  const rows = STATES.flatMap((state) => (Object.keys(A) as Who[]).map((who) => ({ state, who, expected: SEES[who](state) })));

  it.each(rows)("$who sees a request of service A in $state: $expected", ({ state, who, expected }) => {
    expect(canView(A[who], facts(state))).toBe(expected);
  });

  it("a request routed to no service is seen by no agent but an administrator", () => {
    expect(canView(A.instrA, facts("envoyee", null, null))).toBe(false);
    expect(canView(A.imagesA, facts("envoyee", null, null))).toBe(false);
    expect(canView(A.admin, facts("envoyee", null, null))).toBe(true);
  });

  it("a draft is invisible to every agent, administrators included", () => {
    for (const who of ["imagesA", "instrA", "instrAB", "admin"] as const) expect(canView(A[who], { accountId: OWNER, serviceId: "svc-a", state: "brouillon", assignedAgentId: null })).toBe(false);
  });

  it("being assigned does not widen what a user sees", () => {
    expect(canView(A.stranger, facts("en_instruction", OTHER))).toBe(false);
  });
});

describe("visibleServiceIds", () => {
  it.each<{ who: Who; expected: readonly string[] | "all" }>([
    { who: "owner", expected: [] },
    { who: "systeme", expected: "all" },
    { who: "imagesA", expected: ["svc-a"] },
    { who: "instrAB", expected: ["svc-b", "svc-a"] },
    { who: "admin", expected: "all" },
  ])("$who → $expected", ({ who, expected }) => {
    expect(visibleServiceIds(A[who])).toEqual(expected);
  });
});

describe("canTake: « Je prends ce dossier »", () => {
  const TAKES: Record<Who, readonly RequestState[]> = {
    owner: [],
    stranger: [],
    systeme: [],
    imagesA: ["envoyee", "verification_images"],
    imagesB: [],
    instrA: ["en_instruction", "a_completer"],
    instrA2: ["en_instruction", "a_completer"],
    instrAB: ["en_instruction", "a_completer"],
    instrB: [],
    admin: ["envoyee", "verification_images", "en_instruction", "a_completer"],
  };
  const rows = STATES.flatMap((state) => (Object.keys(A) as Who[]).map((who) => ({ state, who, expected: TAKES[who].includes(state) })));

  it.each(rows)("$who takes a free request of service A in $state: $expected", ({ state, who, expected }) => {
    expect(canTake(A[who], facts(state))).toBe(expected);
  });

  it.each(STATES.map((state) => ({ state })))("nobody takes a request someone holds ($state)", ({ state }) => {
    for (const who of Object.keys(A) as Who[]) expect(canTake(A[who], facts(state, "instr-a"))).toBe(false);
  });
});

describe("canRelease and canReassign", () => {
  it.each<{ who: Who; holder: string | null; release: boolean; reassign: boolean }>([
    { who: "instrA", holder: "instr-a", release: true, reassign: false },
    { who: "instrA2", holder: "instr-a", release: false, reassign: false },
    { who: "instrA", holder: null, release: false, reassign: false },
    { who: "instrB", holder: "instr-b", release: false, reassign: false }, // another service's request: not even seen
    { who: "imagesA", holder: "instr-a", release: false, reassign: false },
    { who: "admin", holder: "instr-a", release: true, reassign: true },
    { who: "admin", holder: null, release: false, reassign: true },
    { who: "owner", holder: "instr-a", release: false, reassign: false },
    { who: "systeme", holder: "instr-a", release: false, reassign: false },
  ])("$who on an en_instruction request held by $holder: release $release, reassign $reassign", ({ who, holder, release, reassign }) => {
    expect(canRelease(A[who], facts("en_instruction", holder))).toBe(release);
    expect(canReassign(A[who], facts("en_instruction", holder))).toBe(reassign);
  });

  it.each(STATES.map((state) => ({ state, expected: ["envoyee", "verification_images", "en_instruction", "a_completer"].includes(state) })))(
    "an administrator reassigns a request in $state: $expected",
    ({ state, expected }) => {
      expect(canReassign(A.admin, facts(state, "instr-a"))).toBe(expected);
    },
  );
});

describe("canAct", () => {
  type Row = { who: Who; state: RequestState; transition: Transition; holder: string | null; expected: boolean; why: string };
  const rows: Row[] = [
    // usager: own request only
    { who: "owner", state: "brouillon", transition: "envoyer", holder: null, expected: true, why: "sends their draft" },
    { who: "stranger", state: "brouillon", transition: "envoyer", holder: null, expected: false, why: "not their request" },
    { who: "owner", state: "a_completer", transition: "completer", holder: "instr-a", expected: true, why: "sends back what was asked" },
    { who: "stranger", state: "a_completer", transition: "completer", holder: "instr-a", expected: false, why: "not their request" },
    { who: "owner", state: "en_instruction", transition: "valider", holder: null, expected: false, why: "a user never decides" },
    // images agents
    { who: "imagesA", state: "envoyee", transition: "verifier_images", holder: null, expected: true, why: "taking = starting the check" },
    { who: "imagesA", state: "envoyee", transition: "verifier_images", holder: "images-a", expected: true, why: "already taken by them" },
    { who: "imagesA", state: "envoyee", transition: "verifier_images", holder: "other", expected: false, why: "someone else holds it" },
    { who: "imagesB", state: "envoyee", transition: "verifier_images", holder: null, expected: false, why: "other service" },
    { who: "imagesA", state: "verification_images", transition: "accepter_images", holder: "images-a", expected: true, why: "holds it" },
    { who: "imagesA", state: "verification_images", transition: "rejeter_images", holder: "images-a", expected: true, why: "holds it" },
    { who: "imagesA", state: "verification_images", transition: "accepter_images", holder: null, expected: false, why: "must take it first" },
    { who: "imagesA", state: "verification_images", transition: "accepter_images", holder: "other", expected: false, why: "another agent holds it" },
    { who: "imagesA", state: "en_instruction", transition: "valider", holder: "images-a", expected: false, why: "an image agent cannot instruct" },
    { who: "imagesA", state: "en_instruction", transition: "demander_complement", holder: "images-a", expected: false, why: "an image agent cannot instruct" },
    { who: "imagesA", state: "en_instruction", transition: "rejeter", holder: "images-a", expected: false, why: "an image agent cannot instruct" },
    // instruction agents
    { who: "instrA", state: "en_instruction", transition: "valider", holder: "instr-a", expected: true, why: "holds it" },
    { who: "instrA", state: "en_instruction", transition: "rejeter", holder: "instr-a", expected: true, why: "holds it" },
    { who: "instrA", state: "en_instruction", transition: "demander_complement", holder: "instr-a", expected: true, why: "holds it" },
    { who: "instrAB", state: "en_instruction", transition: "valider", holder: "instr-ab", expected: true, why: "one of their services" },
    { who: "instrA2", state: "en_instruction", transition: "valider", holder: "instr-a", expected: false, why: "a colleague holds it" },
    { who: "instrA", state: "en_instruction", transition: "valider", holder: null, expected: false, why: "must take it first" },
    { who: "instrB", state: "en_instruction", transition: "valider", holder: "instr-b", expected: false, why: "other service, even if assigned" },
    { who: "instrA", state: "verification_images", transition: "accepter_images", holder: "instr-a", expected: false, why: "an instruction agent does not check images" },
    { who: "instrA", state: "envoyee", transition: "verifier_images", holder: null, expected: false, why: "an instruction agent does not check images" },
    { who: "instrA", state: "validee", transition: "valider", holder: "instr-a", expected: false, why: "already decided" },
    { who: "instrA", state: "a_completer", transition: "completer", holder: "instr-a", expected: false, why: "only the user sends back" },
    // administrator: any role, any service, held or not
    { who: "admin", state: "envoyee", transition: "verifier_images", holder: "images-a", expected: true, why: "administrator" },
    { who: "admin", state: "verification_images", transition: "rejeter_images", holder: null, expected: true, why: "administrator" },
    { who: "admin", state: "en_instruction", transition: "valider", holder: "instr-a", expected: true, why: "administrator" },
    { who: "admin", state: "brouillon", transition: "envoyer", holder: null, expected: false, why: "a draft is the user's" },
    { who: "admin", state: "rejet_images", transition: "accepter_images", holder: null, expected: false, why: "already decided" },
    // system
    { who: "systeme", state: "envoyee", transition: "verifier_images", holder: null, expected: false, why: "the system moves nothing" },
  ];

  it.each(rows)("$who, $state --$transition--> (held by $holder): $expected — $why", ({ who, state, transition, holder, expected }) => {
    expect(canAct(A[who], facts(state, holder), transition)).toBe(expected);
  });

  it("never allows what the state machine refuses, nor what the actor cannot see", () => {
    for (const who of Object.keys(A) as Who[]) {
      for (const state of STATES) {
        for (const holder of [null, "instr-a", "images-a", "admin"]) {
          const r = facts(state, holder);
          for (const t of TRANSITION_NAMES) {
            if (canAct(A[who], r, t)) {
              expect(decide(state, t, A[who]).ok).toBe(true);
              expect(canView(A[who], r)).toBe(true);
            }
          }
        }
      }
    }
  });
});

describe("assignment across moves", () => {
  it.each<{ state: RequestState; role: string | null }>([
    { state: "brouillon", role: null },
    { state: "envoyee", role: "images" },
    { state: "verification_images", role: "images" },
    { state: "en_instruction", role: "instruction" },
    { state: "a_completer", role: "instruction" },
    { state: "rejet_images", role: null },
    { state: "rejet_instruction", role: null },
    { state: "validee", role: null },
  ])("$state is worked on by $role", ({ state, role }) => {
    expect(WORKING_ROLE[state]).toBe(role);
  });

  it.each<{ from: RequestState; to: RequestState; keeps: boolean }>([
    { from: "envoyee", to: "verification_images", keeps: true },
    { from: "verification_images", to: "en_instruction", keeps: false },
    { from: "verification_images", to: "rejet_images", keeps: false },
    { from: "en_instruction", to: "a_completer", keeps: true },
    { from: "a_completer", to: "en_instruction", keeps: true },
    { from: "en_instruction", to: "rejet_instruction", keeps: false },
    { from: "en_instruction", to: "validee", keeps: false },
  ])("$from → $to keeps the holder: $keeps", ({ from, to, keeps }) => {
    expect(keepsAssignment(from, to)).toBe(keeps);
  });
});
