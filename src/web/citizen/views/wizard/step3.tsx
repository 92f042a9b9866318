import { EXTENSIONS, OUI_NON, TYPES_VOIE } from "../../../../domain/request/steps.ts";
import { Alert, Input, Messages, RadioGroup, RequiredMark, Select, type Errors, type Option } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { single, StepForm, WizardFrame, type MultiValues } from "../../../views/wizard-parts.tsx";

export function Step3Page(p: {
  ctx: PageContext;
  requestId: string;
  prefectures: ReadonlyArray<{ departement: string; options: Option[] }>;
  errors?: Errors;
  values: MultiValues;
  notice?: string | undefined;
  forSomeoneElse: boolean;
}) {
  const v = single(p.values);
  const prefectureError = p.errors?.prefecture;
  const order = ["numero", "extension", "typeVoie", "nomVoie", "complement", "codePostal", "commune", "prefecture", "justificatifAuNom", "email", "telephone", "consentement"];
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={3} errors={p.errors} notice={p.notice} fieldOrder={order}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={3}>
        <h2 class="fr-h4">Adresse de la personne concernée par le titre</h2>
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-3">
            <Input name="numero" label="N° de la voie" inputmode="numeric" autocomplete="off" errors={p.errors} values={v} />
          </div>
          <div class="fr-col-12 fr-col-md-3">
            <Select name="extension" label="Extension (bis, ter, etc)" options={EXTENSIONS} errors={p.errors} values={v} placeholder="Aucune" />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <Select name="typeVoie" label="Type de voie (avenue, boulevard, etc)" options={TYPES_VOIE} errors={p.errors} values={v} placeholder="Aucun" />
          </div>
        </div>
        <Input name="nomVoie" label="Nom de la voie" required autocomplete="address-line1" errors={p.errors} values={v} />
        <Input name="complement" label="Complément d'adresse" hint="(Étage, escalier, appartement - Immeuble, bâtiment, résidence - Lieu-dit)" autocomplete="address-line2" errors={p.errors} values={v} />
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-4">
            <Input name="codePostal" label="Code Postal" required inputmode="numeric" maxLength={5} autocomplete="postal-code" errors={p.errors} values={v} />
          </div>
          <div class="fr-col-12 fr-col-md-8">
            <Input name="commune" label="Commune" required autocomplete="address-level2" errors={p.errors} values={v} />
          </div>
        </div>
        <div class={`fr-select-group${prefectureError ? " fr-select-group--error" : ""}`}>
          <label class="fr-label" for="prefecture">
            Préfecture de rattachement
            <RequiredMark />
            <span class="fr-hint-text">(Sélectionner la préfecture ou sous-préfecture dont vous relevez en fonction de votre lieu de domicile)</span>
          </label>
          <select class="fr-select" id="prefecture" name="prefecture" aria-required="true" aria-invalid={prefectureError ? "true" : undefined} aria-describedby="prefecture-messages">
            <option value="" selected={!v.prefecture} disabled>
              Choisir une préfecture ou sous-préfecture
            </option>
            {p.prefectures.map((group) => (
              <optgroup label={group.departement}>
                {group.options.map((o) => (
                  <option value={o.value} selected={v.prefecture === o.value}>
                    {o.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <Messages id="prefecture" error={prefectureError} />
        </div>
        <RadioGroup
          name="justificatifAuNom"
          label="Le justificatif de domicile est-il au nom de la personne concernée ?"
          hint="Sinon, l'attestation d'hébergement et la pièce d'identité de l'hébergeant seront demandées à l'étape 5."
          required
          inline
          options={OUI_NON}
          errors={p.errors}
          values={v}
        />
        <h2 class="fr-h4 fr-mt-4w">Coordonnées où l'on peut vous joindre</h2>
        {p.forSomeoneElse && (
          <Alert type="info">
            Vous faites la demande pour une autre personne : indiquez ses propres adresse mél et téléphone. Ils serviront à l'informer de chaque étape de sa demande.
          </Alert>
        )}
        <Input name="email" type="email" label="Adresse mél" hint="Format attendu : nom@domaine.fr" required autocomplete="email" errors={p.errors} values={v} />
        <Input name="telephone" type="tel" label="Téléphone portable (Recommandé)" hint="Pour être prévenu par SMS. Format attendu : 06 12 34 56 78" autocomplete="tel" errors={p.errors} values={v} />
        <RadioGroup
          name="consentement"
          label="J'accepte que mes données personnelles soient réutilisées à des fins d'information (elles ne seront ni vendues ni cédées à des organismes à but lucratif)."
          required
          inline
          options={OUI_NON}
          errors={p.errors}
          values={v}
        />
      </StepForm>
    </WizardFrame>
  );
}
