import type { Adresse, EtatCivil, Step1 } from "../../src/domain/request/steps.ts";

/**
 * Pieces of a request's content shared by the tests of the documents made from it (PDFs, title
 * export): Hélène Zoë Ğülşen ŁASKI-DUPRÉ, born in 1990 in Quimper, living rue de l'Œuvre — names
 * and an address that need more than Latin-1. Each test overrides what it checks.
 */

/** Step 1 of an adult without a licence to declare (`categories` asked). */
export function sampleStep1(categories: Step1["categories"], overrides: Partial<Step1> = {}): Step1 {
  return {
    categories,
    categoriesDetenues: [],
    visiteMedicale: false,
    formationComplementaire: "non",
    conduiteAccompagnee: false,
    declarations: { francais: true, vehiculeAmenage: false, vision: true, affection: false, pension: false },
    numeroPermis: "",
    ...overrides,
  };
}

export function sampleEtatCivil(overrides: Partial<EtatCivil> = {}): EtatCivil {
  return {
    nomNaissance: "ŁASKI-DUPRÉ",
    nomUsage: "",
    sexe: "F",
    prenoms: ["Hélène", "Zoë", "Ğülşen"],
    dateNaissance: { day: 0, month: 0, year: 1990 },
    nationalite: "francaise",
    paysNaissance: { code: "99100", name: "France" },
    departementNaissance: { code: "29", name: "Finistère" },
    communeNaissance: { code: "29232", name: "Quimper" },
    ...overrides,
  };
}

export function sampleAdresse(overrides: Partial<Adresse> = {}): Adresse {
  return {
    numero: "12",
    extension: "bis",
    typeVoie: "rue",
    nomVoie: "de l'Œuvre",
    complement: "Bâtiment « Les Mûriers »",
    codePostal: "29000",
    commune: { code: "29232", name: "Quimper", departement: "29" },
    prefecture: { id: "29", label: "Préfecture du Finistère" },
    email: "helene.laski@example.fr",
    telephone: "0612345678",
    consentement: false,
    justificatifAuNom: true,
    ...overrides,
  };
}
