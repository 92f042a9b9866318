import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Executor } from "../../src/db/client.ts";
import { insertAccount } from "../../src/db/repositories/accounts.ts";
import { freezeForSending, insertRequest } from "../../src/db/repositories/requests.ts";
import { agents, agentServices, auditLog, completionItems, instructionServices, requestEvents, requests } from "../../src/db/schema.ts";
import type { Actor, AgentActor, AgentRole } from "../../src/domain/actors.ts";
import { isNeph } from "../../src/domain/request/neph.ts";
import type { RequestState, Transition } from "../../src/domain/request/state.ts";
import { history, RequestTransitions, STALE_MESSAGE, type RequestEffects, type TransitionDetails } from "../../src/services/requests/transition.ts";
import { ManualClock } from "../helpers/clock.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";

/** transition(): the one way a request changes state (issue 9 §1), on PGlite and PostgreSQL. */

let db: TestDatabase;
const clock = new ManualClock(new Date("2026-11-20T09:00:00Z"));
const queued: Array<{ requestId: string; transition: Transition }> = [];
const effects: RequestEffects = {
  async queueTransition(_tx: Executor, args: { requestId: string; transition: Transition; now: Date }) {
    queued.push({ requestId: args.requestId, transition: args.transition });
  },
  kick() {},
};
const life = new RequestTransitions(clock, effects);

let accountId: string;
let otherAccountId: string;
const staff = {} as Record<"imagesA" | "imagesA2" | "instructionA" | "instructionA2" | "instructionB" | "admin", AgentActor>;

async function agent(label: string, role: AgentRole, serviceIds: string[]): Promise<AgentActor> {
  const [row] = await db.db.insert(agents).values({ email: `${label.toLowerCase()}@interieur.gouv.fr`, givenName: label, familyName: "Agent", role }).returning();
  for (const serviceId of serviceIds) await db.db.insert(agentServices).values({ agentId: row!.id, serviceId });
  return { kind: "agent", agentId: row!.id, role, serviceIds, name: `${label} Agent` };
}

beforeAll(async () => {
  db = await testDatabase();
  await db.db.insert(instructionServices).values([
    { id: "cert-a", name: "CERT A" },
    { id: "cert-b", name: "CERT B" },
  ]);
  const account = await insertAccount(db.db, { kind: "particulier", status: "active", familyName: "Dupont", givenName: "Sylvie", email: "sylvie@example.fr" });
  const other = await insertAccount(db.db, { kind: "particulier", status: "active", familyName: "Martin", givenName: "Paul", email: "paul@example.fr" });
  accountId = account.id;
  otherAccountId = other.id;
  staff.imagesA = await agent("Ines", "images", ["cert-a"]);
  staff.imagesA2 = await agent("Ivan", "images", ["cert-a"]);
  staff.instructionA = await agent("Ilse", "instruction", ["cert-a"]);
  staff.instructionA2 = await agent("Igor", "instruction", ["cert-a"]);
  staff.instructionB = await agent("Iris", "instruction", ["cert-b"]);
  staff.admin = await agent("Ada", "admin", []);
});
afterAll(() => db.dispose());

const usager = (): Actor => ({ kind: "usager", accountId });

