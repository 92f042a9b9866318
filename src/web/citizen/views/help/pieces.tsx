import { MOTIFS, type MotifInfo } from "../../../../domain/request/motifs.ts";
import { requiredPieces, type RequestFacts, type RequiredPiece } from "../../../../domain/request/pieces.ts";
import { factsOf } from "../../../../domain/request/wizard.ts";
import type { PageContext } from "../../../views/layout.tsx";
import { HelpFrame } from "./frame.tsx";

/**
 * "What to prepare for each démarche": the pieces come from `requiredPieces`, the very rule
 * that drives step 5, so the help and the form never disagree. For each démarche, the pieces
 * asked of everyone (an adult, hosted in their own name, with no particular declaration),
 * then those a situation adds.
 */

/** The facts of an adult filing the démarche with no particular situation (domicile proof in their own name). */
export function baseFacts(motif: MotifInfo, on: Date): RequestFacts {
  return { ...factsOf({ motif, pour: "majeur", on }), justificatifAuNom: true };
}

/** Situations that add pieces, in the words of the help, each with representative facts. */
export const SITUATIONS: ReadonlyArray<{ id: string; label: string; facts: (on: Date) => Partial<RequestFacts> }> = [
  { id: "heberge", label: "Si le justificatif de domicile n'est pas à votre nom (vous êtes hébergé)", facts: () => ({ justificatifAuNom: false }) },
  { id: "ue", label: "Si vous êtes ressortissant d'un autre pays de l'Union européenne, de l'Espace économique européen ou de la Suisse", facts: () => ({ nationalite: "ue" }) },
  { id: "etranger", label: "Si vous êtes ressortissant d'un autre pays", facts: () => ({ nationalite: "autre" }) },
  {
    id: "jeune",
    label: "Si vous êtes de nationalité française et avez moins de 25 ans",
    facts: (on) => ({ nationalite: "francaise", birthdate: { day: 0, month: 0, year: on.getUTCFullYear() - 20 } }),
  },
  {
    id: "premier-permis-1988",
    label: "S'il s'agit de votre premier permis et que vous êtes né(e) à partir du 1er janvier 1988",
    facts: () => ({ birthdate: { day: 1, month: 1, year: 1995 }, dejaTitulaire: false }),
  },
  { id: "titulaire", label: "Si vous êtes déjà titulaire d'un permis de conduire", facts: () => ({ dejaTitulaire: true }) },
  { id: "poids-lourds", label: "Si vous demandez une catégorie poids lourds (C1, C1E, C, CE, D1, D1E, D ou DE)", facts: () => ({ categories: ["C"] }) },
  {
    id: "medical",
    label: "Si une visite médicale est nécessaire, ou si vous déclarez une affection, un handicap, une pension d'invalidité ou devoir conduire un véhicule aménagé",
    facts: () => ({ visiteMedicale: true }),
  },
  { id: "aac", label: "Si vous avez suivi l'apprentissage anticipé de la conduite (conduite accompagnée)", facts: () => ({ conduiteAccompagnee: true, categories: ["B"] }) },
  { id: "taxe-regionale", label: "Si vous résidez en Corse, à La Réunion, en Guyane, en Martinique ou à Mayotte", facts: () => ({ departement: "2A" }) },
  { id: "mineur", label: "Si la demande concerne une personne mineure ou sous tutelle", facts: () => ({ pour: "mineur" }) },
];

/** The pieces of a démarche: always, then per situation (only the pieces that situation adds). */
export function piecesOfDemarche(motif: MotifInfo, on: Date): { always: RequiredPiece[]; situations: Array<{ id: string; label: string; pieces: RequiredPiece[] }> } {
  const base = baseFacts(motif, on);
  const always = requiredPieces(base);
  const known = new Set(always.map((p) => p.id));
  const situations = SITUATIONS.map((s) => ({
    id: s.id,
    label: s.label,
    pieces: requiredPieces({ ...base, ...s.facts(on) }).filter((p) => !known.has(p.id)),
  })).filter((s) => s.pieces.length > 0);
  return { always, situations };
}

const GROUP_TITLES: Record<string, string> = {
  inscription: "Inscription au permis de conduire",
  fabrication: "Fabrication d'un nouveau permis",
  brevet_militaire: "Conversion d'un brevet militaire",
  diplome_professionnel: "Validation d'un diplôme professionnel",
  invalidation_annulation: "Après une invalidation ou une annulation",
  suspension: "Après une suspension",
  permis_international: "Permis de conduire international",
  correction: "Signaler une erreur sur votre permis",
};

