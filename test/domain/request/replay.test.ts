import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../../src/domain/actors.ts";
import { canAct, canReassign, canRelease, canTake, canView, keepsAssignment, mayHold, type RequestAccessFacts } from "../../../src/domain/request/access.ts";
import { motifInfo } from "../../../src/domain/request/motifs.ts";
import { MOTIVE_MESSAGE_MAX_LENGTH, isMotive } from "../../../src/domain/request/motives.ts";
import { formatNeph, isNeph } from "../../../src/domain/request/neph.ts";
import { durationDays, summarise } from "../../../src/domain/request/processing-times.ts";
import { TRANSITIONS, decide, isFinal, isRequestState, userActions, type RequestState, type Transition } from "../../../src/domain/request/state.ts";

/**
 * Real-looking histories (test/fixtures/histories/*.json) replayed through the pure machine and
 * the access policy, as the request service applies them: a refused step changes nothing.
 */
type Reason = "acces" | "etat" | "acteur" | "attribution";
type Step = { at: string; actor: string } & (
  | { transition: Transition; motive?: string; message?: string; items?: { item: string; reason: string }[] }
  | { action: "prendre" | "liberer" }
  | { action: "reassigner"; to: string }
);
interface History {
  description: string;
  request: { number: string; motif: string; accountId: string; serviceId: string };
  actors: Record<string, Actor>;
  steps: Step[];
  expected: { state: RequestState; refused?: { index: number; reason: Reason }[]; daysToDecision?: number; userActions?: string[]; neph?: { serial: number; value: string } };
}

const DIR = new URL("../../fixtures/histories/", import.meta.url);
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();
const load = (file: string) => JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as History;

interface Replayed {
  state: RequestState;
  assignedAgentId: string | null;
  refused: { index: number; reason: Reason }[];
  sentAt?: string;
  decidedAt?: string;
}

function replay(h: History): Replayed {
  const r: RequestAccessFacts = { accountId: h.request.accountId, serviceId: null, state: "brouillon", assignedAgentId: null };
  const out: Replayed = { state: r.state, assignedAgentId: null, refused: [] };
  h.steps.forEach((step, index) => {
    const actor = h.actors[step.actor];
    if (!actor) throw new Error(`step ${index}: unknown actor ${step.actor}`);
    const refuse = (reason: Reason) => out.refused.push({ index, reason });
    if (!canView(actor, r)) return refuse("acces");
    if ("transition" in step) {
      const d = decide(r.state, step.transition, actor);
      if (!d.ok) return refuse(d.reason);
      if (!canAct(actor, r, step.transition)) return refuse("attribution");
      checkDetails(step, index);
      const from = r.state;
      r.state = d.to;
      if (step.transition === "envoyer") {
        r.serviceId = h.request.serviceId; // routed at sending
        out.sentAt = step.at;
      }
      if (step.transition === "verifier_images" && actor.kind === "agent") r.assignedAgentId = actor.agentId; // taking = starting the check
      else if (!keepsAssignment(from, d.to)) r.assignedAgentId = null;
      if (isFinal(d.to)) out.decidedAt = step.at;
      return;
    }
    if (actor.kind !== "agent") throw new Error(`step ${index}: only agents ${step.action}`);
    switch (step.action) {
      case "prendre":
        if (!canTake(actor, r)) return refuse("attribution");
        r.assignedAgentId = actor.agentId;
        return;
      case "liberer":
        if (!canRelease(actor, r)) return refuse("attribution");
        r.assignedAgentId = null;
        return;
      case "reassigner": {
        const target = h.actors[step.to];
        if (!canReassign(actor, r) || target?.kind !== "agent" || !mayHold(target, r)) return refuse("attribution");
        r.assignedAgentId = target.agentId;
        return;
      }
    }
  });
  out.state = r.state;
  out.assignedAgentId = r.assignedAgentId;
  return out;
}

