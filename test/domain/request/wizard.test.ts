import { describe, expect, it } from "vitest";
import { motifInfo, type MotifInfo } from "../../../src/domain/request/motifs.ts";
import type { Adresse, EtatCivil, Step1 } from "../../../src/domain/request/steps.ts";
import {
  STEPS,
  factsOf,
  firstIncompleteStep,
  isStepNumber,
  piecesOf,
  stepAccess,
  type StepAccess,
  type StepNumber,
  type StepValidity,
} from "../../../src/domain/request/wizard.ts";

/** Validity map from a compact string: "11011" = steps 1, 2, 4, 5 valid, 3 not. */
const v = (bits: string): StepValidity => {
  const [a, b, c, d, e] = bits.split("").map((x) => x === "1") as [boolean, boolean, boolean, boolean, boolean];
  return { 1: a, 2: b, 3: c, 4: d, 5: e };
};
const open: StepAccess = { kind: "open" };
const to = (step: StepNumber): StepAccess => ({ kind: "redirect", step });

describe("steps", () => {
  it("are named as in SPEC §3", () => {
    expect(STEPS.map((s) => `${s.n} ${s.label}`)).toEqual([
      "1 Motif de demande",
      "2 État civil",
      "3 Adresse et contact",
      "4 Photo / Signature",
      "5 Pièces justificatives",
      "6 Récapitulatif",
      "7 Confirmation",
    ]);
  });

  it.each<{ n: number; expected: boolean }>([
    { n: 0, expected: false },
    { n: 1, expected: true },
    { n: 7, expected: true },
    { n: 8, expected: false },
    { n: 2.5, expected: false },
    { n: Number.NaN, expected: false },
  ])("isStepNumber($n) is $expected", ({ n, expected }) => {
    expect(isStepNumber(n)).toBe(expected);
  });
});

describe("firstIncompleteStep", () => {
  it.each<{ valid: string; expected: StepNumber }>([
    { valid: "00000", expected: 1 },
    { valid: "01111", expected: 1 },
    { valid: "10000", expected: 2 },
    { valid: "10111", expected: 2 },
    { valid: "11000", expected: 3 },
    { valid: "11011", expected: 3 },
    { valid: "11100", expected: 4 },
    { valid: "11110", expected: 5 },
    { valid: "11111", expected: 6 },
  ])("validity $valid → step $expected", ({ valid, expected }) => {
    expect(firstIncompleteStep(v(valid))).toBe(expected);
  });
});

describe("stepAccess of a draft (not sent)", () => {
  it.each<{ step: StepNumber; valid: string; expected: StepAccess }>([
    // nothing valid: only step 1
    { step: 1, valid: "00000", expected: open },
    { step: 2, valid: "00000", expected: to(1) },
    { step: 5, valid: "00000", expected: to(1) },
    { step: 6, valid: "00000", expected: to(1) },
    { step: 7, valid: "00000", expected: to(1) },
    // steps 1 and 2 valid: 1, 2 (to review) and 3 (to fill) are open
    { step: 1, valid: "11000", expected: open },
    { step: 2, valid: "11000", expected: open },
    { step: 3, valid: "11000", expected: open },
    { step: 4, valid: "11000", expected: to(3) },
    { step: 6, valid: "11000", expected: to(3) },
    // a later step valid does not open it past an invalid one
    { step: 4, valid: "11011", expected: to(3) },
    { step: 5, valid: "11011", expected: to(3) },
    { step: 3, valid: "11011", expected: open },
    // step 1 became invalid: everything after it is closed
    { step: 2, valid: "01111", expected: to(1) },
    { step: 6, valid: "01111", expected: to(1) },
    // only step 5 missing
    { step: 5, valid: "11110", expected: open },
    { step: 6, valid: "11110", expected: to(5) },
    { step: 7, valid: "11110", expected: to(5) },
    // all valid: récapitulatif open, confirmation not yet (not sent)
    { step: 1, valid: "11111", expected: open },
    { step: 5, valid: "11111", expected: open },
    { step: 6, valid: "11111", expected: open },
    { step: 7, valid: "11111", expected: to(6) },
  ])("step $step with validity $valid → $expected.kind $expected.step", ({ step, valid, expected }) => {
    expect(stepAccess(step, v(valid), false)).toEqual(expected);
  });
});

