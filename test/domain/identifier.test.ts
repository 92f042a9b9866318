import { describe, it, expect } from "vitest";
import {
  IDENTIFIER_PATTERN,
  asciiLetters,
  identifierBase,
  isIdentifier,
  makeIdentifier,
  normalizeIdentifierInput,
} from "../../src/domain/identifier.ts";

describe("asciiLetters", () => {
  it.each([
    ["Dupont", "dupont"],
    ["Éloïse", "eloise"],
    ["Çà Ñ", "can"],
    ["Lætitia", "laetitia"],
    ["ÆSCHYLE", "aeschyle"],
    ["Œuvre", "oeuvre"],
    ["cœur", "coeur"],
    ["Saint-Étienne", "saintetienne"],
    ["N’Diaye", "ndiaye"],
    ["O'Brien", "obrien"],
    ["Jean  Pierre", "jeanpierre"],
    ["Louis XIV 2", "louisxiv"],
    ["", ""],
    ["-' ’", ""],
    ["E\u0301lodie", "elodie"],
  ])("%j -> %j", (input, expected) => {
    expect(asciiLetters(input)).toBe(expected);
  });
});

describe("identifierBase", () => {
  it.each<{ given: string; family: string; base: string }>([
    { given: "Jean", family: "Dupont", base: "jdupont" },
    { given: "Sylvie", family: "Dupont", base: "sdupont" },
    { given: "Élodie", family: "Lefèvre", base: "elefevre" },
    { given: "Ægidius", family: "Bœuf", base: "aboeuf" },
    { given: "Œdipe", family: "Cæsar", base: "ocaesar" },
    { given: "Jean-Pierre", family: "Martin-Durand", base: "jmartindurand" },
    { given: "'Ahmed", family: "N’Diaye", base: "andiaye" },
    { given: "Anne", family: "d'Estaing", base: "adestaing" },
    { given: "Marie", family: "De La Tour", base: "mdelatour" },
    { given: "", family: "Dupont", base: "dupont" },
    { given: "Jean", family: "", base: "j" },
    { given: "", family: "", base: "usager" },
    { given: "’-", family: " - ", base: "usager" },
    { given: "李", family: "王", base: "usager" },
    // family part capped at 16 letters (after removing non-letters)
    { given: "Paul", family: "Abcdefghijklmnopqrstuvwxyz", base: "pabcdefghijklmnop" },
    { given: "Paul", family: "Abcdefgh-ijklmnop", base: "pabcdefghijklmnop" },
    { given: "Paul", family: "Abcdefghijklmnopq", base: "pabcdefghijklmnop" },
    { given: "Paul", family: "Abcdefghijklmno", base: "pabcdefghijklmno" },
    // a ligature expanding at the cap: "æ" becomes two letters before the cut
    { given: "Paul", family: "Abcdefghijklmnoæ", base: "pabcdefghijklmnoa" },
  ])("$given / $family -> $base", ({ given, family, base }) => {
    const result = identifierBase(given, family);
    expect(result).toBe(base);
    expect(result).toMatch(/^[a-z]{1,17}$/);
  });
});

describe("makeIdentifier", () => {
  it.each<[string, number, string]>([
    ["jdupont", 0, "jdupont0000"],
    ["jdupont", 7, "jdupont0007"],
    ["jdupont", 42, "jdupont0042"],
    ["jdupont", 482, "jdupont0482"],
    ["jdupont", 4821, "jdupont4821"],
    ["jdupont", 9999, "jdupont9999"],
    ["usager", 1, "usager0001"],
  ])("%s + %d -> %s", (base, suffix, expected) => {
    const id = makeIdentifier(base, suffix);
    expect(id).toBe(expected);
    expect(isIdentifier(id)).toBe(true);
  });

  it.each<[string, number]>([
    ["negative", -1],
    ["above 9999", 10000],
    ["fractional", 12.5],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
  ])("rejects a %s suffix (%d) with a RangeError", (_name, suffix) => {
    expect(() => makeIdentifier("jdupont", suffix)).toThrow(RangeError);
    expect(() => makeIdentifier("jdupont", suffix)).toThrow("suffix must be in [0, 9999]");
  });

  it("always yields a valid identifier from the longest possible base", () => {
    const base = identifierBase("Paul", "Abcdefghijklmnopqrstuvwxyz");
    expect(isIdentifier(makeIdentifier(base, 9999))).toBe(true);
  });
});

describe("isIdentifier", () => {
  it.each<[string, boolean]>([
    ["jdupont4821", true],
    ["usager0001", true],
    ["a0000", true],
    ["pabcdefghijklmnop1234", true], // 17 letters
    ["pabcdefghijklmnopq1234", false], // 18 letters
    ["jdupont482", false], // 3 digits
    ["jdupont48210", false], // 5 digits
    ["4821", false], // no letters
    ["jdupont", false], // no digits
    ["JDupont4821", false], // upper case
    ["jdupont 4821", false],
    [" jdupont4821", false],
    ["jdupont4821 ", false],
    ["jean.dupont4821", false],
    ["jdupönt4821", false],
    ["jdupont@exemple.fr", false],
    ["jdupont4821\n", false],
    ["", false],
  ])("%j -> %s", (text, expected) => {
    expect(isIdentifier(text)).toBe(expected);
    expect(IDENTIFIER_PATTERN.test(text)).toBe(expected);
  });
});

describe("normalizeIdentifierInput", () => {
  it.each([
    ["jdupont4821", "jdupont4821"],
    ["JDupont4821", "jdupont4821"],
    ["  jdupont4821  ", "jdupont4821"],
    ["\tJDUPONT4821\n", "jdupont4821"],
    ["", ""],
    ["   ", ""],
    // inner spaces are kept: the result is then simply not a valid identifier
    ["jdupont 4821", "jdupont4821"],
    [" J DUPONT 4821 ", "jdupont4821"],
  ])("%j -> %j", (input, expected) => {
    expect(normalizeIdentifierInput(input)).toBe(expected);
  });
});
