import { emailError, field, fields, hasErrors, nameError, tidy, type FieldErrors, type FormResult, type RawInput } from "../forms.ts";
import { ageOn, parsePartialDate, type PartialDate } from "./birthdate.ts";
import { CATEGORIES, isCategory, isHeavy, minimumAge, missingPrerequisites, type Category } from "./categories.ts";
import { CORRECTION_ERRORS, parseCorrectionDetails } from "./correction.ts";
import {
  BENEFICIAIRES,
  EXAM_TYPES,
  FABRICATION_REASONS,
  INSCRIPTION_TYPES,
  MOTIF_GROUPS,
  motifInfo,
  POUR,
  TRAININGS,
  type Beneficiaire,
  type Demarche,
  type MotifInfo,
  type Pour,
} from "./motifs.ts";
import { ASKS_HELD_LICENCE, MAX_PIECE_COMMENT, type Nationalite, type RequiredPiece } from "./pieces.ts";

/**
 * The forms of the request's steps 1 to 5, parsed from raw input into typed values, or French
 * errors per field. Raw input is what is stored in a draft (as typed, so nothing is lost);
 * the typed values are derived from it whenever needed. Pure: reference lists (countries,
 * communes, préfectures) come in through `Places`.
 */
export interface Places {
  country(code: string): { code: string; name: string } | undefined;
  departement(code: string): { code: string; name: string } | undefined;
  findBirthCommune(departement: string, name: string): { code: string; name: string } | undefined;
  findCommuneByPostcode(postcode: string, name: string): { code: string; name: string; departement: string } | undefined;
  communesForPostcode(postcode: string): Array<{ code: string; name: string; departement: string }>;
  prefecture(id: string): { id: string; label: string; departement: string } | undefined;
}

const OUI_NON = [
  { value: "oui", label: "Oui" },
  { value: "non", label: "Non" },
] as const;
export { OUI_NON };

const yesNo = (input: RawInput, name: string): boolean | undefined => {
  const v = field(input, name);
  return v === "oui" ? true : v === "non" ? false : undefined;
};
const oneOf = <T extends string>(list: readonly { value: T }[], v: string): T | undefined => list.find((x) => x.value === v)?.value;

/* ------------------------------------------------------------------ Step 1: the motif */

export interface MotifChoice {
  beneficiaire: Beneficiaire;
  pour: Pour;
  motif: string;
}

/**
 * The first form of step 1 ("Il s'agit" and its precisions), which creates the draft. With
 * `demarche`, the form of a démarche of its own (international licence): no "Il s'agit".
 */
export function parseMotifChoice(input: RawInput, accountKind: "particulier" | "professionnel", demarche?: Demarche): FormResult<MotifChoice> {
  const errors: FieldErrors = {};
  const beneficiaire = oneOf(BENEFICIAIRES, field(input, "beneficiaire"));
  const pour = oneOf(POUR, field(input, "pour"));
  const group = demarche ?? oneOf(MOTIF_GROUPS, field(input, "group"));
  if (accountKind === "particulier" && !beneficiaire) errors.beneficiaire = "Indiquez pour qui vous faites la demande.";
  if (!pour) errors.pour = "Indiquez pour quelle personne vous effectuez la demande.";
  if (!group) errors.group = "Indiquez de quelle demande il s'agit.";
  let motif: string | undefined;
  if (group === "inscription") {
    const t = oneOf(INSCRIPTION_TYPES, field(input, "inscription"));
    if (!t) errors.inscription = "Indiquez s'il s'agit d'un premier permis ou de l'ajout de nouvelles catégories.";
    else motif = `inscription.${t}`;
  } else if (group === "fabrication") {
    const reason = oneOf(FABRICATION_REASONS, field(input, "fabrication"));
    if (!reason) errors.fabrication = "Indiquez pourquoi un nouveau permis doit être fabriqué.";
    else if (reason === "reussite_examen") {
      const exam = oneOf(EXAM_TYPES, field(input, "examen"));
      if (!exam) errors.examen = "Indiquez s'il s'agit d'un premier permis ou d'une nouvelle catégorie.";
      else motif = `fabrication.reussite_examen.${exam}`;
    } else if (reason === "formation") {
      const training = oneOf(TRAININGS, field(input, "formation"));
      if (!training) errors.formation = "Indiquez la formation suivie.";
      else motif = `fabrication.formation.${training}`;
    } else motif = `fabrication.${reason}`;
  } else if (group === "invalidation_annulation" || group === "suspension") {
    motif = yesNo(input, "amSeul") ? `${group}.am` : group;
  } else if (group) {
    motif = group;
  }
  const info = motif ? motifInfo(motif) : undefined;
  if (info && accountKind === "professionnel" && !info.forSchools) {
    errors[demarche ? "demarche" : "group"] = SCHOOL_REFUSAL;
  }
  if (hasErrors(errors) || !pour || !motif) return { ok: false, errors };
  return { ok: true, value: { beneficiaire: beneficiaire ?? "tiers", pour, motif } };
}

