import type { Executor } from "../../db/client.ts";
import { appendAudit } from "../../db/repositories/audit.ts";
import { insertCompletionItems, insertEvent, listEventsWithAgents, resolveCompletionItems } from "../../db/repositories/request-events.ts";
import { applyTransition, lockRequest, nextNephSerial } from "../../db/repositories/requests.ts";
import type { Actor } from "../../domain/actors.ts";
import { canAct, canView, keepsAssignment, type RequestAccessFacts } from "../../domain/request/access.ts";
import { motifInfo } from "../../domain/request/motifs.ts";
import { isMotive, MOTIVE_MESSAGE_MAX_LENGTH, type MotiveKind } from "../../domain/request/motives.ts";
import { formatNeph } from "../../domain/request/neph.ts";
import { isPieceId } from "../../domain/request/pieces.ts";
import { decide, isFinal, isRequestState, TRANSITIONS, type RequestState, type Transition } from "../../domain/request/state.ts";
import type { Clock } from "../clock.ts";

/** Told to an actor whose action was based on a request that moved since it was shown. */
export const STALE_MESSAGE = "Ce dossier a été modifié entre-temps";

/** What an action carries besides its name. */
export interface TransitionDetails {
  /** The request's version the actor was shown (optimistic check): another one is refused as stale. */
  version?: number | undefined;
  /** A motive code (src/domain/request/motives.ts), required by the rejections. */
  motive?: string | undefined;
  /** The agent's message to the user. */
  message?: string | undefined;
  /** "A compléter": the pieces (piece ids) or sections ("etape-1"…"etape-4") to redo, each with why. */
  items?: ReadonlyArray<{ item: string; reason: string }> | undefined;
}

export type TransitionOutcome =
  | { kind: "done"; state: RequestState; version: number; eventId: number; neph?: string | undefined }
  | { kind: "not_found" }
  | { kind: "stale" }
  | { kind: "refused" };

/**
 * The effects of a state change (mails, SMS, in-app notices), queued in the same transaction:
 * src/services/notify.ts's Notifier. `kick()` after the commit.
 */
export interface RequestEffects {
  queueTransition(tx: Executor, args: { requestId: string; transition: Transition; now: Date }): Promise<unknown>;
  kick(): void;
}

/** Bounds on what an action carries (every input bounded). */
export const MAX_COMPLETION_ITEMS = 40;
const ITEM_PATTERN = /^etape-[1-4]$/;

/** The motive list a rejection draws from. */
const MOTIVE_KIND: Partial<Record<Transition, MotiveKind>> = { rejeter_images: "images", rejeter: "instruction" };

/** Whether the details suit the transition: a known motive for a rejection, items for "A compléter", bounded texts. */
function validDetails(name: Transition, details: TransitionDetails): boolean {
  if (details.message !== undefined && details.message.length > MOTIVE_MESSAGE_MAX_LENGTH) return false;
  const motiveKind = MOTIVE_KIND[name];
  if (TRANSITIONS[name].motive) {
    if (!motiveKind || !details.motive || !isMotive(motiveKind, details.motive)) return false;
  } else if (details.motive !== undefined) return false;
  if (name === "demander_complement") {
    const items = details.items ?? [];
    if (items.length === 0 || items.length > MAX_COMPLETION_ITEMS) return false;
    if (new Set(items.map((i) => i.item)).size !== items.length) return false;
    for (const i of items) {
      if (!(isPieceId(i.item) || ITEM_PATTERN.test(i.item))) return false;
      if (i.reason.trim() === "" || i.reason.length > MOTIVE_MESSAGE_MAX_LENGTH) return false;
    }
  } else if (details.items !== undefined && details.items.length > 0) return false;
  return true;
}

function actorKind(actor: Actor): "usager" | "agent" | "admin" | "systeme" {
  if (actor.kind === "agent") return actor.role === "admin" ? "admin" : "agent";
  return actor.kind;
}

/**
 * The ONE way a request changes state (issue 9 §1). In the caller's transaction: locks the row,
 * asks the access policy and the state machine whether this actor may do this now, refuses a
 * stale version (nothing written), writes the state with version + 1, appends the history row
 * (and the "A compléter" items), the audit log for an agent, the NEPH of a validated inscription,
 * and queues the effects. No other code writes `requests.state`.
 */
export class RequestTransitions {
  constructor(
    private readonly clock: Clock,
    private readonly effects: RequestEffects,
  ) {}

