import { describe, expect, it } from "vitest";
import { hashRecoveryCode, matchTotp, newRecoveryCodes, normaliseRecoveryCode, SecretBox, totpCode, totpStep } from "../../src/services/totp.ts";

/** RFC 6238 appendix B, SHA-1 (secret "12345678901234567890"), last 6 of the 8 digits. */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const VECTORS: Array<[seconds: number, code: string]> = [
  [59, "287082"],
  [1111111109, "081804"],
  [1111111111, "050471"],
  [1234567890, "005924"],
  [2000000000, "279037"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(VECTORS)("at %i s the code is %s", (seconds, code) => {
    expect(totpCode(RFC_SECRET, new Date(seconds * 1000))).toBe(code);
  });

  it.each([
    ["the current step", 0, 0],
    ["the previous step", -30, -1],
    ["the next step", 30, 1],
  ])("accepts a code of %s and says which step", (_label, shift, delta) => {
    const now = new Date(1_800_000_015_000);
    const code = totpCode(RFC_SECRET, new Date(now.getTime() + shift * 1000));
    expect(matchTotp(RFC_SECRET, code, now)).toBe(totpStep(now) + delta);
  });

  it.each([
    ["two steps old", -60],
    ["two steps ahead", 60],
  ])("refuses a code %s", (_label, shift) => {
    const now = new Date(1_800_000_015_000);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, new Date(now.getTime() + shift * 1000)), now)).toBeUndefined();
  });

  it.each(["", "12345", "1234567", "abcdef", "12 34 5"])("refuses the malformed code %j", (code) => {
    expect(matchTotp(RFC_SECRET, code, new Date())).toBeUndefined();
  });
});

describe("recovery codes", () => {
  it("are 10 distinct codes, read without case nor separators, hashed alike", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const code = codes[0]!;
    expect(hashRecoveryCode(code.toLowerCase().replace(/-/g, " "))).toBe(hashRecoveryCode(code));
    expect(normaliseRecoveryCode("ABCD-EFGH-JKL0")).toBeUndefined();
    expect(hashRecoveryCode("123456")).toBeUndefined();
  });
});

describe("SecretBox", () => {
  const box = new SecretBox("00".repeat(32));
  it("encrypts and decrypts; a tampered or foreign value does not open", () => {
    const sealed = box.seal(RFC_SECRET);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(box.open(sealed)).toBe(RFC_SECRET);
    expect(box.seal(RFC_SECRET)).not.toBe(sealed);
    const parts = sealed.split(".");
    parts[3] = parts[3]!.startsWith("A") ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
    expect(box.open(parts.join("."))).toBeUndefined();
    expect(new SecretBox("11".repeat(32)).open(sealed)).toBeUndefined();
    expect(box.open("not sealed")).toBeUndefined();
  });
});
