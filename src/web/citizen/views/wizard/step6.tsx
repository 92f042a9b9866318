import type { SummarySection } from "../../../../domain/request/summary.ts";
import { Csrf, Messages, RequiredMark, type Errors } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { SummarySections, WizardFrame } from "../../../views/wizard-parts.tsx";

export function Step6Page(p: { ctx: PageContext; requestId: string; sections: SummarySection[]; errors?: Errors }) {
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={6} errors={p.errors}>
      <p>Avant validation définitive de la demande, relisez votre saisie. Vous pouvez encore modifier chaque partie.</p>
      <SummarySections sections={p.sections} editUrl={(step) => `/demandes/${p.requestId}/etape/${step}`} />
      <form method="post" action={`/demandes/${p.requestId}/envoyer`} novalidate>
        <Csrf token={p.ctx.csrfToken} />
        <div class={`fr-checkbox-group${p.errors?.attestation ? " fr-checkbox-group--error" : ""}`}>
          <input type="checkbox" id="attestation" name="attestation" value="oui" aria-required="true" aria-describedby="attestation-messages" />
          <label class="fr-label" for="attestation">
            J'atteste sur l'honneur que les informations fournies sont exactes
            <RequiredMark />
          </label>
          <Messages id="attestation" error={p.errors?.attestation} />
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-btns-group--inline-reverse fr-mt-4w">
          <li>
            <button type="submit" class="fr-btn">
              Valider et envoyer ma demande
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--tertiary" href={`/demandes/${p.requestId}/etape/5`}>
              &lt;&lt; Etape précédente
            </a>
          </li>
        </ul>
      </form>
    </WizardFrame>
  );
}
