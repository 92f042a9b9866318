import { Alert } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { WizardFrame } from "../../../views/wizard-parts.tsx";

export function Step7Page(p: { ctx: PageContext; requestId: string; number: string; email: string; classicPhoto: boolean }) {
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={7}>
      <Alert type="success" title="Votre demande a bien été envoyée">
        <p>
          Numéro de demande : <strong>{p.number}</strong>. Une confirmation vient d'être envoyée par mél à {p.email}.
        </p>
      </Alert>
      <h2 class="fr-h4">Vos documents</h2>
      <ul class="fr-links-group">
        <li>
          <a class="fr-link fr-link--download" download href={`/demandes/${p.requestId}/recepisse.pdf`}>
            Télécharger le récépissé de dépôt <span class="fr-link__detail">PDF</span>
          </a>
        </li>
        {p.classicPhoto && (
          <li>
            <a class="fr-link fr-link--download" download href={`/demandes/${p.requestId}/formulaire-photo.pdf`}>
              Télécharger le formulaire de dépôt de photo et de signature <span class="fr-link__detail">PDF</span>
            </a>
          </li>
        )}
      </ul>
      {p.classicPhoto && (
        <div class="fr-callout fr-mt-4w">
          <h3 class="fr-callout__title">Envoyez votre photo par courrier</h3>
          <p class="fr-callout__text">
            Imprimez le formulaire de dépôt, collez-y votre photo d'identité en couleur (sans agrafe), signez-le à l'encre noire, et envoyez-le par courrier simple, sans
            aucune autre pièce, à :<br />
            CTN
            <br />
            CS 80168
            <br />
            53102 MAYENNE CEDEX
          </p>
        </div>
      )}
      <p class="fr-mt-4w">
        Vous pouvez suivre l'avancement de votre demande et retrouver ces documents depuis <a href="/mon-espace">votre espace</a>.
      </p>
    </WizardFrame>
  );
}
