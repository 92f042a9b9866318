import { describe, expect, it } from "vitest";
import { IMAGE_REJECTION_MOTIVES, INSTRUCTION_REJECTION_MOTIVES, MOTIVES, isMotive, motiveLabel } from "../../../src/domain/request/motives.ts";

describe("rejection motives", () => {
  it.each<{ code: string; label: string }>([
    { code: "photo_floue", label: "Photo floue" },
    { code: "fond_non_conforme", label: "Fond non conforme" },
    { code: "expression", label: "Expression du visage non neutre" },
    { code: "signature_illisible", label: "Signature illisible" },
  ])("the image list has « $label » (issue 9 §4)", ({ code, label }) => {
    expect(IMAGE_REJECTION_MOTIVES).toContainEqual({ code, label });
    expect(motiveLabel(code)).toBe(label);
  });

  it("codes are unique across both lists, and labels within each", () => {
    const codes = [...IMAGE_REJECTION_MOTIVES, ...INSTRUCTION_REJECTION_MOTIVES].map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const list of Object.values(MOTIVES)) expect(new Set(list.map((m) => m.label)).size).toBe(list.length);
  });

  it.each(Object.entries(MOTIVES).flatMap(([kind, list]) => list.map((m) => ({ kind, ...m }))))("$kind/$code: a code of lower case ASCII, a French label", ({ code, label }) => {
    expect(code).toMatch(/^[a-z_]{3,40}$/);
    expect(label.length).toBeGreaterThan(3);
    expect(label.length).toBeLessThanOrEqual(100);
    expect(label[0]).toBe(label[0]!.toUpperCase());
  });

  it.each<{ kind: "images" | "instruction"; code: string; expected: boolean }>([
    { kind: "images", code: "photo_floue", expected: true },
    { kind: "instruction", code: "photo_floue", expected: false },
    { kind: "instruction", code: "conditions_age", expected: true },
    { kind: "images", code: "conditions_age", expected: false },
    { kind: "images", code: "", expected: false },
    { kind: "images", code: "PHOTO_FLOUE", expected: false },
    { kind: "images", code: "constructor", expected: false },
  ])("isMotive($kind, $code) is $expected", ({ kind, code, expected }) => {
    expect(isMotive(kind, code)).toBe(expected);
  });

  it("an unknown code has no label", () => {
    expect(motiveLabel("inconnu")).toBeUndefined();
    expect(motiveLabel("toString")).toBeUndefined();
  });
});
