import { bornOnOrAfter, ageOn, type PartialDate } from "./birthdate.ts";
import { isHeavy, type Category } from "./categories.ts";
import type { MotifInfo, Pour } from "./motifs.ts";

/**
 * Supporting documents ("pièces justificatives", SPEC §3 step 5) and the rule that derives
 * which ones a request needs. Each required piece carries the reasons the user sees.
 */
export type PieceKind = "file" | "stamp";

export interface PieceType {
  label: string;
  hint?: string;
  maxPages: number;
  kind: PieceKind;
  /** The piece has a "Commentaire" field beside its files (seed 001, step 5). */
  comment?: boolean;
}

const file = (label: string, maxPages: number, hint?: string): PieceType => ({ label, maxPages, kind: "file", ...(hint ? { hint } : {}) });

/** The longest "Commentaire" of a piece. */
export const MAX_PIECE_COMMENT = 300; // below the 500 characters a draft keeps of each answer

export const PIECE_TYPES = {
  identite: file("Pièce d'identité", 2, "Images du recto et du verso de votre pièce d'identité en cours de validité (carte nationale d'identité, passeport)."),
  domicile: file("Justificatif de domicile", 5, "Daté de moins de six mois. S'il n'est pas à votre nom, joignez aussi l'attestation d'hébergement et la pièce d'identité de l'hébergeant."),
  hebergement: file("Attestation d'hébergement", 2, "Datée et signée par la personne qui vous héberge."),
  identite_hebergeant: file("Pièce d'identité de l'hébergeant", 2),
  // Seeds 002 and 003: "Justificatif de la régularité du séjour et de la résidence normale le cas échéant".
  sejour: file(
    "Justificatif de la régularité du séjour et de la résidence normale",
    4,
    "Titre de séjour en cours de validité (recto et verso) le cas échéant, et tout document prouvant que vous résidez en France au moins 185 jours par an (résidence normale).",
  ),
  jdc: file("Certificat de participation à la JDC ou attestation de recensement", 2, "Journée défense et citoyenneté (service national)."),
  assr: file("ASSR2 ou ASR", 2, "Attestation scolaire de sécurité routière de 2e niveau, ou attestation de sécurité routière."),
  permis: file("Permis de conduire actuel", 2, "Recto et verso."),
  aac: file("Attestation de fin de formation initiale en conduite accompagnée", 2),
  avis_medical: file("Avis médical d'un médecin agréé", 4, "Pour les catégories poids lourds : CERFA 14880*01 complété par le médecin agréé."),
  cepc: file("Certificat d'examen du permis de conduire (CEPC)", 2),
  declaration_vol: file("Déclaration de vol", 3, "Établie par un commissariat de police ou une brigade de gendarmerie."),
  timbre: { label: "Timbre fiscal électronique de 25 €", maxPages: 0, kind: "stamp" } as PieceType,
  etat_civil: file("Livret de famille ou jugement", 10, "Livret de famille (en cas de divorce) ou jugement (adoption, changement d'état civil)."),
  // Seed 001, step 5: "Copie de diplôme - titre professionnel (BEP , CAP) (0 page / 5 pages maximum) / Commentaire".
  diplome: { ...file("Copie de diplôme - titre professionnel (BEP, CAP)", 5), comment: true },
  brevet: file("Brevet militaire", 2),
  formation: file("Attestation de formation", 2, "Attestation de suivi de la formation (AM, A, B96 ou levée du code restrictif 78)."),
  taxe_regionale: file("Preuve de paiement de la taxe régionale", 2),
  representant_identite: file("Pièce d'identité du représentant légal", 2),
  representant_signature: file("Signature du représentant légal", 1, "Sa signature manuscrite, à l'encre noire sur papier blanc, numérisée."),
} as const satisfies Record<string, PieceType>;

export type PieceId = keyof typeof PIECE_TYPES;
export const PIECE_IDS = Object.keys(PIECE_TYPES) as PieceId[];

export function isPieceId(value: string): value is PieceId {
  return Object.hasOwn(PIECE_TYPES, value);
}

export type Nationalite = "francaise" | "ue" | "autre";