/** A draft frozen as sending would (number, service A), still "brouillon": sending's transition comes next. */
async function frozenDraft(motif = "fabrication.perte"): Promise<string> {
  const row = await insertRequest(db.db, { accountId, motif, data: {}, now: clock.now() });
  const number = `PC-2026-${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const frozen = { version: 1, number, sentAt: clock.now().toISOString(), motifId: motif, content: { beneficiaire: "moi", adresse: { email: "sylvie@example.fr", consentement: true } } };
  await freezeForSending(db.db, row.id, { frozen, number, now: clock.now(), prefectureId: "75-paris", serviceId: "cert-a", searchName: "DUPONT" });
  return row.id;
}

async function rowOf(id: string) {
  const [row] = await db.db.select().from(requests).where(eq(requests.id, id));
  return row!;
}

async function eventsOf(id: string) {
  return db.db.select().from(requestEvents).where(eq(requestEvents.requestId, id)).orderBy(requestEvents.id);
}

async function auditCount(): Promise<number> {
  const [row] = await db.db.select({ n: count() }).from(auditLog);
  return Number(row!.n);
}

function act(id: string, name: Transition, actor: Actor, details: TransitionDetails = {}) {
  return db.db.transaction((tx) => life.transition(tx, id, name, actor, details));
}

/** "Je prends ce dossier" for the instruction (an assignment, not a state change: the back-office's own update). */
async function take(id: string, who: AgentActor): Promise<void> {
  await db.db.update(requests).set({ assignedAgentId: who.agentId, assignedAt: clock.now() }).where(eq(requests.id, id));
}

const REJECT_IMAGES = { motive: "photo_floue", message: "La photo est floue, refaites-la." };
const REJECT = { motive: "conditions_age", message: "Vous n'avez pas l'âge requis." };
const COMPLEMENT = { items: [{ item: "identite", reason: "La pièce d'identité est expirée." }, { item: "etape-3", reason: "L'adresse est incomplète." }] };

/** A transition by someone, or "take": an agent takes the request for the instruction. */
type Step = [Transition | "take", keyof typeof staff | "usager", TransitionDetails?];

/** Histories through the machine: every step is one allowed transition. */
const PATHS: Array<{ name: string; motif?: string; steps: Step[]; end: RequestState }> = [
  {
    name: "images rejected",
    steps: [["envoyer", "usager"], ["verifier_images", "imagesA"], ["rejeter_images", "imagesA", REJECT_IMAGES]],
    end: "rejet_images",
  },
  {
    name: "completed then validated",
    motif: "inscription.premier_permis",
    steps: [
      ["envoyer", "usager"],
      ["verifier_images", "imagesA"],
      ["accepter_images", "imagesA"],
      ["take", "instructionA"],
      ["demander_complement", "instructionA", COMPLEMENT],
      ["completer", "usager"],
      ["valider", "instructionA"],
    ],
    end: "validee",
  },
  {
    name: "rejected by the instruction (an administrator acting for both roles)",
    steps: [["envoyer", "usager"], ["verifier_images", "admin"], ["accepter_images", "admin"], ["rejeter", "admin", REJECT]],
    end: "rejet_instruction",
  },
];

describe("transition(): allowed transitions", () => {
  for (const path of PATHS) {
    it(`${path.name}: each step writes one event, raises the version, and ends « ${path.end} »`, async () => {
      const id = await frozenDraft(path.motif);
      for (const [name, who, details] of path.steps) {
        if (name === "take") {
          await take(id, staff[who as keyof typeof staff]);
          continue;
        }
        const actor = who === "usager" ? usager() : staff[who as keyof typeof staff];
        const before = await rowOf(id);
        const eventsBefore = (await eventsOf(id)).length;
        const auditBefore = await auditCount();
        clock.advance(60_000);
        const outcome = await act(id, name, actor, { ...details, version: before.version });
        expect(outcome, `${name} by ${who}`).toMatchObject({ kind: "done", version: before.version + 1 });
        const after = await rowOf(id);
        expect(after.version).toBe(before.version + 1);
        expect(after.stateChangedAt).toEqual(clock.now());
        const events = await eventsOf(id);
        expect(events).toHaveLength(eventsBefore + 1);
        const event = events.at(-1)!;
        expect(event).toMatchObject({ transition: name, fromState: before.state, toState: after.state, motive: details?.motive ?? null });
        if (outcome.kind === "done") expect(event.id).toBe(outcome.eventId);
        // Agents' actions, and only theirs, are in the audit log, without personal data.
        expect(await auditCount()).toBe(auditBefore + (actor.kind === "agent" ? 1 : 0));
        if (actor.kind === "agent") {
          const [audit] = await db.db.select().from(auditLog).orderBy(sql`${auditLog.id} desc`).limit(1);
          expect(audit).toMatchObject({ agentId: actor.agentId, action: name, requestId: id, requestNumber: after.number, fromState: before.state, toState: after.state, motive: details?.motive ?? null });
          expect(JSON.stringify(audit)).not.toMatch(/Dupont|Sylvie|sylvie@|DUPONT|refaites|requis|expirée|incomplète/);
        }
        expect(queued.at(-1)).toEqual({ requestId: id, transition: name });
      }
      const end = await rowOf(id);
      expect(end.state).toBe(path.end);
      expect(end.decidedAt).toEqual(end.stateChangedAt);
      expect(end.assignedAgentId).toBeNull();
      // The history, with the agents' names.
      const entries = await history(db.db, id);
      expect(entries.map((e) => e.transition)).toEqual(path.steps.map(([n]) => n).filter((n) => n !== "take"));
      for (const [i, e] of entries.entries()) {
        const who = path.steps.filter(([n]) => n !== "take")[i]![1];
        expect(e.agentName).toBe(who === "usager" ? undefined : staff[who as keyof typeof staff].name);
        expect(e.actorKind).toBe(who === "usager" ? "usager" : who === "admin" ? "admin" : "agent");
      }
    });
  }

  it("« A compléter » keeps the agent's items and words; « Renvoyer » resolves them and keeps the request with its agent", async () => {
    const id = await frozenDraft();
    await act(id, "envoyer", usager());
    await act(id, "verifier_images", staff.imagesA);
    expect((await rowOf(id)).assignedAgentId).toBe(staff.imagesA.agentId);
    await act(id, "accepter_images", staff.imagesA);
    expect((await rowOf(id)).assignedAgentId).toBeNull();
    await take(id, staff.instructionA);
    const asked = await act(id, "demander_complement", staff.instructionA, { ...COMPLEMENT, message: "  Merci de compléter.  " });
    expect(asked.kind).toBe("done");
    const items = await db.db.select().from(completionItems).where(eq(completionItems.requestId, id)).orderBy(completionItems.id);
    expect(items.map((i) => [i.item, i.reason, i.resolvedAt])).toEqual([
      ["identite", "La pièce d'identité est expirée.", null],
      ["etape-3", "L'adresse est incomplète.", null],
    ]);
    expect(items.every((i) => asked.kind === "done" && i.eventId === asked.eventId)).toBe(true);
    const [event] = (await eventsOf(id)).slice(-1);
    expect(event!.message).toBe("Merci de compléter.");
    expect(event!.details).toEqual({ items: COMPLEMENT.items });
    expect((await rowOf(id)).assignedAgentId).toBe(staff.instructionA.agentId);
    // Only the owner sends it back.
    expect(await act(id, "completer", { kind: "usager", accountId: otherAccountId })).toEqual({ kind: "not_found" });
    expect((await act(id, "completer", usager())).kind).toBe("done");
    const resolved = await db.db.select().from(completionItems).where(eq(completionItems.requestId, id));
    expect(resolved.every((i) => i.resolvedAt !== null)).toBe(true);
    expect((await eventsOf(id)).at(-1)!.details).toEqual({ resolved: [{ item: "identite", changed: false }, { item: "etape-3", changed: false }] });
    const back = await rowOf(id);
    expect(back.state).toBe("en_instruction");
    expect(back.assignedAgentId).toBe(staff.instructionA.agentId);
    expect(back.decidedAt).toBeNull();
  });
});

describe("transition(): refusals change nothing", () => {
  /** A request in `state`, reached through the machine, held by `holder` when given. */
  async function requestIn(state: "brouillon" | "envoyee" | "verification_images" | "en_instruction" | "a_completer" | "validee"): Promise<string> {
    const id = await frozenDraft();
    if (state === "brouillon") return id;
    await act(id, "envoyer", usager());
    if (state === "envoyee") return id;
    await act(id, "verifier_images", staff.imagesA);
    if (state === "verification_images") return id;
    await act(id, "accepter_images", staff.imagesA);
    await take(id, staff.instructionA);
    if (state === "en_instruction") return id;
    if (state === "validee") {
      await act(id, "valider", staff.instructionA);
      return id;
    }
    await act(id, "demander_complement", staff.instructionA, COMPLEMENT);
    return id;
  }

  const CASES: Array<{ name: string; state: Parameters<typeof requestIn>[0]; transition: Transition; actor: () => Actor; details?: TransitionDetails; outcome: "refused" | "not_found" }> = [
    { name: "a user validating", state: "en_instruction", transition: "valider", actor: usager, outcome: "refused" },
    { name: "an images agent validating", state: "en_instruction", transition: "valider", actor: () => staff.imagesA, outcome: "refused" },
    { name: "an instruction agent who does not hold it", state: "en_instruction", transition: "valider", actor: () => staff.instructionA2, outcome: "refused" },
    { name: "an agent of another service", state: "en_instruction", transition: "valider", actor: () => staff.instructionB, outcome: "not_found" },
    { name: "an agent on a draft", state: "brouillon", transition: "envoyer", actor: () => staff.admin, outcome: "not_found" },
    { name: "another account sending", state: "brouillon", transition: "envoyer", actor: () => ({ kind: "usager", accountId: otherAccountId }), outcome: "not_found" },
    { name: "sending twice", state: "envoyee", transition: "envoyer", actor: usager, outcome: "refused" },
    { name: "a second images agent taking a taken request", state: "verification_images", transition: "verifier_images", actor: () => staff.imagesA2, outcome: "refused" },
    { name: "the holder accepting images again", state: "en_instruction", transition: "accepter_images", actor: () => staff.imagesA, outcome: "refused" },
    { name: "rejecting images without a motive", state: "verification_images", transition: "rejeter_images", actor: () => staff.imagesA, outcome: "refused" },
    { name: "rejecting images with an instruction motive", state: "verification_images", transition: "rejeter_images", actor: () => staff.imagesA, details: { motive: "conditions_age" }, outcome: "refused" },
    { name: "rejecting with an unknown motive", state: "en_instruction", transition: "rejeter", actor: () => staff.instructionA, details: { motive: "nope" }, outcome: "refused" },
    { name: "a message beyond 2000 characters", state: "en_instruction", transition: "rejeter", actor: () => staff.instructionA, details: { ...REJECT, message: "x".repeat(2001) }, outcome: "refused" },
    { name: "« A compléter » without items", state: "en_instruction", transition: "demander_complement", actor: () => staff.instructionA, outcome: "refused" },
    { name: "« A compléter » with an unknown item", state: "en_instruction", transition: "demander_complement", actor: () => staff.instructionA, details: { items: [{ item: "etape-9", reason: "?" }] }, outcome: "refused" },
    { name: "« A compléter » with an empty reason", state: "en_instruction", transition: "demander_complement", actor: () => staff.instructionA, details: { items: [{ item: "identite", reason: "  " }] }, outcome: "refused" },
    { name: "« A compléter » with a repeated item", state: "en_instruction", transition: "demander_complement", actor: () => staff.instructionA, details: { items: [{ item: "identite", reason: "a" }, { item: "identite", reason: "b" }] }, outcome: "refused" },
    { name: "a user sending back a request not « A compléter »", state: "en_instruction", transition: "completer", actor: usager, outcome: "refused" },
    { name: "validating a validated request", state: "validee", transition: "valider", actor: () => staff.admin, outcome: "refused" },
    { name: "the system (no transition is its own)", state: "envoyee", transition: "verifier_images", actor: () => ({ kind: "systeme" }), outcome: "refused" },
  ];

  for (const c of CASES) {
    it(`refuses ${c.name} (${c.outcome})`, async () => {
      const id = await requestIn(c.state);
      const before = await rowOf(id);
      const events = (await eventsOf(id)).length;
      const audit = await auditCount();
      const effectsBefore = queued.length;
      const [items] = await db.db.select({ n: count() }).from(completionItems).where(eq(completionItems.requestId, id));
      expect(await act(id, c.transition, c.actor(), c.details)).toEqual({ kind: c.outcome });
      expect(await rowOf(id)).toEqual(before);
      expect(await eventsOf(id)).toHaveLength(events);
      expect(await auditCount()).toBe(audit);
      expect(queued.length).toBe(effectsBefore);
      const [itemsAfter] = await db.db.select({ n: count() }).from(completionItems).where(eq(completionItems.requestId, id));
      expect(itemsAfter!.n).toBe(items!.n);
    });
  }

  it("answers not_found for an unknown or malformed id", async () => {
    expect(await act(randomUUID(), "valider", staff.admin)).toEqual({ kind: "not_found" });
    expect(await act("not-a-uuid", "valider", staff.admin)).toEqual({ kind: "not_found" });
  });
});

describe("transition(): optimistic versions", () => {
  it("refuses a stale version and overwrites nothing", async () => {
    const id = await frozenDraft();
    await act(id, "envoyer", usager());
    const shown = await rowOf(id);
    // Meanwhile an administrator moves it on.
    expect((await act(id, "verifier_images", staff.admin, { version: shown.version })).kind).toBe("done");
    const moved = await rowOf(id);
    const events = (await eventsOf(id)).length;
    expect(await act(id, "rejeter_images", staff.admin, { ...REJECT_IMAGES, version: shown.version })).toEqual({ kind: "stale" });
    expect(await rowOf(id)).toEqual(moved);
    expect(await eventsOf(id)).toHaveLength(events);
    expect(STALE_MESSAGE).toBe("Ce dossier a été modifié entre-temps");
  });

  it("lets exactly one of two agents taking the same request at once win", async () => {
    for (let round = 0; round < 3; round++) {
      const id = await frozenDraft();
      await act(id, "envoyer", usager());
      const { version } = await rowOf(id);
      const outcomes = await Promise.all([act(id, "verifier_images", staff.imagesA, { version }), act(id, "verifier_images", staff.imagesA2, { version })]);
      expect(outcomes.filter((o) => o.kind === "done")).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === "stale")).toHaveLength(1);
      const row = await rowOf(id);
      expect(row.version).toBe(version + 1);
      const winner = outcomes[0]!.kind === "done" ? staff.imagesA : staff.imagesA2;
      expect(row.assignedAgentId).toBe(winner.agentId);
      expect((await eventsOf(id)).filter((e) => e.transition === "verifier_images")).toHaveLength(1);
    }
  });

  it("lets exactly one of two different decisions from the same version win", async () => {
    const id = await frozenDraft();
    await act(id, "envoyer", usager());
    await act(id, "verifier_images", staff.admin);
    const { version } = await rowOf(id);
    const outcomes = await Promise.all([act(id, "accepter_images", staff.admin, { version }), act(id, "rejeter_images", staff.admin, { ...REJECT_IMAGES, version })]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["done", "stale"]);
    expect((await eventsOf(id)).filter((e) => e.fromState === "verification_images")).toHaveLength(1);
  });
});

/** The database's own message of a failed query (drizzle wraps it). */
async function failure(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    const e = error as Error & { cause?: Error };
    return e.cause?.message ?? e.message;
  }
  return "no error";
}

describe("the database guards", () => {
  it("refuses a state outside the 8 by its CHECK constraint", async () => {
    const id = await frozenDraft();
    await expect(db.db.execute(sql`update requests set state = 'archivee' where id = ${id}`)).rejects.toThrow();
    expect((await rowOf(id)).state).toBe("brouillon");
  });

  it("keeps the audit log append-only: UPDATE and DELETE raise", async () => {
    const id = await frozenDraft();
    await act(id, "envoyer", usager());
    await act(id, "verifier_images", staff.imagesA);
    const before = await auditCount();
    expect(before).toBeGreaterThan(0);
    expect(await failure(db.db.execute(sql`update audit_log set motive = 'x' where request_id = ${id}`))).toMatch(/audit_log is append-only/);
    expect(await failure(db.db.execute(sql`delete from audit_log where request_id = ${id}`))).toMatch(/audit_log is append-only/);
    expect(await auditCount()).toBe(before);
    // Deleting the request (6 months) keeps its audit entries.
    await db.db.delete(requests).where(eq(requests.id, id));
    const [kept] = await db.db.select({ n: count() }).from(auditLog).where(eq(auditLog.requestId, id));
    expect(kept!.n).toBe(1);
  });
});

describe("NEPH", () => {
  async function validated(motif: string): Promise<string> {
    const id = await frozenDraft(motif);
    await act(id, "envoyer", usager());
    await act(id, "verifier_images", staff.admin);
    await act(id, "accepter_images", staff.admin);
    const outcome = await act(id, "valider", staff.admin);
    expect(outcome.kind).toBe("done");
    return id;
  }

  it("gives a validated inscription one unique 12-digit NEPH, and only inscriptions", async () => {
    const ids = await Promise.all([validated("inscription.premier_permis"), validated("inscription.ajout_categories"), validated("inscription.premier_permis")]);
    const nephs = await Promise.all(ids.map(async (id) => (await rowOf(id)).neph));
    for (const n of nephs) expect(isNeph(n!), n!).toBe(true);
    expect(new Set(nephs).size).toBe(3);
    expect((await eventsOf(ids[0]!)).at(-1)!.details).toEqual({ neph: nephs[0] });
    expect((await rowOf(await validated("fabrication.perte"))).neph).toBeNull();
  });

  it("assigns it once: a second validation is refused and the NEPH stays", async () => {
    const id = await validated("inscription.premier_permis");
    const { neph } = await rowOf(id);
    expect(await act(id, "valider", staff.admin)).toEqual({ kind: "refused" });
    expect((await rowOf(id)).neph).toBe(neph);
    // The unique index refuses a copy.
    const other = await validated("inscription.premier_permis");
    await expect(db.db.execute(sql`update requests set neph = ${neph} where id = ${other}`)).rejects.toThrow();
  });
});

describe("one way to change a state", () => {
  it("has exactly one write of requests.state in src/: the repository's applyTransition, called by transition() only", async () => {
    const root = new URL("../../src/", import.meta.url);
    const files = (await readdir(root, { recursive: true })).filter((f) => /\.tsx?$/.test(f));
    const writes: string[] = [];
    const callers: string[] = [];
    for (const file of files) {
      const text = await readFile(new URL(file, root), "utf8");
      // Drizzle: .update(requests).set({ … state … }) up to its .where(; raw SQL: UPDATE requests SET … state =.
      for (const m of text.matchAll(/\.update\(requests\)([\s\S]*?)\.where\(/g)) if (/\bstate\b/.test(m[1]!)) writes.push(file);
      if (/update\s+"?requests"?\s+set[^;`]*\bstate\s*=/i.test(text)) writes.push(`${file} (SQL)`);
      if (/\bapplyTransition\(/.test(text) && !file.endsWith("db/repositories/requests.ts")) callers.push(file);
    }
    expect(writes).toEqual(["db/repositories/requests.ts"]);
    expect(callers).toEqual(["services/requests/transition.ts"]);
  });
});
