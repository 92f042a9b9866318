import { formatPartialDate } from "./birthdate.ts";
import { BENEFICIAIRES, POUR, type Beneficiaire, type MotifInfo, type Pour } from "./motifs.ts";
import type { RequiredPiece } from "./pieces.ts";
import {
  CORRECTION_ERRORS,
  DECLARATIONS,
  FORMATIONS_COMPLEMENTAIRES,
  NATIONALITES,
  QUALITES_REPRESENTANT,
  step1Questions,
  type Adresse,
  type EtatCivil,
  type Photo,
  type Step1,
} from "./steps.ts";

/**
 * The request written out section by section, as the récapitulatif (step 6), the request's
 * page and the récépissé show it. One function, so the three never disagree.
 */
export interface SummaryRow {
  label: string;
  value: string;
}

export interface SummarySection {
  title: string;
  /** The wizard step where this section is edited. */
  step: 1 | 2 | 3 | 4 | 5;
  rows: SummaryRow[];
}

export interface RequestContent {
  beneficiaire: Beneficiaire;
  pour: Pour;
  motif: MotifInfo;
  step1?: Step1 | undefined;
  etatCivil?: EtatCivil | undefined;
  adresse?: Adresse | undefined;
  photo?: Photo | undefined;
  pieces: Array<RequiredPiece & { files: Array<{ name: string; pages: number }>; commentaire?: string | undefined }>;
  additional: Array<{ label: string; name: string; pages: number }>;
  stampNumber?: string | undefined;
}

const yes = (b: boolean) => (b ? "Oui" : "Non");
const labelOf = (list: readonly { value: string; label: string }[], v: string) => list.find((x) => x.value === v)?.label ?? v;

/** "12 rue de la Paix" + complement, postcode, commune. */
export function addressLines(a: Adresse): string[] {
  const street = [a.numero, a.extension, a.typeVoie, a.nomVoie].filter((x) => x !== "").join(" ");
  return [street, ...(a.complement ? [a.complement] : []), `${a.codePostal} ${a.commune.name.toUpperCase()}`];
}