/** Régions where a regional tax is paid on the licence (seed 002), by département code. */
export const REGIONAL_TAX: Record<string, string> = {
  "2A": "en Corse",
  "2B": "en Corse",
  "972": "en Martinique",
  "973": "en Guyane",
  "974": "à La Réunion",
  "976": "à Mayotte",
};

/** What the rule needs to know; later steps' facts are absent while they are not filled in. */
export interface RequestFacts {
  motif: MotifInfo;
  pour: Pour;
  categories: readonly Category[];
  visiteMedicale: boolean;
  conduiteAccompagnee: boolean;
  declarations: { affection: boolean; pension: boolean; vehiculeAmenage: boolean };
  birthdate?: PartialDate | undefined;
  nationalite?: Nationalite | undefined;
  /** Département of the home address. */
  departement?: string | undefined;
  /** The proof of address is in the person's name. */
  justificatifAuNom?: boolean | undefined;
  /** Brevet militaire, diplôme professionnel: the person already holds a licence (asked at step 1); undefined when not asked. */
  dejaTitulaire?: boolean | undefined;
  /** The day the request is made (age rules). */
  on: Date;
}

export interface RequiredPiece {
  id: PieceId;
  label: string;
  hint?: string;
  maxPages: number;
  kind: PieceKind;
  comment?: boolean;
  /** Why it is asked, each a phrase starting with "parce que" (or "pour toute demande"). */
  reasons: string[];
}

const ASSR_FROM = new Date(Date.UTC(1988, 0, 1));

/** Motifs whose title may be the person's first one, or not: step 1 asks whether they already hold a licence. */
export const ASKS_HELD_LICENCE: readonly string[] = ["brevet_militaire", "diplome_professionnel"];

/**
 * Duplicates and renewals where heavy categories call for the medical opinion (seed 000, 5: "Si votre
 * permis a atteint la date limite d'expiration ou pour renouveler votre permis poids lourds … CERFA
 * 14880*01 complété (permis C et D uniquement)"). SPEC §3's table asks it for every heavy category
 * whatever the motif: the seed wins, so a loss, a theft, a deterioration or a change of état civil
 * with C, CE or D ticked does not call for it.
 */
const HEAVY_RENEWALS: readonly string[] = ["fabrication.expiration", "fabrication.prorogation_poids_lourds"];

