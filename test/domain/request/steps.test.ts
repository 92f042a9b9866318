import { describe, expect, it } from "vitest";
import type { RawInput } from "../../../src/domain/forms.ts";
import { MOTIFS, motifInfo, openToSchools, type MotifInfo, type Pour } from "../../../src/domain/request/motifs.ts";
import { correctionRefusal, CORRECTION_REFUSALS, movedRefusal, parseCorrectionStart, type OriginalTitle } from "../../../src/domain/request/correction.ts";
import {
  firstNameCount,
  parsePieceComments,
  parseMotifChoice,
  parseStampNumber,
  parseStep1,
  parseStep2,
  parseStep3,
  parseStep4,
  step1Questions,
  type EtatCivil,
  type Places,
  type Step1,
} from "../../../src/domain/request/steps.ts";

/** The errors of a failed parse, without the fields that passed (undefined). */
function errorsOf(result: { ok: true } | { ok: false; errors: Record<string, string | undefined> }): Record<string, string> {
  if (result.ok) throw new Error("expected the form to be refused");
  return Object.fromEntries(Object.entries(result.errors).filter((e): e is [string, string] => e[1] !== undefined));
}

function valueOf<T>(result: { ok: true; value: T } | { ok: false; errors: Record<string, string | undefined> }): T {
  if (!result.ok) throw new Error(`expected the form to be accepted: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function motif(id: string): MotifInfo {
  const m = motifInfo(id);
  if (!m) throw new Error(`unknown motif ${id}`);
  return m;
}

/* ------------------------------------------------------------------ a tiny in-memory Places */

const norm = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[-'’]/g, " ")
    .replace(/\s+/g, " ")
    .trim();

const COUNTRIES = [
  { code: "99100", name: "France" },
  { code: "99350", name: "Maroc" },
];
const DEPARTEMENTS = [
  { code: "75", name: "Paris" },
  { code: "42", name: "Loire" },
];
const BIRTH_COMMUNES: Record<string, Array<{ code: string; name: string }>> = {
  "75": [{ code: "75107", name: "Paris 7e Arrondissement" }],
  "42": [{ code: "42218", name: "Saint-Étienne" }],
};
const POSTCODES: Record<string, Array<{ code: string; name: string; departement: string }>> = {
  "75007": [{ code: "75056", name: "Paris", departement: "75" }],
  "42000": [{ code: "42218", name: "Saint-Étienne", departement: "42" }],
  "42600": [
    { code: "42147", name: "Montbrison", departement: "42" },
    { code: "42299", name: "Savigneux", departement: "42" },
    { code: "42044", name: "Champdieu", departement: "42" },
  ],
  "42990": ["Un", "Deux", "Trois", "Quatre", "Cinq", "Six"].map((name, i) => ({ code: `4290${i}`, name, departement: "42" })),
};
const PREFECTURES = [
  { id: "75056", label: "Préfecture de police de Paris", departement: "75" },
  { id: "42218", label: "Préfecture de la Loire", departement: "42" },
];

const places: Places = {
  country: (code) => COUNTRIES.find((c) => c.code === code),
  departement: (code) => DEPARTEMENTS.find((d) => d.code === code),
  findBirthCommune: (departement, name) => BIRTH_COMMUNES[departement]?.find((c) => norm(c.name) === norm(name)),
  findCommuneByPostcode: (postcode, name) => POSTCODES[postcode]?.find((c) => norm(c.name) === norm(name)),
  communesForPostcode: (postcode) => POSTCODES[postcode] ?? [],
  prefecture: (id) => PREFECTURES.find((p) => p.id === id),
};

/* ------------------------------------------------------------------ step 1: the motif choice */

const MOTIF_INPUTS: Record<string, RawInput> = {
  "inscription.premier_permis": { group: "inscription", inscription: "premier_permis" },
  "inscription.ajout_categories": { group: "inscription", inscription: "ajout_categories" },
  "fabrication.perte": { group: "fabrication", fabrication: "perte" },
  "fabrication.vol": { group: "fabrication", fabrication: "vol" },
  "fabrication.deterioration": { group: "fabrication", fabrication: "deterioration" },
  "fabrication.expiration": { group: "fabrication", fabrication: "expiration" },
  "fabrication.prorogation_poids_lourds": { group: "fabrication", fabrication: "prorogation_poids_lourds" },
  "fabrication.changement_etat_civil": { group: "fabrication", fabrication: "changement_etat_civil" },
  "fabrication.reussite_examen.premier_permis": { group: "fabrication", fabrication: "reussite_examen", examen: "premier_permis" },
  "fabrication.reussite_examen.nouvelle_categorie": { group: "fabrication", fabrication: "reussite_examen", examen: "nouvelle_categorie" },
  "fabrication.formation.AM": { group: "fabrication", fabrication: "formation", formation: "AM" },
  "fabrication.formation.A": { group: "fabrication", fabrication: "formation", formation: "A" },
  "fabrication.formation.B96": { group: "fabrication", fabrication: "formation", formation: "B96" },
  "fabrication.formation.levee_78": { group: "fabrication", fabrication: "formation", formation: "levee_78" },
  brevet_militaire: { group: "brevet_militaire" },
  diplome_professionnel: { group: "diplome_professionnel" },
  invalidation_annulation: { group: "invalidation_annulation", amSeul: "non" },
  "invalidation_annulation.am": { group: "invalidation_annulation", amSeul: "oui" },
  suspension: { group: "suspension" },
  "suspension.am": { group: "suspension", amSeul: "oui" },
};
/** Two démarches of their own (seed 001's notification, seed 004): not options of "Il s'agit". */
const DEMARCHE_MOTIFS = ["permis_international", "correction"];

/** Motifs a driving school may file (seed 002: not the international licence, nor a correction, nor a duplicate). */
const FOR_SCHOOLS = new Set([
  "inscription.premier_permis",
  "inscription.ajout_categories",
  "fabrication.reussite_examen.premier_permis",
  "fabrication.reussite_examen.nouvelle_categorie",
  "fabrication.formation.AM",
  "fabrication.formation.A",
  "fabrication.formation.B96",
  "fabrication.formation.levee_78",
  "invalidation_annulation",
]);
const SCHOOL_REFUSAL = "Une école de conduite ne peut pas déposer cette demande : seul le titulaire du permis peut la faire depuis son compte.";

describe("parseMotifChoice: each group and precision gives its motif", () => {
  it("the table covers exactly the motifs of MOTIFS, but the two démarches of their own", () => {
    expect(Object.keys(MOTIF_INPUTS).sort()).toEqual(MOTIFS.map((m) => m.id).filter((id) => !DEMARCHE_MOTIFS.includes(id)).sort());
  });

  it.each(DEMARCHE_MOTIFS)("« Il s'agit » no longer offers %s (seed 001: « les deux nouvelles démarches … présentes dans votre espace »)", (group) => {
    expect(errorsOf(parseMotifChoice({ beneficiaire: "moi", pour: "majeur", group }, "particulier"))).toEqual({ group: "Indiquez de quelle demande il s'agit." });
  });

  it("the international licence is its own démarche: no « Il s'agit », the motif is fixed", () => {
    expect(valueOf(parseMotifChoice({ beneficiaire: "moi", pour: "majeur", group: "fabrication" }, "particulier", "permis_international"))).toEqual({
      beneficiaire: "moi",
      pour: "majeur",
      motif: "permis_international",
    });
  });

  it.each(Object.entries(MOTIF_INPUTS).map(([id, input]) => ({ id, input })))("$input → $id", ({ id, input }) => {
    expect(parseMotifChoice({ beneficiaire: "moi", pour: "majeur", ...input }, "particulier")).toEqual({
      ok: true,
      value: { beneficiaire: "moi", pour: "majeur", motif: id },
    });
  });

  it.each<{ pour: Pour; beneficiaire: "moi" | "tiers" }>([
    { pour: "majeur", beneficiaire: "tiers" },
    { pour: "mineur", beneficiaire: "moi" },
    { pour: "tutelle", beneficiaire: "tiers" },
  ])("keeps pour=$pour and beneficiaire=$beneficiaire", ({ pour, beneficiaire }) => {
    expect(valueOf(parseMotifChoice({ beneficiaire, pour, group: "brevet_militaire" }, "particulier"))).toEqual({
      beneficiaire,
      pour,
      motif: "brevet_militaire",
    });
  });
});

describe("parseMotifChoice: missing or unknown fields", () => {
  it.each<{ name: string; input: RawInput; errors: Record<string, string> }>([
    {
      name: "nothing answered",
      input: {},
      errors: {
        beneficiaire: "Indiquez pour qui vous faites la demande.",
        pour: "Indiquez pour quelle personne vous effectuez la demande.",
        group: "Indiquez de quelle demande il s'agit.",
      },
    },
    { name: "beneficiaire missing", input: { pour: "majeur", group: "brevet_militaire" }, errors: { beneficiaire: "Indiquez pour qui vous faites la demande." } },
    { name: "beneficiaire unknown", input: { beneficiaire: "voisin", pour: "majeur", group: "brevet_militaire" }, errors: { beneficiaire: "Indiquez pour qui vous faites la demande." } },
    { name: "pour missing", input: { beneficiaire: "moi", group: "brevet_militaire" }, errors: { pour: "Indiquez pour quelle personne vous effectuez la demande." } },
    { name: "pour unknown", input: { beneficiaire: "moi", pour: "emancipe", group: "brevet_militaire" }, errors: { pour: "Indiquez pour quelle personne vous effectuez la demande." } },
    { name: "group missing", input: { beneficiaire: "moi", pour: "majeur" }, errors: { group: "Indiquez de quelle demande il s'agit." } },
    { name: "group unknown", input: { beneficiaire: "moi", pour: "majeur", group: "echange" }, errors: { group: "Indiquez de quelle demande il s'agit." } },
    {
      name: "inscription without its precision",
      input: { beneficiaire: "moi", pour: "majeur", group: "inscription" },
      errors: { inscription: "Indiquez s'il s'agit d'un premier permis ou de l'ajout de nouvelles catégories." },
    },
    {
      name: "inscription with an unknown precision",
      input: { beneficiaire: "moi", pour: "majeur", group: "inscription", inscription: "conduite_supervisee" },
      errors: { inscription: "Indiquez s'il s'agit d'un premier permis ou de l'ajout de nouvelles catégories." },
    },
    {
      name: "fabrication without its reason",
      input: { beneficiaire: "moi", pour: "majeur", group: "fabrication" },
      errors: { fabrication: "Indiquez pourquoi un nouveau permis doit être fabriqué." },
    },
    {
      name: "exam success without the exam",
      input: { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "reussite_examen" },
      errors: { examen: "Indiquez s'il s'agit d'un premier permis ou d'une nouvelle catégorie." },
    },
    {
      name: "formation without the training",
      input: { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "formation" },
      errors: { formation: "Indiquez la formation suivie." },
    },
    {
      name: "formation with an unknown training",
      input: { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "formation", formation: "B" },
      errors: { formation: "Indiquez la formation suivie." },
    },
  ])("$name", ({ input, errors }) => {
    expect(errorsOf(parseMotifChoice(input, "particulier"))).toEqual(errors);
  });

  it("a professional account does not choose the beneficiaire: it is a third party", () => {
    expect(valueOf(parseMotifChoice({ pour: "mineur", group: "inscription", inscription: "premier_permis" }, "professionnel"))).toEqual({
      beneficiaire: "tiers",
      pour: "mineur",
      motif: "inscription.premier_permis",
    });
  });
});

describe("parseMotifChoice from a driving school (professional account)", () => {
  it.each(["fabrication.perte"])("%s is refused", (id) => {
    expect(errorsOf(parseMotifChoice({ pour: "majeur", ...MOTIF_INPUTS[id] }, "professionnel"))).toEqual({ group: SCHOOL_REFUSAL });
  });

  it("the international licence is refused to a school (seed 001: « Ecole de conduite : vous ne devez pas utiliser les deux nouvelles démarches »)", () => {
    expect(errorsOf(parseMotifChoice({ pour: "majeur" }, "professionnel", "permis_international"))).toEqual({ demarche: SCHOOL_REFUSAL });
  });

  it.each(Object.keys(MOTIF_INPUTS).map((id) => ({ id, allowed: FOR_SCHOOLS.has(id) })))("$id → allowed: $allowed", ({ id, allowed }) => {
    const result = parseMotifChoice({ pour: "majeur", ...MOTIF_INPUTS[id] }, "professionnel");
    if (allowed) expect(valueOf(result).motif).toBe(id);
    else expect(errorsOf(result)).toEqual({ group: SCHOOL_REFUSAL });
  });

  it.each([
    { choice: "inscription", open: true },
    { choice: "fabrication", open: true },
    { choice: "fabrication.reussite_examen", open: true },
    { choice: "fabrication.formation", open: true },
    { choice: "invalidation_annulation", open: true },
    { choice: "fabrication.perte", open: false },
    { choice: "fabrication.vol", open: false },
    { choice: "fabrication.changement_etat_civil", open: false },
    { choice: "brevet_militaire", open: false },
    { choice: "suspension", open: false },
    { choice: "permis_international", open: false },
    { choice: "fabrication.reussite", open: false },
  ])("the motif page offers $choice to a school: $open", ({ choice, open }) => {
    expect(openToSchools(choice)).toBe(open);
  });

  it.each(["fabrication.perte"])("%s is allowed from a personal account", (id) => {
    expect(valueOf(parseMotifChoice({ beneficiaire: "moi", pour: "majeur", ...MOTIF_INPUTS[id] }, "particulier")).motif).toBe(id);
  });
});

/* ------------------------------------------------------------------ step 1: the précisions */

const TODAY = new Date("2026-11-22T12:00:00Z");
const DECLARATIONS_NON = { francais: "oui", vehiculeAmenage: "non", vision: "non", affection: "non", pension: "non" };
const STEP1_BASE: RawInput = { categories: ["B"], visiteMedicale: "non", formationComplementaire: "non", conduiteAccompagnee: "non", ...DECLARATIONS_NON };
const CORRECTION_BASE: RawInput = { erreurs: ["etat_civil"], description: "Mon nom est écrit DUPOND au lieu de DUPONT." };
const ORIGIN = { numeroPermis: "12AB34567890", dateReception: "01/10/2026", demandeInitiale: "PC-2026-0000042" };

describe("step1Questions: each motif asks only what it needs (seed 001)", () => {
  type Q = ReturnType<typeof step1Questions>;
  const NONE: Q = {
    categories: false,
    categoriesDetenues: false,
    medical: false,
    formationComplementaire: false,
    declarations: false,
    conduiteAccompagnee: false,
    dejaTitulaire: false,
    numeroPermis: false,
    correction: false,
  };
  it.each<{ id: string; asked: Partial<Q>; seed: string }>([
    { id: "inscription.premier_permis", asked: { categories: true, medical: true, formationComplementaire: true, declarations: true, conduiteAccompagnee: true }, seed: "seed 001: « Déclaration du candidat » for an inscription" },
    { id: "inscription.ajout_categories", asked: { categories: true, categoriesDetenues: true, medical: true, formationComplementaire: true, declarations: true, numeroPermis: true }, seed: "seed 001: « Déclaration du candidat » for an inscription" },
    { id: "fabrication.perte", asked: { categories: true, medical: true }, seed: "issue 7: a loss does not ask « Le permis sera-t-il obtenu par formations complémentaires ? » nor the candidate's declaration" },
    { id: "fabrication.vol", asked: { categories: true, medical: true }, seed: "issue 7: a theft does not ask them either" },
    { id: "fabrication.deterioration", asked: { categories: true, medical: true, numeroPermis: true }, seed: "seed 001's récapitulatif of a détérioration: « La visite médicale n'est pas nécessaire »" },
    { id: "fabrication.reussite_examen.premier_permis", asked: { categories: true, medical: true, formationComplementaire: true, declarations: true, conduiteAccompagnee: true }, seed: "seed 002: title after exam success" },
    { id: "fabrication.formation.AM", asked: { medical: true, declarations: true }, seed: "seed 002: « Demande de titre à la suite d'une formation : AM »" },
    { id: "brevet_militaire", asked: { categories: true, medical: true, formationComplementaire: true, declarations: true, dejaTitulaire: true }, seed: "seed 002: ASSR2 « pour la première obtention d'un titre »: ask whether the person holds a licence" },
    { id: "diplome_professionnel", asked: { categories: true, medical: true, formationComplementaire: true, declarations: true, dejaTitulaire: true }, seed: "seed 001's walkthrough is a « validation de diplôme professionnel »" },
    { id: "suspension", asked: { categories: true, medical: true }, seed: "seed 004: « Nous vous invitons à faire votre demande une fois en possession … dont la visite médicale »" },
    { id: "suspension.am", asked: { medical: true }, seed: "seed 004: « d'une demande d'édition d'un titre doté de la seule catégorie AM »" },
    { id: "permis_international", asked: { numeroPermis: true }, seed: "seed 004: a démarche of its own" },
    { id: "correction", asked: { correction: true }, seed: "seed 004: « saisir le n° de permis concerné et indiquer l'erreur constatée »" },
  ])("$id ($seed)", ({ id, asked }) => {
    expect(step1Questions(motif(id))).toEqual({ ...NONE, ...asked });
  });
});

describe("parseStep1: accepted", () => {
  const DECL = { francais: true, vehiculeAmenage: false, vision: false, affection: false, pension: false };
  it.each<{ name: string; motif: string; input: RawInput; expected: Step1 }>([
    {
      name: "first licence, B",
      motif: "inscription.premier_permis",
      input: STEP1_BASE,
      expected: { categories: ["B"], categoriesDetenues: [], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "first licence, B with AAC and a visit",
      motif: "inscription.premier_permis",
      input: { ...STEP1_BASE, conduiteAccompagnee: "oui", visiteMedicale: "oui", vision: "oui" },
      expected: {
        categories: ["B"],
        categoriesDetenues: [],
        visiteMedicale: true,
        formationComplementaire: "non",
        conduiteAccompagnee: true,
        declarations: { ...DECL, vision: true },
        numeroPermis: "",
      },
    },
    {
      name: "first licence, A1 only: AAC not asked",
      motif: "inscription.premier_permis",
      input: { ...STEP1_BASE, categories: "A1", conduiteAccompagnee: undefined },
      expected: { categories: ["A1"], categoriesDetenues: [], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "categories sorted in reference order, unknown ones dropped",
      motif: "inscription.premier_permis",
      input: { ...STEP1_BASE, categories: ["C", "Z", "B", "CE"], formationComplementaire: "fimo" },
      expected: { categories: ["B", "C", "CE"], categoriesDetenues: [], visiteMedicale: false, formationComplementaire: "fimo", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "CE with C and B held",
      motif: "inscription.ajout_categories",
      input: { ...STEP1_BASE, categories: ["CE"], categoriesDetenues: ["B", "C"], numeroPermis: " 12ab 345 678 " },
      expected: { categories: ["CE"], categoriesDetenues: ["B", "C"], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "12AB345678" },
    },
    {
      name: "C1E with C1 requested together and B held",
      motif: "inscription.ajout_categories",
      input: { ...STEP1_BASE, categories: ["C1", "C1E"], categoriesDetenues: ["B"] },
      expected: { categories: ["C1", "C1E"], categoriesDetenues: ["B"], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "duplicate (perte): no prerequisite rule, CE alone",
      motif: "fabrication.perte",
      input: { ...STEP1_BASE, categories: ["CE"] },
      expected: { categories: ["CE"], categoriesDetenues: [], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "formation AM: the category is AM, not asked",
      motif: "fabrication.formation.AM",
      input: { ...DECLARATIONS_NON, visiteMedicale: "non", categories: ["B"] },
      expected: { categories: ["AM"], categoriesDetenues: [], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "suspension AM only",
      motif: "suspension.am",
      input: { ...DECLARATIONS_NON, visiteMedicale: "oui" },
      expected: { categories: ["AM"], categoriesDetenues: [], visiteMedicale: true, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "" },
    },
    {
      name: "international licence: no category, no medical question",
      motif: "permis_international",
      input: { numeroPermis: "123456" },
      expected: { categories: [], categoriesDetenues: [], visiteMedicale: false, formationComplementaire: "non", conduiteAccompagnee: false, declarations: DECL, numeroPermis: "123456" },
    },
  ])("$name", ({ motif: id, input, expected }) => {
    expect(parseStep1(input, motif(id), TODAY)).toEqual({ ok: true, value: expected });
  });

  it("correction: the locked licence number and original request, the errors and their description are kept (seed 004: « saisir le n° de permis concerné et indiquer l'erreur constatée »)", () => {
    const value = valueOf(parseStep1({ ...CORRECTION_BASE, erreurs: ["etat_civil", "categorie", "inconnue"], numeroPermis: "AUTRE123" }, motif("correction"), TODAY, ORIGIN));
    expect(value.correction).toEqual({ ...ORIGIN, erreurs: ["etat_civil", "categorie"], description: "Mon nom est écrit DUPOND au lieu de DUPONT." });
    expect(value.numeroPermis).toBe("12AB34567890");
    expect(value.categories).toEqual([]);
  });

  it.each<{ motif: string; input: RawInput; dejaTitulaire: boolean }>([
    { motif: "brevet_militaire", input: { ...STEP1_BASE, dejaTitulaire: "non" }, dejaTitulaire: false },
    { motif: "diplome_professionnel", input: { ...STEP1_BASE, dejaTitulaire: "oui" }, dejaTitulaire: true },
  ])("$motif keeps whether the person already holds a licence (seed 002: ASSR2 « pour la première obtention d'un titre »)", ({ motif: id, input, dejaTitulaire }) => {
    expect(valueOf(parseStep1(input, motif(id), TODAY)).dejaTitulaire).toBe(dejaTitulaire);
  });

  it("a loss answers only the categories and the visit (issue 7: no « formations complémentaires », no « Déclaration du candidat »)", () => {
    expect(valueOf(parseStep1({ categories: ["B"], visiteMedicale: "non" }, motif("fabrication.perte"), TODAY)).categories).toEqual(["B"]);
  });

  it("prorogation poids lourds with C and D (seed 000: « pour renouveler votre permis poids lourds »)", () => {
    expect(valueOf(parseStep1({ categories: ["B", "C", "D"], visiteMedicale: "non" }, motif("fabrication.prorogation_poids_lourds"), TODAY)).categories).toEqual(["B", "C", "D"]);
  });
});

describe("parseStep1: refused", () => {
  const DECLARATION_MESSAGES: Record<string, string> = {
    francais: "Répondez par oui ou non : le candidat déclare comprendre et lire couramment le français.",
    vehiculeAmenage: "Répondez par oui ou non : le candidat déclare devoir conduire un véhicule aménagé.",
    vision: "Répondez par oui ou non : le candidat est porteur d'un dispositif de correction de la vision.",
    affection:
      "Répondez par oui ou non : le candidat est atteint à sa connaissance d'une affection et/ou d'un handicap susceptible d'être incompatible avec l'obtention ou le maintien du permis de conduire ou de donner lieu à la délivrance d'un permis de conduire de validité limitée.",
    pension: "Répondez par oui ou non : le candidat est titulaire d'une pension d'invalidité civile ou militaire.",
  };

  it.each<{ name: string; motif: string; input: RawInput; errors: Record<string, string> }>([
    { name: "no category checked", motif: "inscription.premier_permis", input: { ...STEP1_BASE, categories: [] }, errors: { categories: "Cochez au moins une catégorie de permis." } },
    { name: "only unknown categories", motif: "inscription.premier_permis", input: { ...STEP1_BASE, categories: ["B96"] }, errors: { categories: "Cochez au moins une catégorie de permis." } },
    { name: "no category on a duplicate", motif: "fabrication.vol", input: { ...STEP1_BASE, categories: undefined }, errors: { categories: "Cochez au moins une catégorie de permis." } },
    { name: "CE without C and B", motif: "inscription.premier_permis", input: { ...STEP1_BASE, categories: ["CE"], formationComplementaire: "non" }, errors: { categories: "La catégorie CE nécessite les catégories C, B." } },
    {
      name: "CE and BE without anything held",
      motif: "inscription.ajout_categories",
      input: { ...STEP1_BASE, categories: ["BE", "CE"] },
      errors: { categories: "La catégorie BE nécessite la catégorie B. La catégorie CE nécessite les catégories C, B." },
    },
    {
      name: "a category already held",
      motif: "inscription.ajout_categories",
      input: { ...STEP1_BASE, categories: ["B", "C"], categoriesDetenues: ["B", "C"] },
      errors: { categories: "Vous indiquez détenir déjà : B, C. Ne cochez que les catégories demandées." },
    },
    { name: "visit not answered", motif: "inscription.premier_permis", input: { ...STEP1_BASE, visiteMedicale: undefined }, errors: { visiteMedicale: "Indiquez si une visite médicale est nécessaire." } },
    { name: "visit answered 'peut-être'", motif: "inscription.premier_permis", input: { ...STEP1_BASE, visiteMedicale: "peut-être" }, errors: { visiteMedicale: "Indiquez si une visite médicale est nécessaire." } },
    {
      name: "formation complémentaire not answered",
      motif: "inscription.premier_permis",
      input: { ...STEP1_BASE, formationComplementaire: undefined },
      errors: { formationComplementaire: "Indiquez si le permis sera obtenu par formations complémentaires." },
    },
    {
      name: "formation complémentaire unknown",
      motif: "inscription.premier_permis",
      input: { ...STEP1_BASE, formationComplementaire: "bac" },
      errors: { formationComplementaire: "Indiquez si le permis sera obtenu par formations complémentaires." },
    },
    {
      name: "AAC not answered with B on a first licence",
      motif: "inscription.premier_permis",
      input: { ...STEP1_BASE, conduiteAccompagnee: undefined },
      errors: { conduiteAccompagnee: "Indiquez si vous avez suivi l'apprentissage anticipé de la conduite." },
    },
    {
      name: "AAC not answered with B after the exam",
      motif: "fabrication.reussite_examen.premier_permis",
      input: { ...STEP1_BASE, conduiteAccompagnee: undefined },
      errors: { conduiteAccompagnee: "Indiquez si vous avez suivi l'apprentissage anticipé de la conduite." },
    },
    {
      name: "no declaration answered",
      motif: "inscription.premier_permis",
      input: { categories: ["B"], visiteMedicale: "non", formationComplementaire: "non", conduiteAccompagnee: "non" },
      errors: DECLARATION_MESSAGES,
    },
    {
      name: "a badly formatted licence number",
      motif: "inscription.ajout_categories",
      input: { ...STEP1_BASE, categories: ["A"], numeroPermis: "12-AB-34" },
      errors: { numeroPermis: "Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis." },
    },
    {
      name: "prorogation des catégories poids lourds with no heavy category ticked (seed 000: « renouveler votre permis poids lourds … permis C et D uniquement »)",
      motif: "fabrication.prorogation_poids_lourds",
      input: { categories: ["B", "BE"], visiteMedicale: "non" },
      errors: { categories: "La prorogation des catégories poids lourds concerne les catégories C1, C1E, C, CE, D1, D1E, D, DE : cochez celles de votre permis à proroger." },
    },
    {
      name: "brevet militaire without saying whether a licence is held (seed 002: ASSR2 « pour la première obtention d'un titre »)",
      motif: "brevet_militaire",
      input: STEP1_BASE,
      errors: { dejaTitulaire: "Indiquez si la personne est déjà titulaire d'un permis de conduire." },
    },
  ])("$name", ({ motif: id, input, errors }) => {
    expect(errorsOf(parseStep1(input, motif(id), TODAY))).toEqual(errors);
  });

  it.each(Object.keys(DECLARATION_MESSAGES))("declaration %s missing alone", (name) => {
    expect(errorsOf(parseStep1({ ...STEP1_BASE, [name]: undefined }, motif("inscription.premier_permis"), TODAY))).toEqual({
      [name]: DECLARATION_MESSAGES[name],
    });
  });
});

describe("parseStep1: licence number format (6 to 20 letters and digits)", () => {
  const FORMAT = "Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis.";
  it.each<{ input: string; expected: string | { error: string } }>([
    { input: "123456", expected: "123456" },
    { input: "12ab34", expected: "12AB34" },
    { input: " 12 AB 34 56 ", expected: "12AB3456" },
    { input: "A".repeat(20), expected: "A".repeat(20) },
    { input: "", expected: "" }, // optional outside a correction
    { input: "12345", expected: { error: FORMAT } },
    { input: "A".repeat(21), expected: { error: FORMAT } },
    { input: "12-AB-34", expected: { error: FORMAT } },
    { input: "12AB34é", expected: { error: FORMAT } },
  ])("« $input » → $expected", ({ input, expected }) => {
    const result = parseStep1({ numeroPermis: input }, motif("permis_international"), TODAY);
    if (typeof expected === "string") expect(valueOf(result).numeroPermis).toBe(expected);
    else expect(errorsOf(result)).toEqual({ numeroPermis: expected.error });
  });
});

describe("parseStep1: correction (seed 004)", () => {
  const C = motif("correction");
  it.each<{ name: string; input: RawInput; origin?: typeof ORIGIN; errors: Record<string, string> }>([
    { name: "no error checked", input: { ...CORRECTION_BASE, erreurs: [] }, errors: { erreurs: "Cochez l'erreur constatée sur votre permis." } },
    { name: "only an unknown error", input: { ...CORRECTION_BASE, erreurs: "photo" }, errors: { erreurs: "Cochez l'erreur constatée sur votre permis." } },
    {
      name: "no description (seed 004: « indiquer l'erreur constatée »)",
      input: { ...CORRECTION_BASE, description: "   " },
      errors: { description: "Décrivez l'erreur constatée : ce qui figure sur le permis et ce qui devrait y figurer." },
    },
    { name: "a description too long", input: { ...CORRECTION_BASE, description: "x".repeat(401) }, errors: { description: "La description ne doit pas dépasser 400 caractères (vous en avez saisi 401)." } },
  ])("$name", ({ input, errors }) => {
    expect(errorsOf(parseStep1(input, C, TODAY, ORIGIN))).toEqual(errors);
  });

  it("without the original request matched at creation, the licence number is missing", () => {
    expect(errorsOf(parseStep1(CORRECTION_BASE, C, TODAY))).toEqual({ numeroPermis: "Saisissez le numéro du permis à corriger." });
  });
});

describe("parseCorrectionStart: the licence number", () => {
  it.each<{ input: string; expected: string | { error: string } }>([
    { input: " 12ab 345 678 ", expected: "12AB345678" },
    { input: "", expected: { error: "Saisissez le numéro du permis à corriger." } },
    { input: "123", expected: { error: "Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis." } },
    { input: "12-AB-34", expected: { error: "Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis." } },
  ])("« $input » → $expected", ({ input, expected }) => {
    const result = parseCorrectionStart({ numeroPermis: input });
    if (typeof expected === "string") expect(valueOf(result).numeroPermis).toBe(expected);
    else expect(errorsOf(result)).toEqual({ numeroPermis: expected.error });
  });
});

describe("correctionRefusal: the seed's reasons (seed 004: « cette téléprocédure ne s'applique pas si vous avez : … »)", () => {
  const NOW = new Date("2026-11-22T12:00:00Z");
  const title = (over: Partial<OriginalTitle> = {}): OriginalTitle => ({ motifId: "fabrication.perte", issuedAt: new Date("2026-10-01T08:00:00Z"), format: "carte", ...over });
  it.each<{ name: string; original: OriginalTitle | undefined; now?: Date; refusal: string | undefined }>([
    { name: "a title of an earlier online request of the user's, received 7 weeks ago: accepted", original: title(), refusal: undefined },
    { name: "« Seuls les titres issus d'une demande en ligne peuvent être corrigés » / « reçu un titre qui n'est pas le vôtre »: no request of the user's produced it", original: undefined, refusal: CORRECTION_REFUSALS.inconnu },
    { name: "« fait une demande de permis de conduire international »", original: title({ motifId: "permis_international" }), refusal: CORRECTION_REFUSALS.international },
    { name: "« fait une demande initiale d'échange de permis étranger »", original: title({ motifId: "echange_permis_etranger" }), refusal: CORRECTION_REFUSALS.echange },
    { name: "« un permis de conduire sous l'ancien format (autre que le format \"carte bancaire\") »", original: title({ format: "ancien" }), refusal: CORRECTION_REFUSALS.format },
    { name: "« reçu votre titre il y a plus de 6 mois » (2026-05-01)", original: title({ issuedAt: new Date("2026-05-01T08:00:00Z") }), refusal: CORRECTION_REFUSALS.ancien },
    // 6 calendar months, in Paris days: 2026-05-22 + 6 months is 2026-11-22, the day it is refused.
    { name: "received 2026-05-22, checked 2026-11-22: refused (6 months passed)", original: title({ issuedAt: new Date("2026-05-22T10:00:00Z") }), refusal: CORRECTION_REFUSALS.ancien },
    { name: "received 2026-05-23, checked 2026-11-22: accepted (less than 6 calendar months)", original: title({ issuedAt: new Date("2026-05-23T10:00:00Z") }), refusal: undefined },
    { name: "received 2026-02-19, checked 2026-08-20: refused (more than 6 calendar months, though 182 days)", original: title({ issuedAt: new Date("2026-02-19T10:00:00Z") }), now: new Date("2026-08-20T12:00:00Z"), refusal: CORRECTION_REFUSALS.ancien },
  ])("$name", ({ original, now, refusal }) => {
    expect(correctionRefusal(original, now ?? NOW)).toBe(refusal);
  });

  it.each<{ name: string; original: string | undefined; current: string; refusal: string | undefined }>([
    { name: "still in the same département", original: "42", current: "42", refusal: undefined },
    { name: "« déménagé dans un autre département depuis votre demande initiale »", original: "42", current: "75", refusal: CORRECTION_REFUSALS.demenagement },
  ])("movedRefusal: $name", ({ original, current, refusal }) => {
    expect(movedRefusal(original, current)).toBe(refusal);
  });
});

describe("parsePieceComments (seed 001, step 5: « Copie de diplôme - titre professionnel (BEP , CAP) … Commentaire »)", () => {
  const PIECES = [{ id: "identite" }, { id: "diplome", comment: true }] as const;
  it.each<{ name: string; input: RawInput; expected: Record<string, string> | { error: string } }>([
    { name: "a comment on the diplôme is kept, tidied", input: { "commentaire-diplome": "  CAP  obtenu en 2019 " }, expected: { diplome: "CAP obtenu en 2019" } },
    { name: "no comment: nothing", input: {}, expected: {} },
    { name: "a comment on a piece without the field is ignored", input: { "commentaire-identite": "x" }, expected: {} },
    { name: "too long", input: { "commentaire-diplome": "x".repeat(301) }, expected: { error: "Le commentaire ne doit pas dépasser 300 caractères (vous en avez saisi 301)." } },
  ])("$name", ({ input, expected }) => {
    const result = parsePieceComments(input, PIECES);
    if ("error" in expected) expect(errorsOf(result)).toEqual({ "commentaire-diplome": expected.error });
    else expect(valueOf(result)).toEqual(expected);
  });
});

/* ------------------------------------------------------------------ step 2 */

const STEP2_TODAY = new Date("2026-06-01T12:00:00Z");
const STEP2_BASE: RawInput = {
  nomNaissance: " martin ",
  sexe: "F",
  prenom1: "Léa",
  naissanceJour: "14",
  naissanceMois: "07",
  naissanceAnnee: "1990",
  nationalite: "francaise",
  paysNaissance: "99100",
  departementNaissance: "75",
  communeNaissance: "Paris 7e Arrondissement",
};
const REP = { repNom: "martin", repPrenom: "Paul", repQualite: "pere" };
const bornOn = (iso: string): RawInput => {
  const [y, m, d] = iso.split("-") as [string, string, string];
  return { naissanceJour: d, naissanceMois: m, naissanceAnnee: y };
};
const step1With = (categories: Step1["categories"], formationComplementaire: Step1["formationComplementaire"] = "non"): Step1 => ({
  categories,
  categoriesDetenues: [],
  visiteMedicale: false,
  formationComplementaire,
  conduiteAccompagnee: false,
  declarations: { francais: true, vehiculeAmenage: false, vision: false, affection: false, pension: false },
  numeroPermis: "",
});
const ctx2 = (over: { motif?: string; pour?: Pour; step1?: Step1 } = {}) => ({
  motif: motif(over.motif ?? "inscription.premier_permis"),
  pour: over.pour ?? "majeur",
  step1: over.step1,
  places,
  today: STEP2_TODAY,
});

describe("parseStep2: accepted", () => {
  it("a person born in Paris", () => {
    expect(parseStep2(STEP2_BASE, ctx2())).toEqual({
      ok: true,
      value: {
        nomNaissance: "MARTIN",
        nomUsage: "",
        sexe: "F",
        prenoms: ["Léa"],
        dateNaissance: { day: 14, month: 7, year: 1990 },
        nationalite: "francaise",
        paysNaissance: { code: "99100", name: "France" },
        departementNaissance: { code: "75", name: "Paris" },
        communeNaissance: { code: "75107", name: "Paris 7e Arrondissement" },
      },
    });
  });

  it.each<{ name: string; input: RawInput; check: (v: EtatCivil) => void }>([
    { name: "00/00/1990 is accepted and kept", input: { ...STEP2_BASE, naissanceJour: "00", naissanceMois: "00" }, check: (v) => expect(v.dateNaissance).toEqual({ day: 0, month: 0, year: 1990 }) },
    { name: "00/07/1990 is accepted and kept", input: { ...STEP2_BASE, naissanceJour: "00" }, check: (v) => expect(v.dateNaissance).toEqual({ day: 0, month: 7, year: 1990 }) },
    {
      name: "born abroad: no département needed, free-text city",
      input: { ...STEP2_BASE, paysNaissance: "99350", departementNaissance: "", communeNaissance: "  Casablanca  ", nationalite: "autre" },
      check: (v) => {
        expect(v.paysNaissance).toEqual({ code: "99350", name: "Maroc" });
        expect(v.departementNaissance).toBeUndefined();
        expect(v.communeNaissance).toEqual({ name: "Casablanca" });
        expect(v.nationalite).toBe("autre");
      },
    },
    {
      name: "born abroad: a département given anyway is ignored",
      input: { ...STEP2_BASE, paysNaissance: "99350", departementNaissance: "75", communeNaissance: "Rabat" },
      check: (v) => {
        expect(v.departementNaissance).toBeUndefined();
        expect(v.communeNaissance).toEqual({ name: "Rabat" });
      },
    },
    {
      name: "commune found whatever its case and accents",
      input: { ...STEP2_BASE, departementNaissance: "42", communeNaissance: "saint etienne" },
      check: (v) => expect(v.communeNaissance).toEqual({ code: "42218", name: "Saint-Étienne" }),
    },
    {
      name: "names tidied, birth and usage names in capitals, several first names",
      input: { ...STEP2_BASE, nomNaissance: "n'diaye  diallo", nomUsage: "dupont-moreau", prenom1: "Jean-Pierre", prenom2: "  Marie ", prenom3: "", prenom4: "Éloïse" },
      check: (v) => {
        expect(v.nomNaissance).toBe("N'DIAYE DIALLO");
        expect(v.nomUsage).toBe("DUPONT-MOREAU");
        expect(v.prenoms).toEqual(["Jean-Pierre", "Marie", "Éloïse"]);
      },
    },
    {
      name: "a minor of 17 with a representative",
      input: { ...STEP2_BASE, ...bornOn("2009-01-01"), ...REP },
      check: (v) => expect(v.representant).toEqual({ nom: "MARTIN", prenom: "Paul", qualite: "pere" }),
    },
  ])("$name", ({ input, check }) => {
    const pour: Pour = input.repNom ? "mineur" : "majeur";
    check(valueOf(parseStep2(input, ctx2({ pour }))));
  });

  it("a person under tutelle with a tutor", () => {
    const v = valueOf(parseStep2({ ...STEP2_BASE, ...REP, repQualite: "tuteur" }, ctx2({ pour: "tutelle" })));
    expect(v.representant).toEqual({ nom: "MARTIN", prenom: "Paul", qualite: "tuteur" });
  });

  it("an adult has no representative, even if one is typed", () => {
    expect(valueOf(parseStep2({ ...STEP2_BASE, ...REP }, ctx2({ pour: "majeur" }))).representant).toBeUndefined();
  });
});

describe("parseStep2: refused fields", () => {
  it.each<{ name: string; input: RawInput; errors: Record<string, string> }>([
    { name: "birth name missing", input: { ...STEP2_BASE, nomNaissance: "" }, errors: { nomNaissance: "Saisissez votre nom de naissance." } },
    {
      name: "birth name with digits",
      input: { ...STEP2_BASE, nomNaissance: "R2D2" },
      errors: { nomNaissance: "Le champ « nom de naissance » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes." },
    },
    { name: "sex missing", input: { ...STEP2_BASE, sexe: "" }, errors: { sexe: "Indiquez le sexe de la personne." } },
    { name: "sex unknown", input: { ...STEP2_BASE, sexe: "X" }, errors: { sexe: "Indiquez le sexe de la personne." } },
    { name: "first name missing", input: { ...STEP2_BASE, prenom1: " " }, errors: { prenom1: "Saisissez votre 1er prénom." } },
    {
      name: "second first name invalid",
      input: { ...STEP2_BASE, prenom2: "L3a" },
      errors: { prenom2: "Le champ « 2ème prénom » ne peut contenir que des lettres, des espaces, des tirets et des apostrophes." },
    },
    { name: "birth date missing", input: { ...STEP2_BASE, naissanceJour: "", naissanceMois: "", naissanceAnnee: "" }, errors: { naissance: "Saisissez la date de naissance." } },
    {
      name: "birth date 07/00/1990",
      input: { ...STEP2_BASE, naissanceJour: "07", naissanceMois: "00" },
      errors: { naissance: "Si le mois de naissance est inconnu (00), le jour doit l'être aussi (00/00/AAAA)." },
    },
    { name: "birth date in the future", input: { ...STEP2_BASE, ...bornOn("2026-06-02") }, errors: { naissance: "La date de naissance ne peut pas être dans le futur." } },
    { name: "nationality missing", input: { ...STEP2_BASE, nationalite: "" }, errors: { nationalite: "Indiquez la nationalité de la personne." } },
    { name: "nationality unknown", input: { ...STEP2_BASE, nationalite: "belge" }, errors: { nationalite: "Indiquez la nationalité de la personne." } },
    { name: "country unknown", input: { ...STEP2_BASE, paysNaissance: "99999" }, errors: { paysNaissance: "Choisissez le pays de naissance dans la liste." } },
    { name: "country missing", input: { ...STEP2_BASE, paysNaissance: "" }, errors: { paysNaissance: "Choisissez le pays de naissance dans la liste." } },
    {
      name: "born in France without département",
      input: { ...STEP2_BASE, departementNaissance: "" },
      errors: { departementNaissance: "Choisissez le département ou la collectivité d'outre-mer de naissance." },
    },
    { name: "born in France without commune", input: { ...STEP2_BASE, communeNaissance: "" }, errors: { communeNaissance: "Saisissez la commune de naissance." } },
    {
      name: "born in France, commune unknown in the département",
      input: { ...STEP2_BASE, communeNaissance: "Saint-Étienne" },
      errors: { communeNaissance: "Aucune commune « Saint-Étienne » n'existe dans ce département (Paris) : vérifiez l'orthographe ou le département." },
    },
    {
      name: "born in France, misspelt commune in the Loire",
      input: { ...STEP2_BASE, departementNaissance: "42", communeNaissance: "Saint-Etiène" },
      errors: { communeNaissance: "Aucune commune « Saint-Etiène » n'existe dans ce département (Loire) : vérifiez l'orthographe ou le département." },
    },
    { name: "born abroad without city", input: { ...STEP2_BASE, paysNaissance: "99350", communeNaissance: "" }, errors: { communeNaissance: "Saisissez la ville de naissance." } },
  ])("$name", ({ input, errors }) => {
    expect(errorsOf(parseStep2(input, ctx2()))).toEqual(errors);
  });
});

describe("parseStep2: representative for a minor or a person under tutelle", () => {
  it.each<{ pour: Pour; birth: string }>([
    { pour: "mineur", birth: "2010-01-01" },
    { pour: "tutelle", birth: "1990-07-14" },
  ])("pour $pour: the representative's name, first name and quality are required", ({ pour, birth }) => {
    const errors = errorsOf(parseStep2({ ...STEP2_BASE, ...bornOn(birth) }, ctx2({ pour })));
    expect(Object.keys(errors).sort()).toEqual(["repNom", "repPrenom", "repQualite"]);
    expect(errors.repNom).toContain("représentant légal");
    expect(errors.repPrenom).toContain("représentant légal");
    expect(errors.repQualite).toBe("Indiquez la qualité du représentant légal.");
  });

  it("an unknown quality is refused", () => {
    expect(errorsOf(parseStep2({ ...STEP2_BASE, ...bornOn("2010-01-01"), ...REP, repQualite: "oncle" }, ctx2({ pour: "mineur" })))).toEqual({
      repQualite: "Indiquez la qualité du représentant légal.",
    });
  });
});

describe("parseStep2: age rules", () => {
  const MAJEUR =
    "Cette personne est majeure : à l'étape 1, choisissez « pour une personne majeure ou mineure émancipée ».";

  it.each<{ name: string; birth: string; motif: string; pour?: Pour; step1?: Step1; error: string | undefined }>([
    { name: "a 'minor' who is 30", birth: "1996-01-01", motif: "inscription.premier_permis", pour: "mineur", error: MAJEUR },
    { name: "a 'minor' who turns 18 today", birth: "2008-06-01", motif: "inscription.premier_permis", pour: "mineur", error: MAJEUR },
    { name: "a minor of 17 (18 tomorrow)", birth: "2008-06-02", motif: "inscription.premier_permis", pour: "mineur", error: undefined },
    { name: "a minor born 00/00/2008 (may be 17)", birth: "2008-00-00", motif: "inscription.premier_permis", pour: "mineur", error: undefined },
    // title after exam: minimum age of the category
    { name: "title, B at 16", birth: "2010-06-01", motif: "fabrication.reussite_examen.premier_permis", step1: step1With(["B"]), error: "Pour la catégorie B, il faut avoir au moins 17 ans." },
    { name: "title, B at 17", birth: "2009-06-01", motif: "fabrication.reussite_examen.premier_permis", step1: step1With(["B"]), error: undefined },
    { name: "title, B at 17 if born 00/00/2009 (latest day counts)", birth: "2009-00-00", motif: "fabrication.reussite_examen.premier_permis", step1: step1With(["B"]), error: "Pour la catégorie B, il faut avoir au moins 17 ans." },
    { name: "title, C at 20 without qualification", birth: "2006-06-02", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["C"]), error: "Pour la catégorie C, il faut avoir au moins 21 ans." },
    { name: "title, C at 21 without qualification", birth: "2005-06-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["C"]), error: undefined },
    { name: "title, C at 18 with FIMO", birth: "2008-06-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["C"], "fimo"), error: undefined },
    { name: "title, C at 18 with a CAP", birth: "2008-06-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["C"], "cap"), error: undefined },
    { name: "title, C at 17 with FIMO", birth: "2009-06-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["C"], "fimo"), error: "Pour la catégorie C, il faut avoir au moins 18 ans." },
    { name: "title, D at 23 with FIMO", birth: "2003-06-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["D"], "fimo"), error: undefined },
    { name: "title, D at 20 with FIMO", birth: "2006-01-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["D"], "fimo"), error: "Pour la catégorie D, il faut avoir au moins 21 ans." },
    { name: "formation AM at 14", birth: "2012-06-01", motif: "fabrication.formation.AM", step1: step1With(["AM"]), error: undefined },
    { name: "formation AM at 13", birth: "2013-01-01", motif: "fabrication.formation.AM", step1: step1With(["AM"]), error: "Pour la catégorie AM, il faut avoir au moins 14 ans." },
    { name: "first failing category is reported", birth: "2008-01-01", motif: "fabrication.reussite_examen.nouvelle_categorie", step1: step1With(["BE", "C", "D"]), error: "Pour la catégorie C, il faut avoir au moins 21 ans." },
    // inscription: one year early; B from 15
    { name: "inscription, B at 15", birth: "2011-06-01", motif: "inscription.premier_permis", step1: step1With(["B"]), error: undefined },
    { name: "inscription, B at 14", birth: "2011-06-02", motif: "inscription.premier_permis", step1: step1With(["B"]), error: "Pour la catégorie B, il faut avoir au moins 15 ans pour s'inscrire." },
    { name: "inscription, C at 20 without qualification", birth: "2006-06-01", motif: "inscription.ajout_categories", step1: step1With(["C"]), error: undefined },
    { name: "inscription, C at 19 without qualification", birth: "2006-06-02", motif: "inscription.ajout_categories", step1: step1With(["C"]), error: "Pour la catégorie C, il faut avoir au moins 20 ans pour s'inscrire." },
    { name: "inscription, A at 18", birth: "2008-01-01", motif: "inscription.premier_permis", step1: step1With(["A"]), error: "Pour la catégorie A, il faut avoir au moins 19 ans pour s'inscrire." },
    // no new right: no age rule
    { name: "duplicate (perte), C at 19: no age rule", birth: "2007-01-01", motif: "fabrication.perte", step1: step1With(["C"]), error: undefined },
    { name: "step 1 not filled yet: no category rule", birth: "2012-01-01", motif: "fabrication.reussite_examen.premier_permis", error: undefined },
  ])("$name", ({ birth, motif: id, pour, step1, error }) => {
    const [y, m, d] = birth.split("-") as [string, string, string];
    const input = { ...STEP2_BASE, naissanceJour: d, naissanceMois: m, naissanceAnnee: y, ...(pour && pour !== "majeur" ? REP : {}) };
    const result = parseStep2(input, ctx2({ motif: id, pour: pour ?? "majeur", ...(step1 ? { step1 } : {}) }));
    if (error === undefined) expect(result.ok).toBe(true);
    else expect(errorsOf(result)).toEqual({ naissance: error });
  });
});

describe("firstNameCount", () => {
  it.each<{ input: RawInput; expected: number }>([
    { input: {}, expected: 2 },
    { input: { prenomCount: "3" }, expected: 3 },
    { input: { prenomCount: "9" }, expected: 4 },
    { input: { prenomCount: "abc" }, expected: 2 },
    { input: { prenom4: "Zoé" }, expected: 4 },
    { input: { prenomCount: "2", prenom3: "Zoé" }, expected: 3 },
  ])("$input → $expected", ({ input, expected }) => {
    expect(firstNameCount(input)).toBe(expected);
  });
});

/* ------------------------------------------------------------------ step 3 */

const STEP3_BASE: RawInput = {
  numero: "12",
  extension: "bis",
  typeVoie: "rue",
  nomVoie: "  de   Grenelle ",
  complement: "",
  codePostal: "75007",
  commune: "Paris",
  prefecture: "75056",
  email: "Lea.Martin@Example.fr",
  telephone: "06 12 34 56 78",
  consentement: "non",
  justificatifAuNom: "oui",
};

describe("parseStep3: accepted", () => {
  it("an address in Paris", () => {
    expect(parseStep3(STEP3_BASE, { places })).toEqual({
      ok: true,
      value: {
        numero: "12",
        extension: "bis",
        typeVoie: "rue",
        nomVoie: "de Grenelle",
        complement: "",
        codePostal: "75007",
        commune: { code: "75056", name: "Paris", departement: "75" },
        prefecture: { id: "75056", label: "Préfecture de police de Paris" },
        email: "lea.martin@example.fr",
        telephone: "0612345678",
        consentement: false,
        justificatifAuNom: true,
      },
    });
  });

  it.each<{ name: string; input: RawInput; check: Record<string, unknown> }>([
    { name: "postcode with a space", input: { codePostal: "75 007" }, check: { codePostal: "75007" } },
    { name: "optional fields empty", input: { numero: "", extension: "", typeVoie: "", telephone: "" }, check: { numero: "", extension: "", typeVoie: "", telephone: "" } },
    {
      name: "an address in the Loire with its préfecture",
      input: { codePostal: "42000", commune: "saint-etienne", prefecture: "42218" },
      check: { commune: { code: "42218", name: "Saint-Étienne", departement: "42" }, prefecture: { id: "42218", label: "Préfecture de la Loire" } },
    },
    { name: "consent yes, proof not in own name", input: { consentement: "oui", justificatifAuNom: "non" }, check: { consentement: true, justificatifAuNom: false } },
  ])("$name", ({ input, check }) => {
    expect(valueOf(parseStep3({ ...STEP3_BASE, ...input }, { places }))).toMatchObject(check);
  });
});

describe("parseStep3: refused fields", () => {
  it.each<{ name: string; input: RawInput; errors: Record<string, string> }>([
    { name: "street name missing", input: { nomVoie: "  " }, errors: { nomVoie: "Saisissez le nom de la voie." } },
    { name: "street name too long", input: { nomVoie: "a".repeat(101) }, errors: { nomVoie: "Le nom de la voie ne doit pas dépasser 100 caractères." } },
    { name: "complement too long", input: { complement: "b".repeat(101) }, errors: { complement: "Le complément d'adresse ne doit pas dépasser 100 caractères." } },
    { name: "street number with a letter", input: { numero: "12b" }, errors: { numero: "Le numéro de la voie ne doit contenir que des chiffres." } },
    { name: "unknown extension", input: { extension: "quinto" }, errors: { extension: "Choisissez une extension dans la liste." } },
    { name: "unknown street type", input: { typeVoie: "autoroute" }, errors: { typeVoie: "Choisissez un type de voie dans la liste." } },
    { name: "postcode of 4 digits", input: { codePostal: "7500" }, errors: { codePostal: "Le code postal se compose de 5 chiffres." } },
    { name: "postcode with a letter", input: { codePostal: "2A004" }, errors: { codePostal: "Le code postal se compose de 5 chiffres." } },
    { name: "postcode missing", input: { codePostal: "" }, errors: { codePostal: "Le code postal se compose de 5 chiffres." } },
    { name: "unknown postcode", input: { codePostal: "99999" }, errors: { codePostal: "Ce code postal n'existe pas." } },
    { name: "commune missing", input: { commune: "" }, errors: { commune: "Saisissez la commune." } },
    { name: "commune not matching the postcode", input: { commune: "Lyon" }, errors: { commune: "La commune ne correspond pas au code postal 75007 (Paris)." } },
    {
      name: "commune not matching a postcode of several communes",
      input: { codePostal: "42600", commune: "Saint-Étienne", prefecture: "42218" },
      errors: { commune: "La commune ne correspond pas au code postal 42600 (Montbrison, Savigneux, Champdieu)." },
    },
    {
      name: "commune not matching a postcode of six communes: five listed",
      input: { codePostal: "42990", commune: "Sept", prefecture: "42218" },
      errors: { commune: "La commune ne correspond pas au code postal 42990 (Un, Deux, Trois, Quatre, Cinq…)." },
    },
    { name: "préfecture missing", input: { prefecture: "" }, errors: { prefecture: "Choisissez la préfecture ou sous-préfecture de rattachement." } },
    { name: "préfecture unknown", input: { prefecture: "00000" }, errors: { prefecture: "Choisissez la préfecture ou sous-préfecture de rattachement." } },
    {
      name: "préfecture of another département",
      input: { prefecture: "42218" },
      errors: { prefecture: "Choisissez une préfecture ou sous-préfecture du département de votre domicile." },
    },
    { name: "email missing", input: { email: "" }, errors: { email: "Saisissez votre adresse mél." } },
    { name: "email without domain", input: { email: "lea@" }, errors: { email: "Saisissez une adresse mél valide, au format nom@domaine.fr." } },
    { name: "email without tld", input: { email: "lea@example" }, errors: { email: "Saisissez une adresse mél valide, au format nom@domaine.fr." } },
    { name: "consent not answered", input: { consentement: "" }, errors: { consentement: "Indiquez si vous acceptez que vos données soient réutilisées à des fins d'information." } },
    {
      name: "proof of address not answered",
      input: { justificatifAuNom: undefined },
      errors: { justificatifAuNom: "Indiquez si le justificatif de domicile est au nom de la personne concernée." },
    },
  ])("$name", ({ input, errors }) => {
    expect(errorsOf(parseStep3({ ...STEP3_BASE, ...input }, { places }))).toEqual(errors);
  });
});

describe("parseStep3: mobile phone numbers", () => {
  const PHONE = "Saisissez un numéro de téléphone portable français, par exemple 06 12 34 56 78.";
  it.each<{ input: string; expected: string | { error: string } }>([
    { input: "06 12 34 56 78", expected: "0612345678" },
    { input: "0612345678", expected: "0612345678" },
    { input: "06.12.34.56.78", expected: "0612345678" },
    { input: "06-12-34-56-78", expected: "0612345678" },
    { input: "+33612345678", expected: "0612345678" },
    { input: "+33 6 12 34 56 78", expected: "0612345678" },
    { input: "0033 7 12 34 56 78", expected: "0712345678" },
    { input: "07 98 76 54 32", expected: "0798765432" },
    { input: "", expected: "" },
    { input: "01 23 45 67 89", expected: { error: PHONE } },
    { input: "09 12 34 56 78", expected: { error: PHONE } },
    { input: "+33 1 23 45 67 89", expected: { error: PHONE } },
    { input: "06 12 34 56 7", expected: { error: PHONE } },
    { input: "06 12 34 56 789", expected: { error: PHONE } },
    { input: "+44 7911 123456", expected: { error: PHONE } },
    { input: "six douze", expected: { error: PHONE } },
  ])("« $input » → $expected", ({ input, expected }) => {
    const result = parseStep3({ ...STEP3_BASE, telephone: input }, { places });
    if (typeof expected === "string") expect(valueOf(result).telephone).toBe(expected);
    else expect(errorsOf(result)).toEqual({ telephone: expected.error });
  });
});

/* ------------------------------------------------------------------ step 4 */

describe("parseStep4", () => {
  const CODE = "1234567890123456789012";
  it.each<{ name: string; input: RawInput; expected: ReturnType<typeof parseStep4> }>([
    { name: "22 digits", input: { photoOption: "numerique", codePhoto: CODE }, expected: { ok: true, value: { option: "numerique", code: CODE } } },
    {
      name: "22 digits with spaces",
      input: { photoOption: "numerique", codePhoto: " 1234 5678 9012 3456 7890 12 " },
      expected: { ok: true, value: { option: "numerique", code: CODE } },
    },
    {
      name: "21 digits",
      input: { photoOption: "numerique", codePhoto: CODE.slice(0, 21) },
      expected: { ok: false, errors: { codePhoto: "Le code photo signature numérique comporte 22 chiffres : vous en avez saisi 21." } },
    },
    {
      name: "23 digits",
      input: { photoOption: "numerique", codePhoto: `${CODE}3` },
      expected: { ok: false, errors: { codePhoto: "Le code photo signature numérique comporte 22 chiffres : vous en avez saisi 23." } },
    },
    {
      name: "letters",
      input: { photoOption: "numerique", codePhoto: "12345678901234567890AB" },
      expected: { ok: false, errors: { codePhoto: "Le code photo signature numérique ne comporte que des chiffres." } },
    },
    {
      name: "dashes",
      input: { photoOption: "numerique", codePhoto: "1234-5678-9012-3456-7890-12" },
      expected: { ok: false, errors: { codePhoto: "Le code photo signature numérique ne comporte que des chiffres." } },
    },
    {
      name: "empty code",
      input: { photoOption: "numerique", codePhoto: "  " },
      expected: { ok: false, errors: { codePhoto: "Saisissez le code photo signature numérique (22 chiffres)." } },
    },
    { name: "classic photo", input: { photoOption: "classique", codePhoto: "123" }, expected: { ok: true, value: { option: "classique" } } },
    {
      name: "no photo yet: blocking",
      input: { photoOption: "aucune" },
      expected: {
        ok: false,
        errors: {
          photoOption:
            "Pour continuer, il vous faut une photo et une signature : faites-les chez un photographe ou dans une cabine agréés, puis revenez compléter votre demande avec le code remis.",
        },
      },
    },
    { name: "nothing chosen", input: {}, expected: { ok: false, errors: { photoOption: "Choisissez l'une des options pour la photo et la signature." } } },
    { name: "unknown option", input: { photoOption: "selfie" }, expected: { ok: false, errors: { photoOption: "Choisissez l'une des options pour la photo et la signature." } } },
  ])("$name", ({ input, expected }) => {
    expect(parseStep4(input)).toEqual(expected);
  });
});

/* ------------------------------------------------------------------ step 5: the stamp */

describe("parseStampNumber", () => {
  const WRONG = "Le numéro du timbre fiscal électronique comporte 16 chiffres, sans lettre.";
  it.each<{ input: RawInput; expected: ReturnType<typeof parseStampNumber> }>([
    { input: { numeroTimbre: "1234567890123456" }, expected: { ok: true, value: { numeroTimbre: "1234567890123456" } } },
    { input: { numeroTimbre: " 1234 5678 9012 3456 " }, expected: { ok: true, value: { numeroTimbre: "1234567890123456" } } },
    { input: { numeroTimbre: "123456789012345" }, expected: { ok: false, errors: { numeroTimbre: WRONG } } },
    { input: { numeroTimbre: "12345678901234567" }, expected: { ok: false, errors: { numeroTimbre: WRONG } } },
    { input: { numeroTimbre: "123456789012345A" }, expected: { ok: false, errors: { numeroTimbre: WRONG } } },
    { input: { numeroTimbre: "1234-5678-9012-3456" }, expected: { ok: false, errors: { numeroTimbre: WRONG } } },
    { input: { numeroTimbre: "" }, expected: { ok: false, errors: { numeroTimbre: "Saisissez le numéro du timbre fiscal électronique (16 chiffres)." } } },
    { input: {}, expected: { ok: false, errors: { numeroTimbre: "Saisissez le numéro du timbre fiscal électronique (16 chiffres)." } } },
  ])("$input.numeroTimbre → ok: $expected.ok", ({ input, expected }) => {
    expect(parseStampNumber(input)).toEqual(expected);
  });
});