/** What a transition must carry (the service's checks): a motive from the right list and a bounded message; pieces with reasons. */
function checkDetails(step: Extract<Step, { transition: Transition }>, index: number): void {
  const rule = TRANSITIONS[step.transition];
  if (rule.motive) {
    const kind = step.transition === "rejeter_images" ? "images" : "instruction";
    expect(step.motive !== undefined && isMotive(kind, step.motive), `step ${index}: motive ${step.motive}`).toBe(true);
    expect(step.message?.length ?? 0, `step ${index}: message`).toBeGreaterThan(0);
    expect(step.message!.length).toBeLessThanOrEqual(MOTIVE_MESSAGE_MAX_LENGTH);
  } else expect(step.motive, `step ${index}: no motive for ${step.transition}`).toBeUndefined();
  if (step.transition === "demander_complement") {
    expect(step.items?.length ?? 0, `step ${index}: pieces to complete`).toBeGreaterThan(0);
    for (const item of step.items ?? []) expect(item.reason.trim()).not.toBe("");
  } else expect(step.items).toBeUndefined();
}

describe("replayed histories", () => {
  it("there are fixtures covering every transition, and every kind of refusal", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(5);
    const histories = FILES.map(load);
    const used = new Set(histories.flatMap((h) => h.steps.flatMap((s) => ("transition" in s ? [s.transition] : []))));
    expect([...used].sort()).toEqual(Object.keys(TRANSITIONS).sort());
    const reasons = new Set(histories.flatMap((h) => (h.expected.refused ?? []).map((r) => r.reason)));
    expect([...reasons].sort()).toEqual(["acces", "acteur", "attribution", "etat"]);
  });

  describe.each(FILES.map((file) => ({ file })))("$file", ({ file }) => {
    const h = load(file);

    it("is a well-formed, real-looking history", () => {
      expect(h.description.length).toBeGreaterThan(10);
      expect(h.request.number).toMatch(/^PC-\d{4}-\d{7}$/);
      expect(motifInfo(h.request.motif), h.request.motif).toBeDefined();
      expect(isRequestState(h.expected.state)).toBe(true);
      const times = h.steps.map((s) => new Date(s.at).getTime());
      for (const [i, t] of times.entries()) {
        expect(new Date(t).toISOString()).toBe(h.steps[i]!.at);
        if (i > 0) expect(t, `step ${i} after step ${i - 1}`).toBeGreaterThan(times[i - 1]!);
      }
    });

    it(`ends in ${h.expected.state}, refusing exactly the expected steps`, () => {
      const result = replay(h);
      expect(result.refused).toEqual(h.expected.refused ?? []);
      expect(result.state).toBe(h.expected.state);
      if (h.expected.userActions) expect(userActions(result.state)).toEqual(h.expected.userActions);
      if (isFinal(result.state)) expect(result.assignedAgentId).toBeNull();
    });

    if (h.expected.daysToDecision !== undefined) it("from « Envoyée » to the decision: the expected number of days", () => {
      const result = replay(h);
      expect(durationDays(new Date(result.sentAt!), new Date(result.decidedAt!))).toBeCloseTo(h.expected.daysToDecision!, 2);
    });

    if (h.expected.neph !== undefined) it("an inscription validated gets its NEPH (year of validation + serial)", () => {
      const validated = h.steps.find((s) => "transition" in s && s.transition === "valider")!;
      const neph = formatNeph(h.expected.neph!.serial, new Date(validated.at));
      expect(neph).toBe(h.expected.neph!.value);
      expect(isNeph(neph)).toBe(true);
      expect(motifInfo(h.request.motif)?.group).toBe("inscription");
    });
  });

  it("the decided histories give processing times (nearest rank)", () => {
    const days = FILES.map(load)
      .map(replay)
      .filter((r) => r.decidedAt !== undefined)
      .map((r) => durationDays(new Date(r.sentAt!), new Date(r.decidedAt!)));
    expect(days.length).toBeGreaterThanOrEqual(4);
    const s = summarise(days);
    expect(s.count).toBe(days.length);
    expect(s.median).toBe([...days].sort((a, b) => a - b)[Math.ceil(days.length / 2) - 1]);
    expect(s.p90).toBe(Math.max(...days));
  });
});
