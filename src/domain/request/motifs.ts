/**
 * Motifs of a request (SPEC §3 step 1, seeds 000, 001, 002, 004). A motif is chosen once, when
 * the draft is created, and never changes (to change it, the user deletes the draft).
 *
 * A motif is identified by a path: its group ("Il s'agit"), then its precision
 * ("S'agit-il", reason, exam, training, AM only), e.g. "fabrication.reussite_examen.premier_permis".
 */

export const BENEFICIAIRES = [
  { value: "moi", label: "pour moi-même" },
  { value: "tiers", label: "pour une autre personne (qui n'a pas accès à internet, par exemple)" },
] as const;
export type Beneficiaire = (typeof BENEFICIAIRES)[number]["value"];

/** "Vous effectuez la demande" */
export const POUR = [
  { value: "majeur", label: "pour une personne majeure ou mineure émancipée" },
  { value: "mineur", label: "pour une personne mineure" },
  { value: "tutelle", label: "pour une personne majeure sous tutelle" },
] as const;
export type Pour = (typeof POUR)[number]["value"];

/** "Il s'agit" */
export const MOTIF_GROUPS = [
  {
    value: "inscription",
    label: "d'une inscription au permis nécessitant le passage d'un examen pratique",
    hint: "ne concerne pas les personnes ayant fait l'objet d'une annulation ou d'une invalidation",
  },
  { value: "fabrication", label: "d'une demande de fabrication d'un nouveau permis" },
  { value: "brevet_militaire", label: "d'une conversion de brevet militaire" },
  { value: "diplome_professionnel", label: "d'une validation de diplôme professionnel" },
  { value: "invalidation_annulation", label: "d'une demande à la suite d'une invalidation ou d'une annulation de permis" },
  {
    value: "suspension",
    label: "d'une demande à la suite d'une suspension de permis",
    hint: "à faire de préférence 7 jours avant la fin de la suspension, une fois la visite médicale passée",
  },
] as const;

/**
 * Two démarches of their own, started from the account home and not options of "Il s'agit"
 * (seed 001's notification: "les deux nouvelles démarches … présentes dans votre espace"; seed
 * 004). SPEC §3 lists them under step 1: the seeds win. Not for driving schools.
 */
export const DEMARCHES = [
  { value: "permis_international", label: "Je demande un permis de conduire international", path: "permis-international" },
  { value: "correction", label: "Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois", path: "correction" },
] as const;
export type Demarche = (typeof DEMARCHES)[number]["value"];
export type MotifGroup = (typeof MOTIF_GROUPS)[number]["value"] | Demarche;

/** "S'agit-il" (inscription) */
export const INSCRIPTION_TYPES = [
  { value: "premier_permis", label: "d'un premier permis de conduire" },
  { value: "ajout_categories", label: "de l'ajout de nouvelles catégories à un permis existant" },
] as const;

/** Why a new licence is made (seeds 000, 004). */
export const FABRICATION_REASONS = [
  { value: "perte", label: "à la suite de la perte du permis" },
  { value: "vol", label: "à la suite du vol du permis" },
  { value: "deterioration", label: "à la suite de la détérioration du permis" },
  { value: "expiration", label: "à l'expiration de la durée administrative du permis" },
  { value: "prorogation_poids_lourds", label: "pour la prorogation des catégories poids lourds" },
  { value: "changement_etat_civil", label: "à la suite d'un changement d'état civil" },
  { value: "reussite_examen", label: "à la suite de la réussite à l'examen du permis de conduire" },
  { value: "formation", label: "à la suite d'une formation (AM, A, B96, levée du code restrictif 78)" },
] as const;

/**
 * After exam success (seed 002: "primo accédant, extension de catégorie"). Labels differ from the
 * inscription's "d'un premier permis de conduire": never two radios with the same label on one page.
 */
export const EXAM_TYPES = [
  { value: "premier_permis", label: "premier permis de conduire (primo-accédant)" },
  { value: "nouvelle_categorie", label: "nouvelle catégorie ajoutée à un permis existant (extension de catégorie)" },
] as const;

export const TRAININGS = [
  { value: "AM", label: "formation à la catégorie AM" },
  { value: "A", label: "formation d'accès à la catégorie A" },
  { value: "B96", label: "formation B96 (remorque)" },
  { value: "levee_78", label: "formation à la levée du code restrictif 78 (boîte automatique)" },
] as const;

export interface MotifInfo {
  id: string;
  group: MotifGroup;
  /** The sentence of the récapitulatif: "La demande du titre est effectuée …". */
  summary: string;
  /** Categories are asked ("Catégorie(s) de permis demandée(s)"). */
  asksCategories: boolean;
  /** The person already holds a licence: its copy is a required piece, and held categories are asked when adding. */
  holdsLicence: boolean;
  /** A first licence: ASSR2/ASR for people born from 1988 on. */
  firstTitle: boolean;
  /** Leads to new rights (exam, training, conversion): JDC for young French nationals. */
  newRights: boolean;
  /** The person asks for the categories of the title held before (perte, vol…): no prerequisite or age rule. */
  duplicate: boolean;
  /** Driving schools may file it for a client (seed 002). */
  forSchools: boolean;
  /** Only the AM category (after invalidation, annulation or suspension). */
  amOnly: boolean;
}