/** Seed 001's notification: "Ecole de conduite : vous ne devez pas utiliser les deux nouvelles démarches". */
export const SCHOOL_REFUSAL = "Une école de conduite ne peut pas déposer cette demande : seul le titulaire du permis peut la faire depuis son compte.";

export interface Declarations {
  francais: boolean;
  vehiculeAmenage: boolean;
  vision: boolean;
  affection: boolean;
  pension: boolean;
}

export const DECLARATIONS: ReadonlyArray<{ name: keyof Declarations; label: string; legend: "declare" | "est" }> = [
  { name: "francais", label: "comprendre et lire couramment le français", legend: "declare" },
  { name: "vehiculeAmenage", label: "devoir conduire un véhicule aménagé", legend: "declare" },
  { name: "vision", label: "porteur d'un dispositif de correction de la vision (verres correcteurs, lentilles de contact...)", legend: "est" },
  {
    name: "affection",
    label:
      "atteint à sa connaissance d'une affection et/ou d'un handicap susceptible d'être incompatible avec l'obtention ou le maintien du permis de conduire ou de donner lieu à la délivrance d'un permis de conduire de validité limitée",
    legend: "est",
  },
  { name: "pension", label: "titulaire d'une pension d'invalidité civile ou militaire", legend: "est" },
];

export const FORMATIONS_COMPLEMENTAIRES = [
  { value: "non", label: "Non, pas de formation complémentaire" },
  { value: "fimo", label: "Oui, une formation initiale minimale obligatoire (FIMO) - Qualification professionnelle de conducteur routier" },
  { value: "cap", label: "Oui, par un CAP/BEP/BAC PRO/TP" },
] as const;

export { CORRECTION_ERRORS };

export interface Correction {
  numeroPermis: string;
  /** The day the title was produced, JJ/MM/AAAA. */
  dateReception: string;
  erreurs: string[];
  /** The error, in the user's words. */
  description: string;
  /** "Numéro de demande" of the original request, whose photo and signature are taken again. */
  demandeInitiale: string;
}

/** What a correction draft took from the original request when it was created (locked, like a motif). */
export interface CorrectionOrigin {
  numeroPermis: string;
  dateReception: string;
  demandeInitiale: string;
}

export interface Step1 {
  categories: Category[];
  categoriesDetenues: Category[];
  visiteMedicale: boolean;
  formationComplementaire: "non" | "fimo" | "cap";
  conduiteAccompagnee: boolean;
  declarations: Declarations;
  numeroPermis: string;
  /** Brevet militaire, diplôme professionnel: whether the person already holds a licence (undefined when not asked). */
  dejaTitulaire?: boolean;
  correction?: Correction;
}

/**
 * Which questions of step 1 a motif asks: only what it needs (seed 001 gives "formations
 * complémentaires" and the "Déclaration du candidat" for inscriptions and exams — a candidate —,
 * so a loss, a theft or a deterioration does not ask them; the visit is kept: a piece rule uses it).
 */