/** The pieces a request needs, in a stable order, each with its reasons. */
export function requiredPieces(f: RequestFacts): RequiredPiece[] {
  const reasons = new Map<PieceId, string[]>();
  const need = (id: PieceId, reason: string) => {
    const list = reasons.get(id) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(id, list);
  };
  const m = f.motif;
  const id = m.id;

  need("identite", "pour toute demande");
  need("domicile", "pour toute demande");
  if (f.justificatifAuNom === false) {
    need("hebergement", "parce que le justificatif de domicile n'est pas à votre nom");
    need("identite_hebergeant", "parce que le justificatif de domicile n'est pas à votre nom");
  }
  // Seeds 002, 003: "Justificatif de la régularité du séjour et de la résidence normale le cas échéant"
  // (SPEC §3 names the séjour only): every foreign national proves a normal residence in France, and
  // those from outside the EU, the EEA and Switzerland the regularity of their stay.
  if (f.nationalite === "autre") {
    need("sejour", "parce que vous n'êtes pas ressortissant de l'Union européenne, de l'Espace économique européen ou de la Suisse : titre de séjour et résidence normale en France");
  }
  if (f.nationalite === "ue") {
    need("sejour", "parce que vous n'êtes pas de nationalité française : justifiez de votre résidence normale en France (au moins 185 jours par an)");
  }

  if (m.newRights && f.nationalite === "francaise" && f.birthdate) {
    const age = ageOn(f.birthdate, f.on);
    if (age >= 16 && age < 25) need("jdc", "parce que vous êtes de nationalité française et avez moins de 25 ans");
  }
  // Seed 002: "ASSR2 ou ASR pour la première obtention d'un titre d'une personne née à compter du
  // 1er janvier 1988" — whatever the motif that gives the first title: a brevet militaire or a
  // diplôme professionnel too when the person holds no licence yet.
  const firstTitle = m.firstTitle || (ASKS_HELD_LICENCE.includes(id) && f.dejaTitulaire === false);
  if (firstTitle && f.birthdate && bornOnOrAfter(f.birthdate, ASSR_FROM)) {
    need("assr", "parce qu'il s'agit d'un premier permis et que vous êtes né(e) à partir du 1er janvier 1988");
  }
  if (m.holdsLicence || (ASKS_HELD_LICENCE.includes(id) && f.dejaTitulaire === true)) need("permis", "parce que vous êtes déjà titulaire d'un permis de conduire");
  if (f.conduiteAccompagnee) need("aac", "parce que vous avez suivi l'apprentissage anticipé de la conduite");

  // Heavy categories: for new rights (seed 003: "Visite médicale (pour C CE D ou annulation)") and for
  // the renewals of seed 000 only (see HEAVY_RENEWALS); not for a plain duplicate.
  if (m.newRights || HEAVY_RENEWALS.includes(id)) {
    for (const category of f.categories) {
      if (isHeavy(category)) need("avis_medical", `parce que vous demandez la catégorie ${category}`);
    }
  }
  if (m.group === "invalidation_annulation") need("avis_medical", "parce que votre permis a été invalidé ou annulé");
  if (m.group === "suspension") need("avis_medical", "parce que votre permis a été suspendu");
  if (id === "fabrication.prorogation_poids_lourds") need("avis_medical", "parce que vous demandez la prorogation des catégories poids lourds");
  if (f.visiteMedicale) need("avis_medical", "parce que vous avez indiqué qu'une visite médicale est nécessaire");
  if (f.declarations.affection) need("avis_medical", "parce que vous avez déclaré une affection ou un handicap");
  if (f.declarations.pension) need("avis_medical", "parce que vous avez déclaré une pension d'invalidité");
  if (f.declarations.vehiculeAmenage) need("avis_medical", "parce que vous avez déclaré devoir conduire un véhicule aménagé");

  if (id.startsWith("fabrication.reussite_examen")) need("cepc", "parce que vous demandez votre titre après la réussite à l'examen");
  // Seed 002: "Demande de titre en cas de réussite à l'examen du permis de conduire : … retour au permis
  // après invalidation ou annulation" — the CEPC, with the medical opinion asked above.
  if (id === "invalidation_annulation") need("cepc", "parce que vous demandez votre titre après la réussite à l'examen, pour le retour au permis après invalidation ou annulation");
  if (id === "fabrication.vol") need("declaration_vol", "parce que votre permis a été volé");
  if (id === "fabrication.perte") need("timbre", "parce que votre permis a été perdu");
  if (id === "fabrication.vol") need("timbre", "parce que votre permis a été volé");
  if (id === "fabrication.changement_etat_civil") need("etat_civil", "parce que votre état civil a changé");
  if (id === "diplome_professionnel") need("diplome", "parce que vous demandez la validation d'un diplôme professionnel");
  if (id === "brevet_militaire") need("brevet", "parce que vous demandez la conversion d'un brevet militaire");
  if (id.startsWith("fabrication.formation")) need("formation", "parce que vous demandez votre titre après une formation");

  const region = f.departement ? REGIONAL_TAX[f.departement] : undefined;
  if (region && m.group !== "correction" && m.group !== "permis_international") {
    need("taxe_regionale", `parce que vous résidez ${region}, où une taxe régionale s'applique`);
  }
  if (f.pour !== "majeur") {
    const why = f.pour === "mineur" ? "parce que la demande concerne une personne mineure" : "parce que la demande concerne une personne sous tutelle";
    need("representant_identite", why);
    need("representant_signature", why);
  }

  return PIECE_IDS.filter((p) => reasons.has(p)).map((p) => {
    const type: PieceType = PIECE_TYPES[p];
    const heavy = p === "avis_medical" && f.categories.some(isHeavy);
    return {
      id: p,
      label: heavy ? `${type.label} (CERFA 14880*01)` : type.label,
      ...(type.hint ? { hint: type.hint } : {}),
      maxPages: type.maxPages,
      kind: type.kind,
      ...(type.comment ? { comment: true } : {}),
      reasons: reasons.get(p)!,
    };
  });
}
