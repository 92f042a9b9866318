import { describe, expect, it } from "vitest";
import type { PartialDate } from "../../../src/domain/request/birthdate.ts";
import { CATEGORIES, isHeavy, type Category } from "../../../src/domain/request/categories.ts";
import { MOTIFS, motifInfo, type MotifInfo } from "../../../src/domain/request/motifs.ts";
import {
  PIECE_IDS,
  PIECE_TYPES,
  isPieceId,
  requiredPieces,
  type PieceId,
  type RequestFacts,
  type RequiredPiece,
} from "../../../src/domain/request/pieces.ts";

const ON = new Date("2026-11-22T12:00:00Z");
const BORN_1995: PartialDate = { day: 1, month: 5, year: 1995 }; // 31 on ON

function motif(id: string): MotifInfo {
  const m = motifInfo(id);
  if (!m) throw new Error(`unknown motif ${id}`);
  return m;
}

/** The base person: adult, French, born 1995-05-01, no heavy category, no declarations, lives in Paris, proof in own name. */
function facts(motifId: string, over: Partial<RequestFacts> = {}): RequestFacts {
  return {
    motif: motif(motifId),
    pour: "majeur",
    categories: [],
    visiteMedicale: false,
    conduiteAccompagnee: false,
    declarations: { affection: false, pension: false, vehiculeAmenage: false },
    birthdate: BORN_1995,
    nationalite: "francaise",
    departement: "75",
    justificatifAuNom: true,
    on: ON,
    ...over,
  };
}

const ids = (pieces: RequiredPiece[]) => pieces.map((p) => p.id);
const piece = (pieces: RequiredPiece[], id: PieceId) => pieces.find((p) => p.id === id);

/** A person born on `iso` (YYYY-MM-DD). */
const born = (iso: string): PartialDate => {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return { day: d, month: m, year: y };
};

describe("piece types", () => {
  it("lists the pieces in a stable order", () => {
    expect(PIECE_IDS).toEqual([
      "identite",
      "domicile",
      "hebergement",
      "identite_hebergeant",
      "sejour",
      "jdc",
      "assr",
      "permis",
      "aac",
      "avis_medical",
      "cepc",
      "declaration_vol",
      "timbre",
      "etat_civil",
      "diplome",
      "brevet",
      "formation",
      "taxe_regionale",
      "representant_identite",
      "representant_signature",
    ]);
  });

  it.each<{ id: PieceId; maxPages: number }>([
    { id: "identite", maxPages: 2 },
    { id: "domicile", maxPages: 5 },
    { id: "timbre", maxPages: 0 },
  ])("$id allows $maxPages page(s) (SPEC §3 step 5)", ({ id, maxPages }) => {
    expect(PIECE_TYPES[id].maxPages).toBe(maxPages);
  });

  it.each<{ value: string; expected: boolean }>([
    { value: "identite", expected: true },
    { value: "timbre", expected: true },
    { value: "toString", expected: false },
    { value: "passeport", expected: false },
  ])("isPieceId($value) is $expected", ({ value, expected }) => {
    expect(isPieceId(value)).toBe(expected);
  });
});

