import { REQUEST_STATES, type RequestState } from "../../../../domain/request/state.ts";
import { PIECE_TYPES } from "../../../../domain/request/pieces.ts";
import { SearchBar } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { External, HELP_PAGES, HelpFrame } from "./frame.tsx";

/**
 * The help pages (seeds 000 and 004, in the service's own words): short, one subject each.
 * The pieces of each démarche are in ./pieces.tsx, drawn from the rule of step 5.
 */
type Props = { ctx: PageContext };

export function HelpIndexPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Aide" path="/aide">
      <p class="fr-text--lead">Avant de commencer votre demande, et pendant son traitement : les réponses aux questions les plus fréquentes.</p>
      <ul class="help-index">
        {HELP_PAGES.map((page) => (
          <li class="fr-mb-2w">
            <a href={page.path}>{page.title}</a>
            <br />
            <span class="fr-text--sm">{page.summary}</span>
          </li>
        ))}
      </ul>
    </HelpFrame>
  );
}

export function ScanHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Numériser vos documents" path="/aide/numeriser">
      <p>
        La demande se fait entièrement en ligne : chaque pièce justificative est jointe sous forme de fichier, à l'étape 5. Vous pouvez la numériser avec un
        scanner, ou simplement la photographier avec un smartphone.
      </p>
      <h2>Formats et taille</h2>
      <ul>
        <li>Formats acceptés : JPG, PNG, BMP, TIFF et PDF.</li>
        <li>11 Mo au plus par fichier.</li>
        <li>
          Chaque pièce a un nombre de pages maximum, indiqué à côté de son nom (par exemple 2 pages pour la pièce d'identité : le recto et le verso).
        </li>
      </ul>
      <h2>Un document lisible du premier coup</h2>
      <ul>
        <li>Photographiez à la lumière du jour, sans flash ni reflet.</li>
        <li>Posez le document bien à plat, en entier : les quatre coins doivent être visibles.</li>
        <li>Vérifiez que le texte est net avant de l'envoyer, et joignez le recto et le verso en couleur.</li>
      </ul>
      <div class="fr-callout fr-mb-4w">
        <p class="fr-callout__text">
          Une pièce illisible est refusée lors de l'instruction : votre demande vous est alors renvoyée pour être complétée, et son traitement prend plus de
          temps.
        </p>
      </div>
      <p>
        Pas de scanner ni de smartphone ? Les points numériques et les espaces France services en sont équipés :{" "}
        <a href="/aide/accompagnement">se faire aider</a>.
      </p>
    </HelpFrame>
  );
}

export function DomicileHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Justificatif de domicile et hébergement" path="/aide/justificatif-de-domicile">
      <p>Le justificatif de domicile doit dater de moins de 6 mois et porter l'adresse saisie à l'étape 3 « Adresse et contact ».</p>
      <h2>Justificatifs acceptés</h2>
      <ul>
        <li>une facture d'électricité, de gaz, d'eau, de téléphone ou d'accès à internet ;</li>
        <li>une attestation ou une quittance d'assurance habitation ;</li>
        <li>une quittance de loyer établie par un organisme ou une agence (pas une quittance écrite à la main) ;</li>
        <li>votre dernier avis d'imposition ou de non-imposition, ou de taxe foncière ;</li>
        <li>une attestation de la caisse d'allocations familiales pour une aide au logement.</li>
      </ul>
      <h2>Vous êtes hébergé</h2>
      <p>
        Si vous vivez chez un parent ou un proche et qu'aucun justificatif n'est à votre nom, répondez « Non » à la question sur le justificatif de domicile à
        l'étape 3. L'étape 5 vous demandera alors, en plus du justificatif de domicile de la personne qui vous héberge :
      </p>
      <ul>
        <li>
          {PIECE_TYPES.hebergement.label} : {PIECE_TYPES.hebergement.hint}
        </li>
        <li>{PIECE_TYPES.identite_hebergeant.label}.</li>
      </ul>
      <p>
        <a href="/aide/pieces">Voir toutes les pièces à préparer</a>
      </p>
    </HelpFrame>
  );
}