  /** `at`: the instant of the change when the caller already stamped it (sending: its sent_at), else now. */
  async transition(tx: Executor, requestId: string, name: Transition, actor: Actor, details: TransitionDetails = {}, at?: Date): Promise<TransitionOutcome> {
    const row = await lockRequest(tx, requestId);
    if (!row || !isRequestState(row.state)) return { kind: "not_found" };
    const from: RequestState = row.state;
    const facts: RequestAccessFacts = { accountId: row.accountId, serviceId: row.serviceId, state: from, assignedAgentId: row.assignedAgentId };
    // Someone who may not see the request is told it does not exist.
    if (!canView(actor, facts)) return { kind: "not_found" };
    if (details.version !== undefined && details.version !== row.version) return { kind: "stale" };
    if (!canAct(actor, facts, name) || !validDetails(name, details)) return { kind: "refused" };
    const decision = decide(from, name, actor);
    if (!decision.ok) return { kind: "refused" };
    const to = decision.to;
    const now = at ?? this.clock.now();

    // NEPH: once, when an inscription is validated (a sequence never draws a serial twice).
    const neph = name === "valider" && motifInfo(row.motif)?.group === "inscription" && !row.neph ? formatNeph(await nextNephSerial(tx), now) : undefined;
    // Taking a sent request for the image check is that transition; the holder keeps it while the same role works on it.
    const taking = name === "verifier_images" && actor.kind === "agent";
    const assignedAgentId = taking ? actor.agentId : keepsAssignment(from, to) ? row.assignedAgentId : null;
    const assignedAt = taking ? now : assignedAgentId ? row.assignedAt : null;
    if (!(await applyTransition(tx, requestId, row.version, { state: to, now, decided: isFinal(to), neph, assignedAgentId, assignedAt }))) {
      return { kind: "stale" };
    }

    const items = name === "demander_complement" ? (details.items ?? []).map((i) => ({ item: i.item, reason: i.reason.trim() })) : [];
    const resolved = name === "completer" ? await resolveCompletionItems(tx, requestId, now) : [];
    const eventDetails = {
      ...(items.length ? { items } : {}),
      ...(resolved.length ? { resolved: resolved.map((i) => ({ item: i.item, changed: i.changedAt !== null })) } : {}),
      ...(neph ? { neph } : {}),
    };
    const event = await insertEvent(tx, {
      requestId,
      at: now,
      transition: name,
      fromState: from,
      toState: to,
      actorKind: actorKind(actor),
      agentId: actor.kind === "agent" ? actor.agentId : null,
      motive: details.motive ?? null,
      message: details.message?.trim() || null,
      details: Object.keys(eventDetails).length ? eventDetails : null,
    });
    if (items.length) await insertCompletionItems(tx, requestId, event.id, items, now);
    // The audit log: who, what, which request, from/to, which motive — no personal data.
    if (actor.kind === "agent") {
      await appendAudit(tx, { at: now, agentId: actor.agentId, action: name, requestId, requestNumber: row.number, fromState: from, toState: to, motive: details.motive ?? null });
    }
    await this.effects.queueTransition(tx, { requestId, transition: name, now });
    return { kind: "done", state: to, version: row.version + 1, eventId: event.id, neph };
  }

  /** After the commit of a transaction that made transitions: deliver their messages now. */
  kick(): void {
    this.effects.kick();
  }
}

/** One row of a request's history as pages show it. */
export interface HistoryEntry {
  id: number;
  at: Date;
  transition: Transition;
  fromState: RequestState;
  toState: RequestState;
  actorKind: "usager" | "agent" | "admin" | "systeme";
  /** "Prénom Nom" of the agent who acted; undefined for the user, the system, or a deleted agent. */
  agentName: string | undefined;
  motive: string | null;
  message: string | null;
  details: unknown;
}

/** A request's history, oldest first, with the agents' names (access is the caller's question). */
export async function history(db: Executor, requestId: string): Promise<HistoryEntry[]> {
  if (!/^[0-9a-f-]{36}$/i.test(requestId)) return [];
  const rows = await listEventsWithAgents(db, requestId);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    transition: r.transition as Transition,
    fromState: r.fromState as RequestState,
    toState: r.toState as RequestState,
    actorKind: r.actorKind,
    agentName: r.agentGivenName !== null && r.agentFamilyName !== null ? `${r.agentGivenName} ${r.agentFamilyName}` : undefined,
    motive: r.motive,
    message: r.message,
    details: r.details,
  }));
}
