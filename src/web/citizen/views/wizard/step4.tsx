import { PHOTO_OPTIONS } from "../../../../domain/request/steps.ts";
import { Input, RadioGroup, type Errors } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { Reveal, single, StepForm, WizardFrame, type MultiValues } from "../../../views/wizard-parts.tsx";

export function Step4Page(p: { ctx: PageContext; requestId: string; errors?: Errors; values: MultiValues; notice?: string | undefined }) {
  const v = single(p.values);
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={4} errors={p.errors} notice={p.notice} fieldOrder={["photoOption", "codePhoto"]}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={4}>
        <h2 class="fr-h4">Photo et signature</h2>
        <RadioGroup name="photoOption" label="Merci de sélectionner l'une des options ci-dessous" required options={PHOTO_OPTIONS} errors={p.errors} values={v} />
        {/* The code is read only with the first option (src/domain/request/steps.ts): hidden with the others. */}
        <Reveal when={["photoOption=numerique"]} values={v} shown={v.photoOption ? v.photoOption === "numerique" : undefined}>
          <Input
            name="codePhoto"
            label="Code photo signature numérique"
            hint="Les 22 chiffres indiqués sur la planche remise par le photographe ou la cabine agréés (valable 6 mois, une seule fois). Seulement si vous disposez d'une photo et d'une signature numériques."
            inputmode="numeric"
            autocomplete="off"
            maxLength={40}
            errors={p.errors}
            values={v}
          />
        </Reveal>
        <p>
          <a class="fr-link fr-icon-map-pin-2-line fr-link--icon-left" href="/photographes">
            Localiser un photographe ou une cabine agréés
          </a>
        </p>
        <p>
          <a class="fr-link fr-icon-question-line fr-link--icon-left" href="/aide/photo">
            Aide : la photo et la signature numériques, ou une photo classique
          </a>
        </p>
      </StepForm>
    </WizardFrame>
  );
}
