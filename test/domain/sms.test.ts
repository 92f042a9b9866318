import { describe, expect, it } from "vitest";
import { countSegments, frenchMobileE164, isGsm7 } from "../../src/domain/sms.ts";

describe("countSegments: GSM-7 and UCS-2", () => {
  it.each<{ name: string; text: string; encoding: "GSM-7" | "UCS-2"; units: number; segments: number }>([
    { name: "empty", text: "", encoding: "GSM-7", units: 0, segments: 0 },
    { name: "160 GSM-7 characters: one segment", text: "a".repeat(160), encoding: "GSM-7", units: 160, segments: 1 },
    { name: "161: two segments of 153", text: "a".repeat(161), encoding: "GSM-7", units: 161, segments: 2 },
    { name: "306: two segments", text: "a".repeat(306), encoding: "GSM-7", units: 306, segments: 2 },
    { name: "307: three", text: "a".repeat(307), encoding: "GSM-7", units: 307, segments: 3 },
    { name: "French accents of the GSM-7 alphabet (é è à ù É Ç)", text: "éèàùÉÇ", encoding: "GSM-7", units: 6, segments: 1 },
    { name: "€ costs two septets: 80 fit in one", text: "€".repeat(80), encoding: "GSM-7", units: 160, segments: 1 },
    { name: "81 € do not", text: "€".repeat(81), encoding: "GSM-7", units: 162, segments: 2 },
    { name: "an escape never straddles two segments (306 septets, yet 3 segments)", text: "a".repeat(152) + "€" + "a".repeat(152), encoding: "GSM-7", units: 306, segments: 3 },
    { name: "ê is not GSM-7: UCS-2", text: "fenêtre", encoding: "UCS-2", units: 7, segments: 1 },
    { name: "ç (lower case) is not GSM-7", text: "reçu", encoding: "UCS-2", units: 4, segments: 1 },
    { name: "70 UCS-2 units: one segment", text: "ê".repeat(70), encoding: "UCS-2", units: 70, segments: 1 },
    { name: "71: two segments of 67", text: "ê".repeat(71), encoding: "UCS-2", units: 71, segments: 2 },
    { name: "134: two", text: "ê".repeat(134), encoding: "UCS-2", units: 134, segments: 2 },
    { name: "135: three", text: "ê".repeat(135), encoding: "UCS-2", units: 135, segments: 3 },
    { name: "an emoji is two UCS-2 units", text: "👍", encoding: "UCS-2", units: 2, segments: 1 },
    { name: "a surrogate pair is never split", text: "a".repeat(66) + "👍" + "a".repeat(5), encoding: "UCS-2", units: 73, segments: 2 },
  ])("$name", ({ text, encoding, units, segments }) => {
    expect(countSegments(text)).toEqual({ encoding, units, segments });
  });

  it("isGsm7", () => {
    expect(isGsm7("Permis de conduire : demande n° PC-2026-0000001")).toBe(false); // ° is not in GSM-7
    expect(isGsm7("Bonjour, à bientôt")).toBe(false); // ô
    expect(isGsm7("Bonjour, à tout à l'heure {}[]~^|\\€")).toBe(true);
  });
});

describe("frenchMobileE164: French mobiles only, in E.164", () => {
  it.each<{ input: string; expected: string | undefined }>([
    { input: "0612345678", expected: "+33612345678" },
    { input: "06 12 34 56 78", expected: "+33612345678" },
    { input: "06.12.34.56.78", expected: "+33612345678" },
    { input: "06-12-34-56-78", expected: "+33612345678" },
    { input: "0756123456", expected: "+33756123456" },
    { input: "+33612345678", expected: "+33612345678" },
    { input: "+33 7 56 12 34 56", expected: "+33756123456" },
    { input: "0033612345678", expected: "+33612345678" },
    { input: "0033 7 56 12 34 56", expected: "+33756123456" },
    // Landlines and special numbers
    { input: "0142424242", expected: undefined },
    { input: "+33142424242", expected: undefined },
    { input: "0033142424242", expected: undefined },
    { input: "0800123456", expected: undefined },
    { input: "0912345678", expected: undefined },
    // Foreign mobiles
    { input: "+447700900123", expected: undefined },
    { input: "+32470123456", expected: undefined },
    { input: "004915123456789", expected: undefined },
    // Not numbers
    { input: "", expected: undefined },
    { input: "06123", expected: undefined },
    { input: "061234567890", expected: undefined },
    { input: "06 12 34 56 7a", expected: undefined },
    { input: "0".repeat(40), expected: undefined },
  ])("$input → $expected", ({ input, expected }) => {
    expect(frenchMobileE164(input)).toBe(expected);
  });
});