export function PhotoHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Photo et signature numériques" path="/aide/photo">
      <p>
        Seuls les photographes et les cabines agréés fournissent une photo et une signature numériques. Ils sont reconnaissables à leur vignette bleue « Agréé
        services en ligne ANTS ».
      </p>
      <h2>Trouver un photographe ou une cabine agréés</h2>
      <SearchBar
        action="/photographes"
        id="search-photographers"
        label="Commune ou code postal"
        buttonTitle="Rechercher un photographe ou une cabine agréés"
        hint="Par exemple : Lyon, ou le code postal 69003."
        spacing="fr-mb-4w"
      />
      <p>Les résultats montrent d'abord ceux de votre commune, puis ceux de votre département.</p>
      <h2>Comment ça se passe</h2>
      <ul>
        <li>La photo se prend comme une photo d'identité habituelle ; vous signez ensuite avec un stylet sur un écran tactile.</li>
        <li>
          On vous remet une planche avec un code de 22 chiffres : saisissez-le à l'étape 4 « Photo / Signature ». Ce code est valable 6 mois et ne sert que pour
          une seule demande.
        </li>
      </ul>
      <h2>Avec une photo d'identité classique</h2>
      <p>
        Choisissez à l'étape 4 « Je dispose d'une photo d'identité classique ». À la fin de la demande, imprimez le formulaire de dépôt de photo et de
        signature (il reste disponible depuis votre espace), collez-y la photo sans agrafe, signez à l'encre noire, et envoyez-le seul, par courrier simple
        (ni lettre suivie, ni recommandé), à : CTN, CS 80168, 53102 MAYENNE CEDEX.
      </p>
    </HelpFrame>
  );
}

export function DrivingMeanwhileHelpPage({ ctx }: Props) {
  const rows: Array<[string, string]> = [
    ["Ajout d'une catégorie à votre permis (extension)", "Vous continuez à conduire avec votre permis actuel, pour les catégories qu'il porte."],
    ["Premier permis", "Vous ne pouvez pas conduire seul avant d'avoir reçu votre permis."],
    ["Conversion d'un brevet militaire", "Vous conduisez avec votre brevet militaire, accompagné de l'attestation de dépôt de votre demande."],
    [
      "Perte du permis",
      "Vous ne pouvez pas conduire tant que l'attestation de droits à conduire n'est pas disponible. Elle l'est après vérification par l'administration : vous êtes prévenu par mél et par SMS, et vous la téléchargez depuis votre espace.",
    ],
    [
      "Inscription au permis de catégorie B",
      "Le récépissé de dépôt de la demande vous permet de commencer l'apprentissage de la conduite sur la voie publique, avec votre école de conduite.",
    ],
  ];
  return (
    <HelpFrame ctx={ctx} title="Conduire en attendant votre permis" path="/aide/conduire-en-attendant">
      <p>Ce que vous pouvez faire pendant le traitement de votre demande dépend de votre démarche.</p>
      <ul id="driving-meanwhile">
        {rows.map(([demarche, meanwhile]) => (
          <li class="fr-mb-2w">
            <strong>{demarche}</strong> : {meanwhile}
          </li>
        ))}
      </ul>
      <p>
        Le permis est envoyé à votre domicile par courrier sécurisé. Si vous êtes absent, vous avez 15 jours après le passage du facteur pour le retirer à La
        Poste.
      </p>
    </HelpFrame>
  );
}

export function CivilStatusHelpPage({ ctx }: Props) {
  const operators = [
    ["Bureau Veritas", "Code n'Go"],
    ["Dekra", "Code Dekra"],
    ["La Poste", "Passer mon code avec La Poste"],
    ["Pearson Vue", "Point Code"],
    ["SGS", "Objectif Code"],
    ["Exa Code", "Exa Code"],
  ] as const;
  return (
    <HelpFrame ctx={ctx} title="Nom et date de naissance" path="/aide/etat-civil">
      <h2>Le permis ne porte que le nom de naissance</h2>
      <p>
        Votre permis indique votre nom de naissance, celui de votre acte de naissance. Un nom d'usage (par exemple un nom d'épouse) peut être saisi à l'étape 2,
        mais il n'est pas imprimé sur le permis. Si votre état civil a changé (divorce, adoption, jugement), faites une demande de fabrication d'un nouveau permis
        « à la suite d'un changement d'état civil ».
      </p>
      <h2>Jour ou mois de naissance inconnus</h2>
      <p>
        Si votre acte de naissance ne mentionne pas le jour ou le mois, saisissez 00 à leur place, comme sur l'acte : par exemple 00/00/1970 ou 00/05/1970. Ces
        dates sont acceptées et gardées telles quelles.
      </p>
      <p>
        Certains organismes agréés pour l'examen du code de la route refusent encore ces dates (message « date de naissance bloquante en 00/00/19XX »). Ce
        blocage ne vient pas de ce service : contactez l'organisme auprès duquel vous vous inscrivez pour qu'il accepte votre date de naissance.
      </p>
      <ul id="code-operators">
        {operators.map(([operator, exam]) => (
          <li>
            {operator} : {exam}
          </li>
        ))}
      </ul>
    </HelpFrame>
  );
}

