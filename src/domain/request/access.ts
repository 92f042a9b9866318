import type { Actor, AgentActor, AgentRole } from "../actors.ts";
import { decide, isFinal, type RequestState, type Transition } from "./state.ts";

/**
 * The one access policy (issue 9 §2): who may see a request, take it, release it, reassign it
 * and act on it. Pure: routes and services ask it, and load requests only through queries scoped
 * by `visibleServiceIds` (an agent of service A never sees a request of service B).
 */
export interface RequestAccessFacts {
  accountId: string;
  /** The service instructeur the request is routed to (copied at sending); null for a draft. */
  serviceId: string | null;
  state: RequestState;
  /** The agent who took it ("Je prends ce dossier"), if any. */
  assignedAgentId: string | null;
}

/**
 * The agent role that works on a request in each state: images agents check what was sent,
 * instruction agents instruct it and wait for the user's completion. Decided states and drafts
 * are nobody's work.
 */
export const WORKING_ROLE: Record<RequestState, Exclude<AgentRole, "admin"> | null> = {
  brouillon: null,
  envoyee: "images",
  verification_images: "images",
  en_instruction: "instruction",
  a_completer: "instruction",
  rejet_images: null,
  rejet_instruction: null,
  validee: null,
};

/**
 * Whether the agent who holds a request keeps it across a move from `from` to `to`: yes while
 * the same role still works on it (an instruction agent keeps the request sent back for
 * completion), no when it changes hands (images accepted → instruction) or is decided.
 */
export function keepsAssignment(from: RequestState, to: RequestState): boolean {
  const role = WORKING_ROLE[to];
  return role !== null && role === WORKING_ROLE[from];
}

function seesService(agent: AgentActor, serviceId: string | null): boolean {
  if (agent.role === "admin") return true;
  return serviceId !== null && agent.serviceIds.includes(serviceId);
}

/** Usager: their own requests; agent: sent requests of their services (admin: all); système: everything. */
export function canView(actor: Actor, r: RequestAccessFacts): boolean {
  switch (actor.kind) {
    case "usager":
      return r.accountId === actor.accountId;
    case "systeme":
      return true;
    case "agent":
      return r.state !== "brouillon" && seesService(actor, r.serviceId);
  }
}

/** Whether the request is in a state the agent's role works on (an administrator works on all). */
function worksOn(agent: AgentActor, state: RequestState): boolean {
  const role = WORKING_ROLE[state];
  return role !== null && (agent.role === "admin" || agent.role === role);
}

/**
 * "Je prends ce dossier": an agent who sees the request, whose role works on its state, and
 * nobody holds it yet. (Two agents at once: the service's conditional update makes one win.)
 */
export function canTake(actor: Actor, r: RequestAccessFacts): boolean {
  return actor.kind === "agent" && mayHold(actor, r) && r.assignedAgentId === null;
}

/** Whether this agent could hold the request (the target of a reassignment must): sees it, and their role works on its state. */
export function mayHold(agent: AgentActor, r: RequestAccessFacts): boolean {
  return canView(agent, r) && worksOn(agent, r.state);
}

/** The agent who holds it may release it; an administrator may release anyone's. */
export function canRelease(actor: Actor, r: RequestAccessFacts): boolean {
  if (actor.kind !== "agent" || !canView(actor, r) || r.assignedAgentId === null) return false;
  return r.assignedAgentId === actor.agentId || actor.role === "admin";
}

/** Only an administrator reassigns, and only a request still being worked on. */
export function canReassign(actor: Actor, r: RequestAccessFacts): boolean {
  return actor.kind === "agent" && actor.role === "admin" && canView(actor, r) && !isFinal(r.state) && r.state !== "brouillon";
}

/**
 * Whether `actor` may apply `transition` to this request: they see it, the state machine allows
 * it (state and role), and an agent holds it (an administrator may act on any). Taking a sent
 * request for the image check ("verifier_images") is the taking itself: allowed when nobody
 * else holds it.
 */
export function canAct(actor: Actor, r: RequestAccessFacts, transition: Transition): boolean {
  if (!canView(actor, r)) return false;
  if (!decide(r.state, transition, actor).ok) return false;
  if (actor.kind !== "agent" || actor.role === "admin") return true;
  if (transition === "verifier_images") return r.assignedAgentId === null || r.assignedAgentId === actor.agentId;
  return r.assignedAgentId === actor.agentId;
}

/** The services whose requests a query may return for this actor ("all" for an administrator or the system; none for a user, whose queries go by account). */
export function visibleServiceIds(actor: Actor): readonly string[] | "all" {
  switch (actor.kind) {
    case "usager":
      return [];
    case "systeme":
      return "all";
    case "agent":
      return actor.role === "admin" ? "all" : actor.serviceIds;
  }
}
