/** Answers of the wizard's steps for a loss ("perte"): shared by the tests and the benchmark. */

export const STEP1_PERTE = {
  categories: ["B"],
  visiteMedicale: "non",
  formationComplementaire: "non",
  francais: "oui",
  vehiculeAmenage: "non",
  vision: "non",
  affection: "non",
  pension: "non",
  action: "suivant",
};

export const STEP2 = {
  nomNaissance: "Dupont",
  sexe: "F",
  prenom1: "Sylvie",
  naissanceJour: "00",
  naissanceMois: "00",
  naissanceAnnee: "1985",
  nationalite: "francaise",
  paysNaissance: "99100",
  departementNaissance: "42",
  communeNaissance: "Saint-Etienne",
  action: "suivant",
};

export const STEP3 = {
  numero: "12",
  typeVoie: "rue",
  nomVoie: "de Grenelle",
  codePostal: "75007",
  commune: "Paris",
  prefecture: "75056",
  justificatifAuNom: "oui",
  email: "sylvie.dupont@example.fr",
  telephone: "06 12 34 56 78",
  consentement: "oui",
  action: "suivant",
};