export function step1Questions(motif: MotifInfo) {
  const withCategories = motif.asksCategories && !motif.amOnly && motif.id !== "fabrication.formation.AM";
  const demarche = motif.group === "correction" || motif.group === "permis_international";
  return {
    categories: withCategories,
    categoriesDetenues: withCategories && motif.holdsLicence && motif.newRights,
    medical: !demarche,
    /** Lowers the minimum age of C and D (step 2): asked where new rights are given. */
    formationComplementaire: withCategories && motif.newRights,
    /** "Déclaration du candidat": a candidate to new rights (exam, formation, conversion, return after invalidation). */
    declarations: motif.newRights,
    conduiteAccompagnee: motif.id === "inscription.premier_permis" || motif.id === "fabrication.reussite_examen.premier_permis",
    /** Seed 002: ASSR2 for a first title — a brevet militaire or diplôme professionnel may be one. */
    dejaTitulaire: ASKS_HELD_LICENCE.includes(motif.id),
    numeroPermis: motif.holdsLicence && motif.group !== "correction",
    correction: motif.group === "correction",
  };
}

const LICENCE_NUMBER = /^[A-Z0-9]{6,20}$/;

/**
 * The "précisions" of step 1, once the motif is known. A correction's licence number, reception
 * day and original request come from `origin`, fixed when the draft was created.
 */
