import { describe, expect, it } from "vitest";
import { AGENT_ROLES, requiresTwoFactors, type AgentRole } from "../../src/domain/actors.ts";

describe("who must sign in with two factors", () => {
  const cases: Array<[AgentRole, boolean]> = [
    ["admin", true],
    ["images", false],
    ["instruction", false],
  ];
  it.each(cases)("%s: %s", (role, expected) => {
    expect(requiresTwoFactors(role)).toBe(expected);
  });
  it("every role is in the table", () => {
    expect(cases.map(([role]) => role).sort()).toEqual(Object.keys(AGENT_ROLES).sort());
  });
});
