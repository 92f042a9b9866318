import { describe, it, expect } from "vitest";
import { TOKEN_LIFETIME_MS, tokenExpiry, tokenState, type TokenPurpose, type TokenState } from "../../src/domain/tokens.ts";

const HOUR = 60 * 60 * 1000;
const now = new Date("2026-03-15T10:00:00.000Z");
const at = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);

describe("tokenExpiry", () => {
  it.each<{ purpose: TokenPurpose; lifetime: number; expires: string }>([
    { purpose: "activation", lifetime: 24 * HOUR, expires: "2026-03-16T10:00:00.000Z" },
    { purpose: "password_reset", lifetime: HOUR, expires: "2026-03-15T11:00:00.000Z" },
  ])("$purpose lasts $lifetime ms -> $expires", ({ purpose, lifetime, expires }) => {
    expect(TOKEN_LIFETIME_MS[purpose]).toBe(lifetime);
    const expiry = tokenExpiry(purpose, now);
    expect(expiry.toISOString()).toBe(expires);
    expect(expiry.getTime() - now.getTime()).toBe(lifetime);
  });

  it("does not mutate the given date", () => {
    const start = new Date(now);
    tokenExpiry("activation", start);
    expect(start.getTime()).toBe(now.getTime());
  });
});

describe("tokenState", () => {
  it.each<{ name: string; token: { expiresAt: Date; usedAt: Date | null } | undefined; state: TokenState }>([
    { name: "no token", token: undefined, state: "unknown" },
    { name: "used, not yet expired", token: { expiresAt: at(HOUR), usedAt: at(-HOUR) }, state: "used" },
    { name: "used and expired (used wins)", token: { expiresAt: at(-HOUR), usedAt: at(-2 * HOUR) }, state: "used" },
    { name: "used at the epoch (still a Date)", token: { expiresAt: at(HOUR), usedAt: new Date(0) }, state: "used" },
    { name: "expired an hour ago", token: { expiresAt: at(-HOUR), usedAt: null }, state: "expired" },
    { name: "expired 1 ms ago", token: { expiresAt: at(-1), usedAt: null }, state: "expired" },
    { name: "expires exactly now", token: { expiresAt: at(0), usedAt: null }, state: "expired" },
    { name: "expires in 1 ms", token: { expiresAt: at(1), usedAt: null }, state: "valid" },
    { name: "expires in 24 h", token: { expiresAt: at(24 * HOUR), usedAt: null }, state: "valid" },
  ])("$name -> $state", ({ token, state }) => {
    expect(tokenState(token, now)).toBe(state);
  });

  it.each<{ purpose: TokenPurpose; offset: number; state: TokenState }>([
    { purpose: "activation", offset: 24 * HOUR - 1, state: "valid" },
    { purpose: "activation", offset: 24 * HOUR, state: "expired" },
    { purpose: "password_reset", offset: HOUR - 1, state: "valid" },
    { purpose: "password_reset", offset: HOUR, state: "expired" },
  ])("a fresh $purpose token checked $offset ms later is $state", ({ purpose, offset, state }) => {
    const token = { expiresAt: tokenExpiry(purpose, now), usedAt: null };
    expect(tokenState(token, at(offset))).toBe(state);
  });
});