export function NephHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Le numéro NEPH" path="/aide/neph">
      <h2>À quoi il sert</h2>
      <p>
        Le NEPH (numéro d'enregistrement préfectoral harmonisé) identifie votre dossier de permis de conduire. Il vous est attribué avec l'inscription au permis,
        et il est nécessaire pour vous inscrire à l'examen du code de la route. Il n'est pas obligatoire de le connaître pour faire une demande en ligne.
      </p>
      <h2>Quand il devient actif</h2>
      <p>
        Le NEPH est actif une fois votre demande d'inscription instruite par l'administration. Une attestation d'inscription au permis est alors produite :
        imprimez-la en recto verso sur une seule feuille et présentez-la à l'inspecteur le jour des épreuves.
      </p>
      <h2>S'il a été désactivé</h2>
      <p>
        Un NEPH peut se désactiver. Pour le faire réactiver, faites la démarche sur <External href="https://www.demarches-simplifiees.fr/">demarches-simplifiees.fr</External>{" "}
        si votre département y propose ce service ; sinon, adressez-vous au service chargé des examens du permis de conduire de votre département (en général
        le bureau de l'éducation routière de la direction départementale des territoires). Comptez 48 heures pour qu'il soit de nouveau actif.
      </p>
    </HelpFrame>
  );
}

export function StampHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Le timbre fiscal" path="/aide/timbre-fiscal">
      <p>
        Après une perte ou un vol, le nouveau permis coûte un timbre fiscal électronique de 25 €. Achetez-le avant de commencer : son numéro est demandé à
        l'étape 5, et un timbre ne sert qu'une fois.
      </p>
      <h2>Où l'acheter</h2>
      <ul>
        <li>
          en ligne, sur <External href="https://timbres.impots.gouv.fr/">timbres.impots.gouv.fr</External>, avec une carte bancaire (ou une carte prépayée) ;
        </li>
        <li>chez un buraliste.</li>
      </ul>
      <h2>Se faire rembourser un timbre non utilisé</h2>
      <p>
        Le remboursement se demande en ligne sur <External href="https://timbres.impots.gouv.fr/">timbres.impots.gouv.fr</External>, dans les 18 mois qui
        suivent l'achat.
      </p>
      <ul>
        <li>Timbre acheté en ligne : le numéro du timbre et la référence de la transaction ; vous êtes remboursé sur la carte utilisée.</li>
        <li>
          Timbre acheté chez un buraliste : le numéro, le montant et le numéro de transaction du timbre, un RIB à votre nom (pas celui d'un livret d'épargne)
          et une copie de votre pièce d'identité.
        </li>
      </ul>
    </HelpFrame>
  );
}

export function FollowUpHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Suivre votre demande" path="/aide/suivi">
      <p>
        L'état de chacune de vos demandes est affiché dans <a href="/mon-espace#mes-demandes">« MES DEMANDES EN COURS »</a>, sur votre espace. Vous êtes aussi
        informé par mél des étapes de son traitement.
      </p>
      <h2>Les états d'une demande</h2>
      <dl id="request-states">
        {(Object.keys(REQUEST_STATES) as RequestState[]).map((state) => (
          <>
            <dt class="fr-mt-2w">
              <strong>{REQUEST_STATES[state].label}</strong>
            </dt>
            <dd>
              {REQUEST_STATES[state].meaning}. Ce que vous pouvez faire : {REQUEST_STATES[state].userActions}.
            </dd>
          </>
        ))}
      </dl>
      <p>Une demande envoyée ne peut plus être modifiée, sauf si l'administration vous la renvoie « A compléter ».</p>
      <p>Les demandes sont supprimées 6 mois après leur création, quel que soit leur état.</p>
    </HelpFrame>
  );
}

export function AssistanceHelpPage({ ctx }: Props) {
  return (
    <HelpFrame ctx={ctx} title="Sans internet ou en difficulté" path="/aide/accompagnement">
      <p>Vous n'avez pas internet, ou vous avez du mal à l'utiliser ? Plusieurs solutions existent près de chez vous.</p>
      <ul>
        <li>
          <strong>Points numériques</strong> : dans les préfectures et certaines sous-préfectures, un médiateur numérique peut vous accompagner dans votre
          démarche.
        </li>
        <li>
          <strong>Espaces numériques</strong> : dans les espaces France services et dans certaines mairies, avec des ordinateurs et des scanners à votre
          disposition.
        </li>
        <li>
          <strong>Votre école de conduite</strong> : si vous passez l'examen du permis avec elle, elle peut faire la demande pour vous (inscription, titre après
          la réussite à l'examen ou après une formation).
        </li>
        <li>
          <strong>Un proche</strong> : il peut faire la demande pour vous depuis son propre compte, en choisissant « pour une autre personne ». Il saisit votre
          état civil et votre adresse, et vos coordonnées à l'étape 3 : c'est vous qui recevez alors les méls sur l'avancement de la demande.
        </li>
      </ul>
      <p>Pour créer un compte, il faut une adresse mél : un médiateur numérique peut vous aider à en créer une.</p>
    </HelpFrame>
  );
}
