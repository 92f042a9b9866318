/**
 * Who acts on a request (issue 9 §2). Pure types: the web layer builds an Actor from the session,
 * services and the access policy (src/domain/request/access.ts) decide from it.
 */
export type AgentRole = "images" | "instruction" | "admin";

export const AGENT_ROLES: Record<AgentRole, { label: string }> = {
  images: { label: "Vérification des images" },
  instruction: { label: "Instruction" },
  admin: { label: "Administrateur" },
};

export interface AgentActor {
  kind: "agent";
  agentId: string;
  role: AgentRole;
  /** The services instructeurs the agent belongs to (an administrator sees every service). */
  serviceIds: readonly string[];
  name: string;
}

export type Actor = { kind: "usager"; accountId: string } | AgentActor | { kind: "systeme" };

export function isAgentRole(value: string): value is AgentRole {
  return Object.hasOwn(AGENT_ROLES, value);
}

/**
 * Whether an agent of this role must sign in with two factors: an administrator creates agents,
 * gives roles and services, and may act for every service. Password sign-in always asks for a
 * TOTP code; through ProConnect, the ID token's `acr` must say two factors were used.
 */
export function requiresTwoFactors(role: AgentRole): boolean {
  return role === "admin";
}
