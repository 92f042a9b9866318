import type { ComponentChildren } from "preact";
import { Layout, type PageContext } from "../../views/layout.tsx";

/** Public pages: the landing page, legal pages and error pages. */
export function HomePage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Accueil">
      <h1>Demander un permis de conduire en ligne</h1>
      <p class="fr-text--lead">
        Inscription à l'examen, nouveau permis après une perte, un vol ou une détérioration, changement d'état civil,
        réussite à l'examen… Faites votre demande en ligne et suivez-la jusqu'à la réception de votre titre.
      </p>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-6">
          <div class="fr-card fr-enlarge-link">
            <div class="fr-card__body">
              <div class="fr-card__content">
                <h2 class="fr-card__title">
                  <a href="/connexion">Je possède déjà un compte</a>
                </h2>
                <p class="fr-card__desc">Connectez-vous avec votre identifiant ou avec FranceConnect.</p>
              </div>
            </div>
          </div>
        </div>
        <div class="fr-col-12 fr-col-md-6">
          <div class="fr-card fr-enlarge-link">
            <div class="fr-card__body">
              <div class="fr-card__content">
                <h2 class="fr-card__title">
                  <a href="/compte/creer">Je crée un compte</a>
                </h2>
                <p class="fr-card__desc">Particulier ou école de conduite : créez votre compte en quelques minutes.</p>
              </div>
            </div>
          </div>
        </div>
      </div>
      <h2 class="fr-mt-6w">Avant de commencer</h2>
      <ul>
        <li>une adresse mél et, si possible, un téléphone portable pour suivre votre demande ;</li>
        <li>vos pièces justificatives numérisées (pièce d'identité, justificatif de domicile…) ;</li>
        <li>
          le code à 22 chiffres de votre photo-signature numérique, remis par un photographe ou une cabine agréés, ou une
          photo d'identité classique ;
        </li>
        <li>en cas de perte ou de vol, un timbre fiscal électronique de 25 €.</li>
      </ul>
    </Layout>
  );
}

function TextPage({ ctx, title, children }: { ctx: PageContext; title: string; children: ComponentChildren }) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}

export const LEGAL_PAGES: Record<string, { title: string; body: () => ComponentChildren }> = {
  accessibilite: {
    title: "Déclaration d'accessibilité",
    body: () => (
      <>
        <p>
          Le service {`Permis de conduire`} s'engage à rendre ses pages accessibles conformément à l'article 47 de la loi
          n° 2005-102 du 11 février 2005 et au référentiel général d'amélioration de l'accessibilité (RGAA).
        </p>
        <h2>État de conformité</h2>
        <p>
          Le service est partiellement conforme au RGAA : chaque page est vérifiée automatiquement (axe-core) à chaque
          évolution ; l'audit complet reste à conduire.
        </p>
        <h2>Retour d'information et contact</h2>
        <p>Si vous ne pouvez pas accéder à un contenu ou à un service, contactez-nous pour être orienté vers une alternative.</p>
      </>
    ),
  },
  "mentions-legales": {
    title: "Mentions légales",
    body: () => (
      <>
        <p>Ce service est édité par le ministère de l'Intérieur. Il est réservé à un usage de service public.</p>
        <p>
          Il utilise le Système de Design de l'État (DSFR), dont l'usage est réservé aux sites de l'État.
        </p>
      </>
    ),
  },
  "donnees-personnelles": {
    title: "Données personnelles",
    body: () => (
      <>
        <p>
          Les données saisies servent uniquement à l'instruction de vos demandes de permis de conduire. Les demandes sont
          supprimées 6 mois après leur création, quel que soit leur état ; un compte non activé sous 24 heures est supprimé.
        </p>
        <p>
          Vous disposez d'un droit d'accès, de rectification et d'effacement de vos données, ainsi que d'un droit de
          réclamation auprès de la CNIL.
        </p>
      </>
    ),
  },
  cookies: {
    title: "Gestion des cookies",
    body: () => (
      <p>
        Ce service dépose un seul cookie, strictement nécessaire à son fonctionnement : le cookie de session, qui vous garde
        connecté et protège les formulaires. Il ne contient aucune donnée personnelle et n'est pas soumis à consentement.
        Aucun cookie de mesure d'audience ni de publicité n'est utilisé.
      </p>
    ),
  },
  cgu: {
    title: "Conditions générales d'utilisation et règles de confidentialité",
    body: () => (
      <>
        <p>
          Ce service permet de déposer en ligne des demandes de permis de conduire. Vous vous engagez à fournir des
          informations exactes ; toute fausse déclaration est passible de sanctions.
        </p>
        <p>
          Votre identifiant et votre mot de passe sont personnels. Les informations et documents transmis ne sont utilisés
          que pour instruire vos demandes, et sont conservés 6 mois au plus après la création de chaque demande.
        </p>
      </>
    ),
  },
};

export function LegalPage({ ctx, page }: { ctx: PageContext; page: keyof typeof LEGAL_PAGES }) {
  const content = LEGAL_PAGES[page]!;
  return (
    <TextPage ctx={ctx} title={content.title}>
      {content.body()}
    </TextPage>
  );
}

export function ErrorPage({ ctx, status, title, message }: { ctx: PageContext; status: number; title: string; message: string }) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="fr-text--sm">Erreur {status}</p>
      <p class="fr-text--lead">{message}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/">
            Page d'accueil
          </a>
        </li>
      </ul>
    </Layout>
  );
}