describe("requiredPieces for every motif (base person)", () => {
  const EXPECTED: Record<string, PieceId[]> = {
    "inscription.premier_permis": ["identite", "domicile", "assr"],
    "inscription.ajout_categories": ["identite", "domicile", "permis"],
    "fabrication.perte": ["identite", "domicile", "timbre"],
    "fabrication.vol": ["identite", "domicile", "declaration_vol", "timbre"],
    "fabrication.deterioration": ["identite", "domicile", "permis"],
    "fabrication.expiration": ["identite", "domicile", "permis"],
    "fabrication.prorogation_poids_lourds": ["identite", "domicile", "permis", "avis_medical"],
    "fabrication.changement_etat_civil": ["identite", "domicile", "permis", "etat_civil"],
    "fabrication.reussite_examen.premier_permis": ["identite", "domicile", "assr", "cepc"],
    "fabrication.reussite_examen.nouvelle_categorie": ["identite", "domicile", "permis", "cepc"],
    "fabrication.formation.AM": ["identite", "domicile", "assr", "formation"],
    "fabrication.formation.A": ["identite", "domicile", "permis", "formation"],
    "fabrication.formation.B96": ["identite", "domicile", "permis", "formation"],
    "fabrication.formation.levee_78": ["identite", "domicile", "permis", "formation"],
    brevet_militaire: ["identite", "domicile", "brevet"],
    diplome_professionnel: ["identite", "domicile", "diplome"],
    invalidation_annulation: ["identite", "domicile", "avis_medical", "cepc"],
    "invalidation_annulation.am": ["identite", "domicile", "avis_medical"],
    suspension: ["identite", "domicile", "avis_medical"],
    "suspension.am": ["identite", "domicile", "avis_medical"],
    permis_international: ["identite", "domicile", "permis"],
    correction: ["identite", "domicile", "permis"],
  };

  it("the table covers exactly the motifs of MOTIFS", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(MOTIFS.map((m) => m.id).sort());
  });

  it.each(MOTIFS.map((m) => ({ id: m.id, expected: EXPECTED[m.id] })))("$id → $expected", ({ id, expected }) => {
    expect(ids(requiredPieces(facts(id)))).toEqual(expected);
  });

  it.each(MOTIFS.map((m) => ({ id: m.id })))("$id: identity and address proof are asked 'pour toute demande'", ({ id }) => {
    const pieces = requiredPieces(facts(id));
    expect(piece(pieces, "identite")?.reasons).toEqual(["pour toute demande"]);
    expect(piece(pieces, "domicile")?.reasons).toEqual(["pour toute demande"]);
  });

  it("each required piece carries its type's label, hint, page limit and kind, and at least one reason", () => {
    for (const m of MOTIFS) {
      for (const p of requiredPieces(facts(m.id))) {
        const type = PIECE_TYPES[p.id];
        expect(p.label).toBe(type.label);
        expect(p.maxPages).toBe(type.maxPages);
        expect(p.kind).toBe(type.kind);
        expect(p.hint).toBe("hint" in type ? type.hint : undefined);
        expect(p.reasons.length).toBeGreaterThan(0);
        for (const r of p.reasons) expect(r).toMatch(/^(parce que|parce qu'|pour toute demande)/);
      }
    }
  });
});

describe("ASSR2/ASR: first titles, people born from 1988-01-01", () => {
  const ASSR_REASON = "parce qu'il s'agit d'un premier permis et que vous êtes né(e) à partir du 1er janvier 1988";
  it.each<{ motif: string; birthdate: PartialDate | undefined; expected: boolean }>([
    { motif: "inscription.premier_permis", birthdate: born("1987-12-31"), expected: false },
    { motif: "inscription.premier_permis", birthdate: born("1988-01-01"), expected: true },
    { motif: "inscription.premier_permis", birthdate: { day: 0, month: 0, year: 1988 }, expected: true },
    { motif: "inscription.premier_permis", birthdate: { day: 0, month: 0, year: 1987 }, expected: false },
    { motif: "inscription.premier_permis", birthdate: undefined, expected: false },
    { motif: "fabrication.reussite_examen.premier_permis", birthdate: born("1988-01-01"), expected: true },
    { motif: "fabrication.reussite_examen.premier_permis", birthdate: born("1987-12-31"), expected: false },
    { motif: "fabrication.formation.AM", birthdate: born("2010-03-03"), expected: true },
    { motif: "inscription.ajout_categories", birthdate: born("1988-01-01"), expected: false },
    { motif: "fabrication.reussite_examen.nouvelle_categorie", birthdate: born("2000-01-01"), expected: false },
    { motif: "fabrication.perte", birthdate: born("2000-01-01"), expected: false },
    { motif: "invalidation_annulation", birthdate: born("2000-01-01"), expected: false },
  ])("$motif, born $birthdate.day/$birthdate.month/$birthdate.year → assr: $expected", ({ motif: id, birthdate, expected }) => {
    const p = piece(requiredPieces(facts(id, { birthdate })), "assr");
    expect(p !== undefined).toBe(expected);
    if (p) expect(p.reasons).toEqual([ASSR_REASON]);
  });
});

describe("JDC: French nationals aged 16 to 24, on motifs leading to new rights", () => {
  const JDC_REASON = "parce que vous êtes de nationalité française et avez moins de 25 ans";
  // On 2026-11-22: born 2002-11-22 is 24; 2001-11-22 is 25; 2011-11-23 is 14, 2010-11-22 is 16.
  it.each<{ name: string; motif: string; over: Partial<RequestFacts>; expected: boolean }>([
    { name: "24, French, inscription", motif: "inscription.premier_permis", over: { birthdate: born("2001-11-23") }, expected: true },
    { name: "24 (birthday today), French", motif: "inscription.premier_permis", over: { birthdate: born("2002-11-22") }, expected: true },
    { name: "25 today, French", motif: "inscription.premier_permis", over: { birthdate: born("2001-11-22") }, expected: false },
    { name: "16 today, French", motif: "inscription.premier_permis", over: { birthdate: born("2010-11-22") }, expected: true },
    { name: "15, French", motif: "inscription.premier_permis", over: { birthdate: born("2010-11-23") }, expected: false },
    { name: "20, nationality ue", motif: "inscription.premier_permis", over: { birthdate: born("2006-01-01"), nationalite: "ue" }, expected: false },
    { name: "20, nationality autre", motif: "inscription.premier_permis", over: { birthdate: born("2006-01-01"), nationalite: "autre" }, expected: false },
    { name: "20, nationality unknown yet", motif: "inscription.premier_permis", over: { birthdate: born("2006-01-01"), nationalite: undefined }, expected: false },
    { name: "birth date unknown yet", motif: "inscription.premier_permis", over: { birthdate: undefined }, expected: false },
    { name: "20, ajout de catégories", motif: "inscription.ajout_categories", over: { birthdate: born("2006-01-01") }, expected: true },
    { name: "20, réussite examen", motif: "fabrication.reussite_examen.nouvelle_categorie", over: { birthdate: born("2006-01-01") }, expected: true },
    { name: "20, formation B96", motif: "fabrication.formation.B96", over: { birthdate: born("2006-01-01") }, expected: true },
    { name: "20, brevet militaire", motif: "brevet_militaire", over: { birthdate: born("2006-01-01") }, expected: true },
    { name: "20, diplôme professionnel", motif: "diplome_professionnel", over: { birthdate: born("2006-01-01") }, expected: true },
    { name: "20, invalidation", motif: "invalidation_annulation", over: { birthdate: born("2006-01-01") }, expected: true },
    { name: "20, perte (no new right)", motif: "fabrication.perte", over: { birthdate: born("2006-01-01") }, expected: false },
    { name: "20, détérioration (no new right)", motif: "fabrication.deterioration", over: { birthdate: born("2006-01-01") }, expected: false },
    { name: "20, suspension (no new right)", motif: "suspension", over: { birthdate: born("2006-01-01") }, expected: false },
    { name: "20, permis international", motif: "permis_international", over: { birthdate: born("2006-01-01") }, expected: false },
    // 00/00/2002: latest possible birth day 2002-12-31, so 23 on 2026-11-22
    { name: "00/00/2001 counts as born 2001-12-31 (24)", motif: "inscription.premier_permis", over: { birthdate: { day: 0, month: 0, year: 2001 } }, expected: true },
    { name: "00/00/2000 counts as born 2000-12-31 (25)", motif: "inscription.premier_permis", over: { birthdate: { day: 0, month: 0, year: 2000 } }, expected: false },
  ])("$name → jdc: $expected", ({ motif: id, over, expected }) => {
    const p = piece(requiredPieces(facts(id, over)), "jdc");
    expect(p !== undefined).toBe(expected);
    if (p) expect(p.reasons).toEqual([JDC_REASON]);
  });
});

describe("one fact varied at a time", () => {
  it.each<{ name: string; motif: string; over: Partial<RequestFacts>; added: PieceId[]; reason: string }>([
    {
      name: "nationality autre → sejour (seed 002: « Justificatif de la régularité du séjour et de la résidence normale le cas échéant »)",
      motif: "fabrication.deterioration",
      over: { nationalite: "autre" },
      added: ["sejour"],
      reason: "parce que vous n'êtes pas ressortissant de l'Union européenne, de l'Espace économique européen ou de la Suisse : titre de séjour et résidence normale en France",
    },
    {
      name: "nationality ue → sejour for the normal residence (seed 003: « Un justificatif de la régularité du séjour et de la résidence normale le cas échéant »)",
      motif: "fabrication.deterioration",
      over: { nationalite: "ue" },
      added: ["sejour"],
      reason: "parce que vous n'êtes pas de nationalité française : justifiez de votre résidence normale en France (au moins 185 jours par an)",
    },
    {
      name: "proof not in own name → hebergement + identite_hebergeant",
      motif: "fabrication.deterioration",
      over: { justificatifAuNom: false },
      added: ["hebergement", "identite_hebergeant"],
      reason: "parce que le justificatif de domicile n'est pas à votre nom",
    },
    {
      name: "conduite accompagnée → aac",
      motif: "fabrication.deterioration",
      over: { conduiteAccompagnee: true },
      added: ["aac"],
      reason: "parce que vous avez suivi l'apprentissage anticipé de la conduite",
    },
    {
      name: "visite médicale = Oui → avis_medical",
      motif: "fabrication.deterioration",
      over: { visiteMedicale: true },
      added: ["avis_medical"],
      reason: "parce que vous avez indiqué qu'une visite médicale est nécessaire",
    },
    {
      name: "declared affection → avis_medical",
      motif: "fabrication.deterioration",
      over: { declarations: { affection: true, pension: false, vehiculeAmenage: false } },
      added: ["avis_medical"],
      reason: "parce que vous avez déclaré une affection ou un handicap",
    },
    {
      name: "declared invalidity pension → avis_medical",
      motif: "fabrication.deterioration",
      over: { declarations: { affection: false, pension: true, vehiculeAmenage: false } },
      added: ["avis_medical"],
      reason: "parce que vous avez déclaré une pension d'invalidité",
    },
    {
      name: "declared adapted vehicle → avis_medical",
      motif: "fabrication.deterioration",
      over: { declarations: { affection: false, pension: false, vehiculeAmenage: true } },
      added: ["avis_medical"],
      reason: "parce que vous avez déclaré devoir conduire un véhicule aménagé",
    },
    {
      name: "pour mineur → representative's pieces",
      motif: "fabrication.deterioration",
      over: { pour: "mineur" },
      added: ["representant_identite", "representant_signature"],
      reason: "parce que la demande concerne une personne mineure",
    },
    {
      name: "pour tutelle → representative's pieces",
      motif: "fabrication.deterioration",
      over: { pour: "tutelle" },
      added: ["representant_identite", "representant_signature"],
      reason: "parce que la demande concerne une personne sous tutelle",
    },
  ])("$name", ({ motif: id, over, added, reason }) => {
    const base = ids(requiredPieces(facts(id)));
    const pieces = requiredPieces(facts(id, over));
    expect(ids(pieces)).toEqual(PIECE_IDS.filter((p) => base.includes(p) || added.includes(p)));
    for (const a of added) expect(piece(pieces, a)?.reasons).toEqual([reason]);
  });

  it.each<{ value: boolean | undefined; expected: boolean }>([
    { value: true, expected: false },
    { value: undefined, expected: false }, // step 3 not filled yet
    { value: false, expected: true },
  ])("justificatifAuNom $value → hébergement pieces: $expected", ({ value, expected }) => {
    const list = ids(requiredPieces(facts("fabrication.perte", { justificatifAuNom: value })));
    expect(list.includes("hebergement")).toBe(expected);
    expect(list.includes("identite_hebergeant")).toBe(expected);
  });

  it.each<{ nationalite: RequestFacts["nationalite"]; expected: boolean }>([
    { nationalite: "francaise", expected: false },
    { nationalite: "ue", expected: true },
    { nationalite: "autre", expected: true },
    { nationalite: undefined, expected: false },
  ])("nationality $nationalite → sejour: $expected (seed 002: « Justificatif de la régularité du séjour et de la résidence normale le cas échéant »)", ({ nationalite, expected }) => {
    expect(ids(requiredPieces(facts("fabrication.perte", { nationalite }))).includes("sejour")).toBe(expected);
  });
});

describe("heavy categories call for a medical opinion on CERFA 14880*01", () => {
  const heavy = CATEGORIES.filter(isHeavy);

  it("the heavy categories are C1, C1E, C, CE, D1, D1E, D, DE", () => {
    expect(heavy).toEqual(["C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"]);
  });

  it.each(heavy.map((c) => ({ category: c })))("$category → avis_medical (CERFA 14880*01)", ({ category }) => {
    const pieces = requiredPieces(facts("inscription.ajout_categories", { categories: [category] }));
    const p = piece(pieces, "avis_medical");
    expect(p?.reasons).toEqual([`parce que vous demandez la catégorie ${category}`]);
    expect(p?.label).toBe("Avis médical d'un médecin agréé (CERFA 14880*01)");
  });

  it.each(CATEGORIES.filter((c) => !isHeavy(c)).map((c) => ({ category: c })))("$category alone → no avis_medical", ({ category }) => {
    expect(ids(requiredPieces(facts("inscription.ajout_categories", { categories: [category] })))).not.toContain("avis_medical");
  });

  it("a light category with a medical declaration has the plain label", () => {
    const p = piece(requiredPieces(facts("inscription.ajout_categories", { categories: ["B"], visiteMedicale: true })), "avis_medical");
    expect(p?.label).toBe("Avis médical d'un médecin agréé");
  });
});

describe("avis médical after invalidation, annulation, suspension, prorogation", () => {
  it.each<{ motif: string; reason: string }>([
    { motif: "invalidation_annulation", reason: "parce que votre permis a été invalidé ou annulé" },
    { motif: "invalidation_annulation.am", reason: "parce que votre permis a été invalidé ou annulé" },
    { motif: "suspension", reason: "parce que votre permis a été suspendu" },
    { motif: "suspension.am", reason: "parce que votre permis a été suspendu" },
    { motif: "fabrication.prorogation_poids_lourds", reason: "parce que vous demandez la prorogation des catégories poids lourds" },
  ])("$motif → avis_medical $reason", ({ motif: id, reason }) => {
    expect(piece(requiredPieces(facts(id)), "avis_medical")?.reasons).toEqual([reason]);
  });
});

describe("pieces bound to a motif", () => {
  it.each<{ motif: string; id: PieceId; reasons: string[]; kind: "file" | "stamp" }>([
    { motif: "fabrication.perte", id: "timbre", reasons: ["parce que votre permis a été perdu"], kind: "stamp" },
    { motif: "fabrication.vol", id: "timbre", reasons: ["parce que votre permis a été volé"], kind: "stamp" },
    { motif: "fabrication.vol", id: "declaration_vol", reasons: ["parce que votre permis a été volé"], kind: "file" },
    { motif: "fabrication.reussite_examen.premier_permis", id: "cepc", reasons: ["parce que vous demandez votre titre après la réussite à l'examen"], kind: "file" },
    { motif: "fabrication.reussite_examen.nouvelle_categorie", id: "cepc", reasons: ["parce que vous demandez votre titre après la réussite à l'examen"], kind: "file" },
    { motif: "fabrication.formation.AM", id: "formation", reasons: ["parce que vous demandez votre titre après une formation"], kind: "file" },
    { motif: "fabrication.formation.A", id: "formation", reasons: ["parce que vous demandez votre titre après une formation"], kind: "file" },
    { motif: "fabrication.formation.B96", id: "formation", reasons: ["parce que vous demandez votre titre après une formation"], kind: "file" },
    { motif: "fabrication.formation.levee_78", id: "formation", reasons: ["parce que vous demandez votre titre après une formation"], kind: "file" },
    { motif: "fabrication.changement_etat_civil", id: "etat_civil", reasons: ["parce que votre état civil a changé"], kind: "file" },
    { motif: "diplome_professionnel", id: "diplome", reasons: ["parce que vous demandez la validation d'un diplôme professionnel"], kind: "file" },
    { motif: "brevet_militaire", id: "brevet", reasons: ["parce que vous demandez la conversion d'un brevet militaire"], kind: "file" },
    { motif: "inscription.ajout_categories", id: "permis", reasons: ["parce que vous êtes déjà titulaire d'un permis de conduire"], kind: "file" },
  ])("$motif → $id ($kind)", ({ motif: id, id: pieceId, reasons, kind }) => {
    const p = piece(requiredPieces(facts(id)), pieceId);
    expect(p?.reasons).toEqual(reasons);
    expect(p?.kind).toBe(kind);
  });

  it("the stamp has no page and is labelled with its price", () => {
    const p = piece(requiredPieces(facts("fabrication.perte")), "timbre");
    expect(p).toMatchObject({ label: "Timbre fiscal électronique de 25 €", maxPages: 0, kind: "stamp" });
  });

  it.each(MOTIFS.filter((m) => m.id !== "fabrication.perte" && m.id !== "fabrication.vol").map((m) => ({ id: m.id })))(
    "$id → no timbre",
    ({ id }) => {
      expect(ids(requiredPieces(facts(id)))).not.toContain("timbre");
    },
  );
});

describe("regional tax (Corse, Martinique, Guyane, La Réunion, Mayotte)", () => {
  it.each<{ departement: string | undefined; region: string | undefined }>([
    { departement: "2A", region: "en Corse" },
    { departement: "2B", region: "en Corse" },
    { departement: "972", region: "en Martinique" },
    { departement: "973", region: "en Guyane" },
    { departement: "974", region: "à La Réunion" },
    { departement: "976", region: "à Mayotte" },
    { departement: "971", region: undefined },
    { departement: "75", region: undefined },
    { departement: "20", region: undefined },
    { departement: undefined, region: undefined },
  ])("département $departement → $region", ({ departement, region }) => {
    const p = piece(requiredPieces(facts("fabrication.deterioration", { departement })), "taxe_regionale");
    if (region === undefined) expect(p).toBeUndefined();
    else expect(p?.reasons).toEqual([`parce que vous résidez ${region}, où une taxe régionale s'applique`]);
  });

  it.each(MOTIFS.map((m) => ({ id: m.id, expected: m.id !== "correction" && m.id !== "permis_international" })))(
    "$id in 2A → taxe_regionale: $expected",
    ({ id, expected }) => {
      expect(ids(requiredPieces(facts(id, { departement: "2A" }))).includes("taxe_regionale")).toBe(expected);
    },
  );
});

describe("reasons are merged, order is stable", () => {
  it("several reasons on avis_medical, each once, in rule order", () => {
    const p = piece(
      requiredPieces(
        facts("inscription.ajout_categories", {
          categories: ["C", "CE"],
          visiteMedicale: true,
          declarations: { affection: true, pension: true, vehiculeAmenage: true },
        }),
      ),
      "avis_medical",
    );
    expect(p?.reasons).toEqual([
      "parce que vous demandez la catégorie C",
      "parce que vous demandez la catégorie CE",
      "parce que vous avez indiqué qu'une visite médicale est nécessaire",
      "parce que vous avez déclaré une affection ou un handicap",
      "parce que vous avez déclaré une pension d'invalidité",
      "parce que vous avez déclaré devoir conduire un véhicule aménagé",
    ]);
    expect(p?.label).toBe("Avis médical d'un médecin agréé (CERFA 14880*01)");
  });

  it("a category listed twice gives its reason once", () => {
    const p = piece(requiredPieces(facts("inscription.ajout_categories", { categories: ["C", "C"] as Category[] })), "avis_medical");
    expect(p?.reasons).toEqual(["parce que vous demandez la catégorie C"]);
  });

  it("suspension with a heavy category and a visit: the suspension and the visit (seed 000 gives heavy categories only for « expiration » and « renouveler votre permis poids lourds »)", () => {
    const p = piece(requiredPieces(facts("suspension", { categories: ["D"], visiteMedicale: true })), "avis_medical");
    expect(p?.reasons).toEqual(["parce que votre permis a été suspendu", "parce que vous avez indiqué qu'une visite médicale est nécessaire"]);
    expect(p?.label).toBe("Avis médical d'un médecin agréé (CERFA 14880*01)");
  });

  it("everything at once: each piece appears once, in PIECE_IDS order", () => {
    const pieces = requiredPieces(
      facts("fabrication.vol", {
        pour: "mineur",
        birthdate: born("2009-05-01"),
        nationalite: "autre",
        justificatifAuNom: false,
        conduiteAccompagnee: true,
        categories: ["B", "C1"],
        visiteMedicale: true,
        departement: "974",
      }),
    );
    const list = ids(pieces);
    expect(list).toEqual([
      "identite",
      "domicile",
      "hebergement",
      "identite_hebergeant",
      "sejour",
      "aac",
      "avis_medical",
      "declaration_vol",
      "timbre",
      "taxe_regionale",
      "representant_identite",
      "representant_signature",
    ]);
    expect(new Set(list).size).toBe(list.length);
    for (const p of pieces) expect(new Set(p.reasons).size).toBe(p.reasons.length);
  });

  it("the result does not depend on the order of the requested categories", () => {
    const a = requiredPieces(facts("inscription.ajout_categories", { categories: ["C", "BE"] }));
    const b = requiredPieces(facts("inscription.ajout_categories", { categories: ["BE", "C"] }));
    expect(ids(a)).toEqual(ids(b));
  });
});

/* ------------------------------------------------------------------ issue 7: the rules as the seeds say them */

describe("avis médical with heavy categories, motif by motif (seed 000, 5 and seed 003)", () => {
  const SEED_000 =
    "seed 000: « Si votre permis a atteint la date limite d'expiration ou pour renouveler votre permis poids lourds … joindre le scan du CERFA 14880*01 complété (permis C et D uniquement) »";
  const SEED_003 = "seed 003: « Visite médicale (pour C CE D ou annulation) »";
  it.each<{ motif: string; category: Category; expected: boolean; seed: string }>([
    { motif: "fabrication.expiration", category: "C", expected: true, seed: SEED_000 },
    { motif: "fabrication.expiration", category: "D", expected: true, seed: SEED_000 },
    { motif: "fabrication.expiration", category: "B", expected: false, seed: SEED_000 },
    { motif: "fabrication.prorogation_poids_lourds", category: "CE", expected: true, seed: SEED_000 },
    { motif: "fabrication.perte", category: "C", expected: false, seed: "seed 000, 1: « Si vous avez perdu votre permis de conduire » asks no medical visit" },
    { motif: "fabrication.perte", category: "CE", expected: false, seed: "seed 000, 1: « Si vous avez perdu votre permis de conduire » asks no medical visit" },
    { motif: "fabrication.vol", category: "D", expected: false, seed: "seed 000, 2: « Si vous vous êtes fait voler votre permis de conduire » asks no medical visit" },
    { motif: "fabrication.deterioration", category: "C", expected: false, seed: "seed 000, 3: « Si vous avez un permis détérioré » asks only the scan of the licence" },
    { motif: "fabrication.changement_etat_civil", category: "D", expected: false, seed: "seed 000, 4: « Si votre état-civil a changé » asks only the livret de famille or the jugement" },
    { motif: "inscription.ajout_categories", category: "C", expected: true, seed: SEED_003 },
    { motif: "fabrication.reussite_examen.nouvelle_categorie", category: "D", expected: true, seed: SEED_003 },
  ])("$motif with $category → avis_medical: $expected ($seed)", ({ motif: id, category, expected }) => {
    const p = piece(requiredPieces(facts(id, { categories: [category] })), "avis_medical");
    expect(p !== undefined).toBe(expected);
    if (p) expect(p.reasons).toContain(id === "fabrication.prorogation_poids_lourds" ? "parce que vous demandez la prorogation des catégories poids lourds" : `parce que vous demandez la catégorie ${category}`);
  });

  it.each<{ name: string; over: Partial<RequestFacts>; reason: string }>([
    { name: "« visite médicale = Oui » (seed 001)", over: { visiteMedicale: true }, reason: "parce que vous avez indiqué qu'une visite médicale est nécessaire" },
  ])("a loss with C still asks it for $name", ({ over, reason }) => {
    expect(piece(requiredPieces(facts("fabrication.perte", { categories: ["C"], ...over })), "avis_medical")?.reasons).toEqual([reason]);
  });
});

describe("CEPC after invalidation or annulation (seed 002)", () => {
  const SEED = "seed 002: « Demande de titre en cas de réussite à l'examen du permis de conduire : primo accédant, extension de catégorie, retour au permis après invalidation ou annulation »";
  it.each<{ motif: string; cepc: boolean }>([
    { motif: "invalidation_annulation", cepc: true },
    { motif: "invalidation_annulation.am", cepc: false },
    { motif: "suspension", cepc: false },
  ])(`$motif → cepc: $cepc, with the avis médical (${SEED})`, ({ motif: id, cepc }) => {
    const pieces = requiredPieces(facts(id));
    expect(piece(pieces, "cepc")?.reasons).toEqual(cepc ? ["parce que vous demandez votre titre après la réussite à l'examen, pour le retour au permis après invalidation ou annulation"] : undefined);
    expect(ids(pieces)).toContain("avis_medical");
  });
});

describe("ASSR2 ou ASR for any first title (seed 002: « ASSR2 ou ASR pour la première obtention d'un titre d'une personne née à compter du 1er janvier 1988 »)", () => {
  it.each<{ motif: string; dejaTitulaire: boolean | undefined; birthdate: PartialDate; assr: boolean; permis: boolean }>([
    { motif: "brevet_militaire", dejaTitulaire: false, birthdate: born("1995-05-01"), assr: true, permis: false },
    { motif: "brevet_militaire", dejaTitulaire: true, birthdate: born("1995-05-01"), assr: false, permis: true },
    { motif: "brevet_militaire", dejaTitulaire: false, birthdate: born("1987-12-31"), assr: false, permis: false },
    { motif: "brevet_militaire", dejaTitulaire: undefined, birthdate: born("1995-05-01"), assr: false, permis: false },
    { motif: "diplome_professionnel", dejaTitulaire: false, birthdate: born("1988-01-01"), assr: true, permis: false },
    { motif: "diplome_professionnel", dejaTitulaire: true, birthdate: born("1988-01-01"), assr: false, permis: true },
    { motif: "fabrication.perte", dejaTitulaire: false, birthdate: born("1995-05-01"), assr: false, permis: false },
  ])("$motif, déjà titulaire $dejaTitulaire, born $birthdate.year → assr: $assr, permis: $permis", ({ motif: id, dejaTitulaire, birthdate, assr, permis }) => {
    const list = ids(requiredPieces(facts(id, { dejaTitulaire, birthdate })));
    expect(list.includes("assr")).toBe(assr);
    expect(list.includes("permis")).toBe(permis);
  });
});

describe("« Copie de diplôme - titre professionnel » has a « Commentaire » (seed 001, step 5)", () => {
  it("the diplôme piece, and only it, carries a comment field", () => {
    expect(piece(requiredPieces(facts("diplome_professionnel")), "diplome")?.comment).toBe(true);
    for (const m of MOTIFS) for (const p of requiredPieces(facts(m.id))) if (p.id !== "diplome") expect(p.comment).toBeUndefined();
  });

  it("the séjour piece is named as seeds 002 and 003 name it", () => {
    expect(PIECE_TYPES.sejour.label).toBe("Justificatif de la régularité du séjour et de la résidence normale");
  });
});