export function summarize(c: RequestContent): SummarySection[] {
  const who = c.beneficiaire === "moi" ? "pour vous-même" : labelOf(BENEFICIAIRES, "tiers");
  const motifRows: SummaryRow[] = [
    { label: "Vous effectuez la demande", value: `${who} en tant que ${labelOf(POUR, c.pour).replace(/^pour (une )?/, "")}` },
    { label: "Motif", value: c.motif.summary },
  ];
  const s1 = c.step1;
  if (s1) {
    if (s1.categories.length) motifRows.push({ label: "Catégorie(s) de permis demandée(s)", value: s1.categories.join(", ") });
    if (s1.categoriesDetenues.length) motifRows.push({ label: "Catégorie(s) déjà obtenue(s)", value: s1.categoriesDetenues.join(", ") });
    const q = step1Questions(c.motif);
    if (s1.dejaTitulaire !== undefined) motifRows.push({ label: "Déjà titulaire d'un permis de conduire", value: yes(s1.dejaTitulaire) });
    if (q.medical) {
      motifRows.push({ label: "Visite médicale", value: s1.visiteMedicale ? "La visite médicale est nécessaire" : "La visite médicale n'est pas nécessaire" });
      if (q.formationComplementaire) motifRows.push({ label: "Formations complémentaires", value: labelOf(FORMATIONS_COMPLEMENTAIRES, s1.formationComplementaire) });
      if (s1.conduiteAccompagnee) motifRows.push({ label: "Apprentissage anticipé de la conduite", value: "Oui" });
    }
    if (q.declarations) {
      for (const d of DECLARATIONS) {
        motifRows.push({ label: `Le candidat ${d.legend === "declare" ? "déclare" : "est"} ${d.label}`, value: yes(s1.declarations[d.name]) });
      }
    }
    if (s1.numeroPermis) motifRows.push({ label: "Numéro de permis", value: s1.numeroPermis });
    if (s1.correction) {
      motifRows.push({ label: "Demande initiale", value: `Demande n° ${s1.correction.demandeInitiale}, permis produit le ${s1.correction.dateReception}` });
      motifRows.push({ label: "Erreur(s) constatée(s)", value: s1.correction.erreurs.map((e) => labelOf(CORRECTION_ERRORS, e)).join(" ; ") });
      motifRows.push({ label: "Description de l'erreur", value: s1.correction.description });
    }
  }
  const sections: SummarySection[] = [{ title: "Motif de la demande du titre", step: 1, rows: motifRows }];

  const e = c.etatCivil;
  if (e) {
    const rows: SummaryRow[] = [
      { label: "Nom de naissance", value: e.nomNaissance },
      ...(e.nomUsage ? [{ label: "Nom d'usage", value: e.nomUsage }] : []),
      { label: "Sexe", value: e.sexe === "F" ? "Femme" : "Homme" },
      { label: "Prénom(s)", value: e.prenoms.join(", ") },
      { label: "Date de naissance", value: formatPartialDate(e.dateNaissance) },
      { label: "Nationalité", value: labelOf(NATIONALITES, e.nationalite) },
      { label: "Pays de naissance", value: e.paysNaissance.name },
      ...(e.departementNaissance ? [{ label: "Département ou Collectivité d'outre-mer de naissance", value: `${e.departementNaissance.name} (${e.departementNaissance.code})` }] : []),
      { label: "Commune de naissance", value: e.communeNaissance.name },
    ];
    if (e.representant) {
      rows.push({ label: "Représentant légal", value: `${e.representant.prenom} ${e.representant.nom} (${labelOf(QUALITES_REPRESENTANT, e.representant.qualite)})` });
    }
    sections.push({ title: "État civil de la personne concernée par le titre", step: 2, rows });
  }

  const a = c.adresse;
  if (a) {
    sections.push({
      title: "Adresse de la personne concernée par le titre",
      step: 3,
      rows: [
        { label: "Adresse", value: addressLines(a).join(", ") },
        { label: "Préfecture de rattachement", value: a.prefecture.label },
        { label: "Justificatif de domicile au nom de la personne", value: yes(a.justificatifAuNom) },
      ],
    });
    sections.push({
      title: "Coordonnées où l'on peut vous joindre",
      step: 3,
      rows: [
        { label: "Adresse mél", value: a.email },
        { label: "Téléphone portable", value: a.telephone ? a.telephone.replace(/(\d{2})(?=\d)/g, "$1 ") : "Non renseigné" },
        { label: "Réutilisation des données à des fins d'information", value: yes(a.consentement) },
      ],
    });
  }

  const p = c.photo;
  if (p) {
    sections.push({
      title: "Photo / signature de la personne concernée par le titre",
      step: 4,
      rows: [
        p.option === "numerique"
          ? { label: "Photo et signature numériques", value: `Code photo signature numérique ${p.code}` }
          : p.option === "reprise"
            ? { label: "Photo et signature reprises", value: `Celles de la demande initiale n° ${p.demandeInitiale}, non modifiables` }
            : { label: "Photo d'identité classique", value: "À coller sur le formulaire de dépôt de photo et de signature, à envoyer par courrier" },
      ],
    });
  }

  const pieceRows: SummaryRow[] = c.pieces.flatMap((piece) => [{
    label: piece.label,
    value:
      piece.kind === "stamp"
        ? c.stampNumber
          ? `Timbre n° ${c.stampNumber}`
          : "Non renseigné"
        : piece.files.length
          ? piece.files.map((f) => `${f.name} (${f.pages} page${f.pages > 1 ? "s" : ""})`).join(", ")
          : "Aucun fichier",
  }, ...(piece.commentaire ? [{ label: `${piece.label} : commentaire`, value: piece.commentaire }] : [])]);
  for (const extra of c.additional) pieceRows.push({ label: `${extra.label} (pièce complémentaire)`, value: `${extra.name} (${extra.pages} page${extra.pages > 1 ? "s" : ""})` });
  sections.push({ title: "Pièces justificatives", step: 5, rows: pieceRows });
  return sections;
}