describe("stepAccess of a sent request", () => {
  it.each<{ step: StepNumber; valid: string; expected: StepAccess }>([
    { step: 7, valid: "11111", expected: open },
    { step: 7, valid: "00000", expected: open },
    { step: 1, valid: "11111", expected: to(7) },
    { step: 3, valid: "11111", expected: to(7) },
    { step: 5, valid: "11111", expected: to(7) },
    { step: 6, valid: "11111", expected: to(7) },
    { step: 2, valid: "10000", expected: to(7) },
  ])("step $step with validity $valid → $expected.kind $expected.step", ({ step, valid, expected }) => {
    expect(stepAccess(step, v(valid), true)).toEqual(expected);
  });
});

describe("factsOf / piecesOf a draft", () => {
  const ON = new Date("2026-11-22T12:00:00Z");
  const motif = (id: string): MotifInfo => {
    const m = motifInfo(id);
    if (!m) throw new Error(id);
    return m;
  };
  const step1: Step1 = {
    categories: ["B", "C"],
    categoriesDetenues: [],
    visiteMedicale: true,
    formationComplementaire: "non",
    conduiteAccompagnee: true,
    declarations: { francais: true, vehiculeAmenage: false, vision: true, affection: false, pension: true },
    numeroPermis: "",
  };
  const step2: EtatCivil = {
    nomNaissance: "MARTIN",
    nomUsage: "",
    sexe: "F",
    prenoms: ["Léa"],
    dateNaissance: { day: 0, month: 0, year: 2006 },
    nationalite: "francaise",
    paysNaissance: { code: "99100", name: "France" },
    departementNaissance: { code: "75", name: "Paris" },
    communeNaissance: { code: "75107", name: "Paris 7e Arrondissement" },
  };
  const step3: Adresse = {
    numero: "1",
    extension: "",
    typeVoie: "rue",
    nomVoie: "de Grenelle",
    complement: "",
    codePostal: "97400",
    commune: { code: "97411", name: "Saint-Denis", departement: "974" },
    prefecture: { id: "97411", label: "Préfecture de La Réunion" },
    email: "lea@example.fr",
    telephone: "",
    consentement: false,
    justificatifAuNom: false,
  };

  it("with no step filled: defaults, no birth date nor address", () => {
    expect(factsOf({ motif: motif("fabrication.perte"), pour: "majeur", on: ON })).toEqual({
      motif: motif("fabrication.perte"),
      pour: "majeur",
      categories: [],
      visiteMedicale: false,
      conduiteAccompagnee: false,
      declarations: { affection: false, pension: false, vehiculeAmenage: false },
      birthdate: undefined,
      nationalite: undefined,
      departement: undefined,
      justificatifAuNom: undefined,
      on: ON,
    });
  });

  it("takes each fact from its step", () => {
    const f = factsOf({ motif: motif("inscription.premier_permis"), pour: "majeur", step1, step2, step3, on: ON });
    expect(f).toMatchObject({
      categories: ["B", "C"],
      visiteMedicale: true,
      conduiteAccompagnee: true,
      declarations: { affection: false, pension: true, vehiculeAmenage: false },
      birthdate: { day: 0, month: 0, year: 2006 },
      nationalite: "francaise",
      departement: "974",
      justificatifAuNom: false,
    });
  });

  it.each<{ name: string; draft: "bare" | "step1" | "all"; expected: string[] }>([
    { name: "motif only", draft: "bare", expected: ["identite", "domicile"] },
    { name: "step 1 filled", draft: "step1", expected: ["identite", "domicile", "aac", "avis_medical"] },
    {
      name: "steps 1 to 3 filled",
      draft: "all",
      expected: ["identite", "domicile", "hebergement", "identite_hebergeant", "jdc", "assr", "aac", "avis_medical", "taxe_regionale"],
    },
  ])("piecesOf, inscription premier permis: $name", ({ draft, expected }) => {
    const d = {
      motif: motif("inscription.premier_permis"),
      pour: "majeur" as const,
      on: ON,
      ...(draft !== "bare" ? { step1 } : {}),
      ...(draft === "all" ? { step2, step3 } : {}),
    };
    expect(piecesOf(d).map((p) => p.id)).toEqual(expected);
  });
});