const motif = (id: string, group: MotifGroup, summary: string, flags: Partial<Omit<MotifInfo, "id" | "group" | "summary">> = {}): MotifInfo => ({
  id,
  group,
  summary,
  asksCategories: true,
  holdsLicence: false,
  firstTitle: false,
  newRights: false,
  duplicate: false,
  forSchools: false,
  amOnly: false,
  ...flags,
});

export const MOTIFS: readonly MotifInfo[] = [
  motif("inscription.premier_permis", "inscription", "Il s'agit d'une inscription au permis de conduire pour un premier permis.", { firstTitle: true, newRights: true, forSchools: true }),
  motif("inscription.ajout_categories", "inscription", "Il s'agit d'une inscription au permis de conduire pour l'ajout de nouvelles catégories à un permis existant.", { holdsLicence: true, newRights: true, forSchools: true }),
  motif("fabrication.perte", "fabrication", "La demande du titre est effectuée à la suite de la perte du précédent titre.", { duplicate: true }),
  motif("fabrication.vol", "fabrication", "La demande du titre est effectuée à la suite du vol du précédent titre.", { duplicate: true }),
  motif("fabrication.deterioration", "fabrication", "La demande du titre est effectuée à la suite de la détérioration du précédent titre.", { duplicate: true, holdsLicence: true }),
  motif("fabrication.expiration", "fabrication", "La demande du titre est effectuée à l'expiration de la durée administrative du précédent titre.", { duplicate: true, holdsLicence: true }),
  motif("fabrication.prorogation_poids_lourds", "fabrication", "La demande du titre est effectuée pour la prorogation des catégories poids lourds.", { duplicate: true, holdsLicence: true }),
  motif("fabrication.changement_etat_civil", "fabrication", "La demande du titre est effectuée à la suite d'un changement d'état civil.", { duplicate: true, holdsLicence: true }),
  motif("fabrication.reussite_examen.premier_permis", "fabrication", "La demande du titre est effectuée à la suite de la réussite à l'examen d'un premier permis de conduire.", { firstTitle: true, newRights: true, forSchools: true }),
  motif("fabrication.reussite_examen.nouvelle_categorie", "fabrication", "La demande du titre est effectuée à la suite de la réussite à l'examen d'une nouvelle catégorie.", { holdsLicence: true, newRights: true, forSchools: true }),
  motif("fabrication.formation.AM", "fabrication", "La demande du titre est effectuée à la suite d'une formation à la catégorie AM.", { firstTitle: true, newRights: true, forSchools: true }),
  motif("fabrication.formation.A", "fabrication", "La demande du titre est effectuée à la suite d'une formation d'accès à la catégorie A.", { holdsLicence: true, newRights: true, forSchools: true }),
  motif("fabrication.formation.B96", "fabrication", "La demande du titre est effectuée à la suite d'une formation B96.", { holdsLicence: true, newRights: true, forSchools: true }),
  motif("fabrication.formation.levee_78", "fabrication", "La demande du titre est effectuée à la suite d'une formation à la levée du code restrictif 78.", { holdsLicence: true, newRights: true, forSchools: true }),
  motif("brevet_militaire", "brevet_militaire", "Il s'agit d'une conversion de brevet militaire.", { newRights: true }),
  motif("diplome_professionnel", "diplome_professionnel", "Il s'agit d'une validation de diplôme professionnel.", { newRights: true }),
  motif("invalidation_annulation", "invalidation_annulation", "Il s'agit d'une demande à la suite d'une invalidation ou d'une annulation de permis.", { newRights: true, forSchools: true }),
  motif("invalidation_annulation.am", "invalidation_annulation", "Il s'agit d'une demande d'édition d'un titre doté de la seule catégorie AM, à la suite d'une invalidation ou d'une annulation de permis.", { amOnly: true }),
  motif("suspension", "suspension", "Il s'agit d'une demande à la suite d'une suspension de permis.", { duplicate: true }),
  motif("suspension.am", "suspension", "Il s'agit d'une demande d'édition d'un titre doté de la seule catégorie AM, à la suite d'une suspension de permis.", { amOnly: true }),
  motif("permis_international", "permis_international", "Il s'agit d'une demande de permis de conduire international.", { asksCategories: false, holdsLicence: true, duplicate: true }),
  motif("correction", "correction", "Il s'agit du signalement d'une erreur sur un permis de conduire reçu il y a moins de 6 mois.", { asksCategories: false, holdsLicence: true, duplicate: true }),
];

/**
 * Whether a driving school may pick this choice of the motif page ("fabrication", or a reason as
 * "fabrication.perte"): it leads to at least one motif open to schools (seed 002: inscriptions,
 * titles after an exam or a training). The choices that lead to none are not offered to them.
 */
export function openToSchools(choice: string): boolean {
  return MOTIFS.some((m) => m.forSchools && (m.id === choice || m.id.startsWith(`${choice}.`)));
}

export function motifInfo(id: string): MotifInfo | undefined {
  return MOTIFS.find((m) => m.id === id);
}