const TITLES: Record<string, string> = {
  "inscription.premier_permis": "Inscription pour un premier permis",
  "inscription.ajout_categories": "Inscription pour ajouter des catégories à un permis",
  "fabrication.perte": "Nouveau permis après une perte",
  "fabrication.vol": "Nouveau permis après un vol",
  "fabrication.deterioration": "Nouveau permis après une détérioration",
  "fabrication.expiration": "Nouveau permis à l'expiration de la durée administrative",
  "fabrication.prorogation_poids_lourds": "Prorogation des catégories poids lourds",
  "fabrication.changement_etat_civil": "Nouveau permis après un changement d'état civil",
  "fabrication.reussite_examen.premier_permis": "Premier permis après la réussite à l'examen",
  "fabrication.reussite_examen.nouvelle_categorie": "Nouvelle catégorie après la réussite à l'examen",
  "fabrication.formation.AM": "Permis après une formation à la catégorie AM",
  "fabrication.formation.A": "Permis après une formation d'accès à la catégorie A",
  "fabrication.formation.B96": "Permis après une formation B96",
  "fabrication.formation.levee_78": "Permis après une formation à la levée du code 78",
  brevet_militaire: "Conversion d'un brevet militaire",
  diplome_professionnel: "Validation d'un diplôme professionnel",
  invalidation_annulation: "Retour au permis après une invalidation ou une annulation",
  "invalidation_annulation.am": "Titre avec la seule catégorie AM après une invalidation ou une annulation",
  suspension: "Demande après une suspension de permis",
  "suspension.am": "Titre avec la seule catégorie AM après une suspension",
  permis_international: "Permis de conduire international",
  correction: "Correction d'une erreur sur un permis reçu il y a moins de 6 mois",
};

/** A démarche's short title (its récapitulatif sentence for a motif added later). */
export function demarcheTitle(motif: MotifInfo): string {
  return TITLES[motif.id] ?? motif.summary;
}

export function demarchePath(motif: MotifInfo): string {
  return `/aide/pieces/${motif.id}`;
}

export function PiecesIndexPage({ ctx }: { ctx: PageContext }) {
  const groups = [...new Set(MOTIFS.map((m) => m.group))];
  return (
    <HelpFrame ctx={ctx} title="Les pièces à préparer" path="/aide/pieces">
      <p>
        Pour toute demande, préparez votre pièce d'identité et un justificatif de domicile de moins de 6 mois, numérisés, ainsi que votre photo et votre
        signature numériques (le code à 22 chiffres) ou une photo d'identité classique. Les autres pièces dépendent de votre démarche : choisissez-la.
      </p>
      {groups.map((group) => (
        <section aria-labelledby={`group-${group}`}>
          <h2 class="fr-h5" id={`group-${group}`}>
            {GROUP_TITLES[group] ?? group}
          </h2>
          <ul>
            {MOTIFS.filter((m) => m.group === group).map((m) => (
              <li>
                <a href={demarchePath(m)}>{demarcheTitle(m)}</a>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <p>
        <a href="/aide/numeriser">Comment numériser vos documents</a>
      </p>
    </HelpFrame>
  );
}

function PieceItem({ piece }: { piece: RequiredPiece }) {
  return (
    <li data-piece={piece.id}>
      <strong>{piece.label}</strong>
      {piece.hint && <> : {piece.hint}</>}
      {piece.kind === "stamp" && (
        <>
          {" "}
          (<a href="/aide/timbre-fiscal">où l'acheter</a>)
        </>
      )}
    </li>
  );
}

export function DemarchePiecesPage({ ctx, motif, on }: { ctx: PageContext; motif: MotifInfo; on: Date }) {
  const { always, situations } = piecesOfDemarche(motif, on);
  return (
    <HelpFrame ctx={ctx} title={demarcheTitle(motif)} path="/aide/pieces" parent={{ label: "Les pièces à préparer", href: "/aide/pieces" }}>
      <p>Préparez ces documents, numérisés (scannés ou photographiés), avant de commencer votre demande.</p>
      <h2 id="always">Pour cette démarche</h2>
      <ul id="pieces-always">
        {always.map((piece) => (
          <PieceItem piece={piece} />
        ))}
      </ul>
      <p>Et votre photo et votre signature : le code à 22 chiffres d'un photographe ou d'une cabine agréés, ou une photo d'identité classique.</p>
      {situations.length > 0 && (
        <>
          <h2>Selon votre situation</h2>
          {situations.map((s) => (
            <section aria-labelledby={`situation-${s.id}`} id={`pieces-${s.id}`}>
              <h3 class="fr-h6" id={`situation-${s.id}`}>
                {s.label}
              </h3>
              <ul>
                {s.pieces.map((piece) => (
                  <PieceItem piece={piece} />
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      <p>
        <a href="/aide/numeriser">Comment numériser vos documents</a> · <a href="/aide/justificatif-de-domicile">Les justificatifs de domicile acceptés</a>
      </p>
    </HelpFrame>
  );
}