export function parseStep1(input: RawInput, motif: MotifInfo, today: Date, origin?: CorrectionOrigin): FormResult<Step1> {
  void today;
  const q = step1Questions(motif);
  const errors: FieldErrors = {};
  const requested = fields(input, "categories").filter(isCategory);
  const held = fields(input, "categoriesDetenues").filter(isCategory);
  const categories: Category[] = q.categories ? CATEGORIES.filter((c) => requested.includes(c)) : motif.amOnly || motif.id === "fabrication.formation.AM" ? ["AM"] : [];
  const categoriesDetenues = q.categoriesDetenues ? CATEGORIES.filter((c) => held.includes(c)) : [];
  if (q.categories) {
    if (categories.length === 0) errors.categories = "Cochez au moins une catégorie de permis.";
    else if (motif.id === "fabrication.prorogation_poids_lourds" && !categories.some(isHeavy)) {
      errors.categories = `La prorogation des catégories poids lourds concerne les catégories ${CATEGORIES.filter(isHeavy).join(", ")} : cochez celles de votre permis à proroger.`;
    }
    else if (!motif.duplicate) {
      const already = categories.filter((c) => categoriesDetenues.includes(c));
      const missing = missingPrerequisites(categories, categoriesDetenues);
      if (already.length > 0) errors.categories = `Vous indiquez détenir déjà : ${already.join(", ")}. Ne cochez que les catégories demandées.`;
      else if (missing.length > 0) errors.categories = missing.join(" ");
    }
  }
  const visiteMedicale = yesNo(input, "visiteMedicale");
  const formationComplementaire = oneOf(FORMATIONS_COMPLEMENTAIRES, field(input, "formationComplementaire"));
  const conduiteAccompagnee = yesNo(input, "conduiteAccompagnee");
  const declarations: Partial<Declarations> = {};
  if (q.medical && visiteMedicale === undefined) errors.visiteMedicale = "Indiquez si une visite médicale est nécessaire.";
  if (q.formationComplementaire && !formationComplementaire) errors.formationComplementaire = "Indiquez si le permis sera obtenu par formations complémentaires.";
  if (q.declarations) {
    for (const d of DECLARATIONS) {
      const v = yesNo(input, d.name);
      if (v === undefined) errors[d.name] = `Répondez par oui ou non : ${d.legend === "declare" ? "le candidat déclare" : "le candidat est"} ${d.label.split(" (")[0]}.`;
      else declarations[d.name] = v;
    }
  }
  const askedAac = q.conduiteAccompagnee && categories.includes("B");
  if (askedAac && conduiteAccompagnee === undefined) {
    errors.conduiteAccompagnee = "Indiquez si vous avez suivi l'apprentissage anticipé de la conduite.";
  }
  const dejaTitulaire = q.dejaTitulaire ? yesNo(input, "dejaTitulaire") : undefined;
  if (q.dejaTitulaire && dejaTitulaire === undefined) errors.dejaTitulaire = "Indiquez si la personne est déjà titulaire d'un permis de conduire.";
  let numeroPermis = q.numeroPermis ? field(input, "numeroPermis").replace(/\s+/g, "").toUpperCase() : "";
  if (numeroPermis !== "" && !LICENCE_NUMBER.test(numeroPermis)) {
    errors.numeroPermis = "Le numéro de permis se compose de 6 à 20 lettres et chiffres, tel qu'il figure sur votre permis.";
  }
  let correction: Correction | undefined;
  if (q.correction) {
    const details = parseCorrectionDetails(input);
    if (!origin) errors.numeroPermis = "Saisissez le numéro du permis à corriger.";
    if (!details.ok) Object.assign(errors, details.errors);
    else if (origin) {
      numeroPermis = origin.numeroPermis;
      correction = { ...origin, ...details.value };
    }
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return {
    ok: true,
    value: {
      categories,
      categoriesDetenues,
      visiteMedicale: visiteMedicale ?? false,
      formationComplementaire: formationComplementaire ?? "non",
      conduiteAccompagnee: askedAac ? (conduiteAccompagnee ?? false) : false,
      declarations: { francais: true, vehiculeAmenage: false, vision: false, affection: false, pension: false, ...declarations },
      numeroPermis,
      ...(dejaTitulaire !== undefined ? { dejaTitulaire } : {}),
      ...(correction ? { correction } : {}),
    },
  };
}

/* ------------------------------------------------------------------ Step 2: état civil */

export const NATIONALITES = [
  { value: "francaise", label: "Française" },
  { value: "ue", label: "D'un pays de l'Union européenne, de l'Espace économique européen ou de la Suisse" },
  { value: "autre", label: "Autre nationalité" },
] as const;

export const QUALITES_REPRESENTANT = [
  { value: "pere", label: "Père" },
  { value: "mere", label: "Mère" },
  { value: "tuteur", label: "Tuteur ou tutrice" },
] as const;

export const MAX_FIRST_NAMES = 4;
export const FRANCE = "99100";

export interface EtatCivil {
  nomNaissance: string;
  nomUsage: string;
  sexe: "F" | "M";
  prenoms: string[];
  dateNaissance: PartialDate;
  nationalite: Nationalite;
  paysNaissance: { code: string; name: string };
  departementNaissance?: { code: string; name: string };
  communeNaissance: { code?: string; name: string };
  representant?: { nom: string; prenom: string; qualite: string };
}

/** Number of first-name fields shown: two, one more each time "+ Ajouter un prénom" is pressed, at least those filled. */
export function firstNameCount(input: RawInput): number {
  let n = Math.min(MAX_FIRST_NAMES, Math.max(2, Number(field(input, "prenomCount")) || 2));
  for (let i = n + 1; i <= MAX_FIRST_NAMES; i++) if (field(input, `prenom${i}`) !== "") n = i;
  return n;
}

export function parseStep2(input: RawInput, ctx: { motif: MotifInfo; pour: Pour; step1?: Step1 | undefined; places: Places; today: Date }): FormResult<EtatCivil> {
  const errors: FieldErrors = {};
  const nomNaissance = tidy(field(input, "nomNaissance")).toUpperCase();
  const nomUsage = tidy(field(input, "nomUsage")).toUpperCase();
  errors.nomNaissance = nameError(nomNaissance, "nom de naissance");
  if (nomUsage !== "") errors.nomUsage = nameError(nomUsage, "nom d'usage");
  const sexe = field(input, "sexe");
  if (sexe !== "F" && sexe !== "M") errors.sexe = "Indiquez le sexe de la personne.";
  const prenoms: string[] = [];
  for (let i = 1; i <= MAX_FIRST_NAMES; i++) {
    const p = tidy(field(input, `prenom${i}`));
    if (i === 1) errors.prenom1 = nameError(p, "1er prénom");
    else if (p !== "") errors[`prenom${i}`] = nameError(p, `${i}ème prénom`);
    if (p !== "") prenoms.push(p);
  }
  const date = parsePartialDate(field(input, "naissanceJour"), field(input, "naissanceMois"), field(input, "naissanceAnnee"), ctx.today);
  if (!date.ok) errors.naissance = date.error;
  else {
    const age = ageOn(date.date, ctx.today);
    if (ctx.pour === "mineur" && age >= 18) errors.naissance = "Cette personne est majeure : à l'étape 1, choisissez « pour une personne majeure ou mineure émancipée ».";
    else if (ctx.step1 && ctx.motif.newRights) {
      const qualified = ctx.step1.formationComplementaire !== "non";
      const early = ctx.motif.group === "inscription" ? 1 : 0;
      for (const category of ctx.step1.categories) {
        const min = category === "B" && ctx.motif.group === "inscription" ? 15 : minimumAge(category, qualified) - early;
        if (age < min) {
          errors.naissance = `Pour la catégorie ${category}, il faut avoir au moins ${min} ans${early ? " pour s'inscrire" : ""}.`;
          break;
        }
      }
    }
  }
  const nationalite = oneOf(NATIONALITES, field(input, "nationalite"));
  if (!nationalite) errors.nationalite = "Indiquez la nationalité de la personne.";
  const pays = ctx.places.country(field(input, "paysNaissance"));
  if (!pays) errors.paysNaissance = "Choisissez le pays de naissance dans la liste.";
  let departementNaissance: { code: string; name: string } | undefined;
  let communeNaissance: { code?: string; name: string } | undefined;
  const communeText = tidy(field(input, "communeNaissance"));
  if (pays?.code === FRANCE) {
    departementNaissance = ctx.places.departement(field(input, "departementNaissance"));
    if (!departementNaissance) errors.departementNaissance = "Choisissez le département ou la collectivité d'outre-mer de naissance.";
    if (communeText === "") errors.communeNaissance = "Saisissez la commune de naissance.";
    else if (departementNaissance) {
      const found = ctx.places.findBirthCommune(departementNaissance.code, communeText);
      if (!found) errors.communeNaissance = `Aucune commune « ${communeText} » n'existe dans ce département (${departementNaissance.name}) : vérifiez l'orthographe ou le département.`;
      else communeNaissance = found;
    }
  } else if (communeText === "") errors.communeNaissance = "Saisissez la ville de naissance.";
  else communeNaissance = { name: communeText };
  let representant: EtatCivil["representant"];
  if (ctx.pour !== "majeur") {
    const nom = tidy(field(input, "repNom")).toUpperCase();
    const prenom = tidy(field(input, "repPrenom"));
    const qualite = oneOf(QUALITES_REPRESENTANT, field(input, "repQualite"));
    errors.repNom = nameError(nom, "nom du représentant légal", "le");
    errors.repPrenom = nameError(prenom, "prénom du représentant légal", "le");
    if (!qualite) errors.repQualite = "Indiquez la qualité du représentant légal.";
    representant = { nom, prenom, qualite: qualite ?? "" };
  }
  if (hasErrors(errors) || !date.ok || !nationalite || !pays || !communeNaissance || (sexe !== "F" && sexe !== "M")) return { ok: false, errors };
  return {
    ok: true,
    value: {
      nomNaissance,
      nomUsage,
      sexe,
      prenoms,
      dateNaissance: date.date,
      nationalite,
      paysNaissance: pays,
      ...(departementNaissance ? { departementNaissance } : {}),
      communeNaissance,
      ...(representant ? { representant } : {}),
    },
  };
}

/* ------------------------------------------------------------------ Step 3: adresse et contact */

export const EXTENSIONS = ["bis", "ter", "quater", "quinquies", "A", "B", "C", "D"].map((v) => ({ value: v, label: v }));
export const TYPES_VOIE = [
  "allée", "avenue", "boulevard", "chaussée", "chemin", "cité", "cours", "domaine", "faubourg", "hameau", "impasse", "lieu-dit",
  "lotissement", "montée", "parc", "passage", "place", "promenade", "quai", "quartier", "résidence", "route", "rue", "ruelle",
  "sentier", "square", "traverse", "villa", "voie",
].map((v) => ({ value: v, label: v }));

export interface Adresse {
  numero: string;
  extension: string;
  typeVoie: string;
  nomVoie: string;
  complement: string;
  codePostal: string;
  commune: { code: string; name: string; departement: string };
  prefecture: { id: string; label: string };
  email: string;
  telephone: string;
  consentement: boolean;
  justificatifAuNom: boolean;
}

const MOBILE = /^(?:\+33|0033|0)([67]\d{8})$/;

export function parseStep3(input: RawInput, ctx: { places: Places }): FormResult<Adresse> {
  const errors: FieldErrors = {};
  const numero = field(input, "numero");
  if (numero !== "" && !/^\d{1,5}$/.test(numero)) errors.numero = "Le numéro de la voie ne doit contenir que des chiffres.";
  const extension = field(input, "extension");
  if (extension !== "" && !EXTENSIONS.some((e) => e.value === extension)) errors.extension = "Choisissez une extension dans la liste.";
  const typeVoie = field(input, "typeVoie");
  if (typeVoie !== "" && !TYPES_VOIE.some((t) => t.value === typeVoie)) errors.typeVoie = "Choisissez un type de voie dans la liste.";
  const nomVoie = tidy(field(input, "nomVoie"));
  if (nomVoie === "") errors.nomVoie = "Saisissez le nom de la voie.";
  else if (nomVoie.length > 100) errors.nomVoie = "Le nom de la voie ne doit pas dépasser 100 caractères.";
  const complement = tidy(field(input, "complement"));
  if (complement.length > 100) errors.complement = "Le complément d'adresse ne doit pas dépasser 100 caractères.";
  const codePostal = field(input, "codePostal").replace(/\s+/g, "");
  const communeText = tidy(field(input, "commune"));
  let commune: Adresse["commune"] | undefined;
  if (!/^\d{5}$/.test(codePostal)) errors.codePostal = "Le code postal se compose de 5 chiffres.";
  else if (ctx.places.communesForPostcode(codePostal).length === 0) errors.codePostal = "Ce code postal n'existe pas.";
  if (communeText === "") errors.commune = "Saisissez la commune.";
  else if (!errors.codePostal) {
    commune = ctx.places.findCommuneByPostcode(codePostal, communeText);
    if (!commune) {
      const names = ctx.places.communesForPostcode(codePostal).map((c) => c.name);
      errors.commune = `La commune ne correspond pas au code postal ${codePostal} (${names.slice(0, 5).join(", ")}${names.length > 5 ? "…" : ""}).`;
    }
  }
  const prefecture = ctx.places.prefecture(field(input, "prefecture"));
  if (!prefecture) errors.prefecture = "Choisissez la préfecture ou sous-préfecture de rattachement.";
  else if (commune && prefecture.departement !== commune.departement) {
    errors.prefecture = "Choisissez une préfecture ou sous-préfecture du département de votre domicile.";
  }
  const email = field(input, "email").toLowerCase();
  errors.email = emailError(email);
  const phoneRaw = field(input, "telephone").replace(/[\s.-]/g, "");
  const phone = MOBILE.exec(phoneRaw);
  if (phoneRaw !== "" && !phone) errors.telephone = "Saisissez un numéro de téléphone portable français, par exemple 06 12 34 56 78.";
  const consentement = yesNo(input, "consentement");
  if (consentement === undefined) errors.consentement = "Indiquez si vous acceptez que vos données soient réutilisées à des fins d'information.";
  const justificatifAuNom = yesNo(input, "justificatifAuNom");
  if (justificatifAuNom === undefined) errors.justificatifAuNom = "Indiquez si le justificatif de domicile est au nom de la personne concernée.";
  if (hasErrors(errors) || !commune || !prefecture || consentement === undefined || justificatifAuNom === undefined) return { ok: false, errors };
  return {
    ok: true,
    value: {
      numero,
      extension,
      typeVoie,
      nomVoie,
      complement,
      codePostal,
      commune,
      prefecture: { id: prefecture.id, label: prefecture.label },
      email,
      telephone: phone ? `0${phone[1]}` : "",
      consentement,
      justificatifAuNom,
    },
  };
}

/* ------------------------------------------------------------------ Step 4: photo / signature */

export const PHOTO_OPTIONS = [
  { value: "numerique", label: "Je dispose d'une photo et d'une signature numériques" },
  {
    value: "classique",
    label:
      "Je dispose d'une photo d'identité classique et je souhaite la joindre au formulaire de dépôt fourni à la fin de la procédure que je devrai imprimer et envoyer par courrier.",
  },
  { value: "aucune", label: "Je ne dispose pas encore de photo, je souhaite localiser un service photo et signature numériques" },
] as const;

export const PHOTO_CODE_LENGTH = 22;

/**
 * The photo and signature. "reprise": a correction takes those of its original request, which
 * cannot be changed (seed 004: "La photo et la signature seront reprises de la téléprocédure initiale").
 */
export type Photo = { option: "numerique"; code: string } | { option: "classique" } | { option: "reprise"; demandeInitiale: string };

export function parseStep4(input: RawInput): FormResult<Photo> {
  const option = field(input, "photoOption");
  if (option === "numerique") {
    const code = field(input, "codePhoto").replace(/\s+/g, "");
    if (code === "") return { ok: false, errors: { codePhoto: "Saisissez le code photo signature numérique (22 chiffres)." } };
    if (!/^\d+$/.test(code)) return { ok: false, errors: { codePhoto: "Le code photo signature numérique ne comporte que des chiffres." } };
    if (code.length !== PHOTO_CODE_LENGTH) {
      return { ok: false, errors: { codePhoto: `Le code photo signature numérique comporte 22 chiffres : vous en avez saisi ${code.length}.` } };
    }
    return { ok: true, value: { option, code } };
  }
  if (option === "classique") return { ok: true, value: { option } };
  if (option === "aucune") {
    return {
      ok: false,
      errors: {
        photoOption:
          "Pour continuer, il vous faut une photo et une signature : faites-les chez un photographe ou dans une cabine agréés, puis revenez compléter votre demande avec le code remis.",
      },
    };
  }
  return { ok: false, errors: { photoOption: "Choisissez l'une des options pour la photo et la signature." } };
}

/* ------------------------------------------------------------------ Step 5: the fiscal stamp */

export function parseStampNumber(input: RawInput): FormResult<{ numeroTimbre: string }> {
  const number = field(input, "numeroTimbre").replace(/\s+/g, "");
  if (number === "") return { ok: false, errors: { numeroTimbre: "Saisissez le numéro du timbre fiscal électronique (16 chiffres)." } };
  if (!/^\d{16}$/.test(number)) {
    return { ok: false, errors: { numeroTimbre: "Le numéro du timbre fiscal électronique comporte 16 chiffres, sans lettre." } };
  }
  return { ok: true, value: { numeroTimbre: number } };
}

/* ------------------------------------------------------------------ Step 5: comments on pieces */

/** The name of a piece's "Commentaire" field at step 5. */
export const commentField = (piece: string) => `commentaire-${piece}`;

/**
 * The "Commentaire" of each required piece that has one (seed 001: "Copie de diplôme - titre
 * professionnel … Commentaire"): optional, kept as typed (tidied), at most MAX_PIECE_COMMENT characters.
 */
export function parsePieceComments(input: RawInput, pieces: readonly Pick<RequiredPiece, "id" | "comment">[]): FormResult<Record<string, string>> {
  const errors: FieldErrors = {};
  const comments: Record<string, string> = {};
  for (const piece of pieces) {
    if (!piece.comment) continue;
    const name = commentField(piece.id);
    const text = tidy(field(input, name));
    if (text.length > MAX_PIECE_COMMENT) errors[name] = `Le commentaire ne doit pas dépasser ${MAX_PIECE_COMMENT} caractères (vous en avez saisi ${text.length}).`;
    else if (text !== "") comments[piece.id] = text;
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, value: comments };
}
