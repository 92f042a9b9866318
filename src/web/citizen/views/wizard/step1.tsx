import { CATEGORIES } from "../../../../domain/request/categories.ts";
import { MAX_ERROR_DESCRIPTION } from "../../../../domain/request/correction.ts";
import type { MotifInfo } from "../../../../domain/request/motifs.ts";
import { CORRECTION_ERRORS, DECLARATIONS, FORMATIONS_COMPLEMENTAIRES, OUI_NON, step1Questions } from "../../../../domain/request/steps.ts";
import { Alert, Input, Messages, RadioGroup, RequiredMark, type Errors } from "../../../views/components.tsx";
import type { PageContext } from "../../../views/layout.tsx";
import { CheckboxGroup, list, single, StepForm, WizardFrame, type MultiValues } from "../../../views/wizard-parts.tsx";

export function Step1Page(p: { ctx: PageContext; requestId: string; motif: MotifInfo; pourLabel: string; errors?: Errors; values: MultiValues; notice?: string | undefined; correction?: { numeroPermis: string; demandeInitiale: string; dateReception: string } | undefined }) {
  const q = step1Questions(p.motif);
  const v = single(p.values);
  const categoryOptions = CATEGORIES.map((c) => ({ value: c, label: c }));
  const order = ["categories", "categoriesDetenues", "dejaTitulaire", "visiteMedicale", "formationComplementaire", "conduiteAccompagnee", ...DECLARATIONS.map((d) => d.name), "numeroPermis", "erreurs", "description"];
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={1} errors={p.errors} notice={p.notice} fieldOrder={order}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={1}>
        <h2 class="fr-h4">Motif de la demande</h2>
        <div class="fr-callout fr-mb-4w">
          <p class="fr-callout__text">
            Vous effectuez la demande {p.pourLabel}.<br />
            {p.motif.summary}
            {p.correction && (
              <>
                <br />
                Permis n° {p.correction.numeroPermis}, issu de votre demande n° {p.correction.demandeInitiale} (produit le {p.correction.dateReception}).
              </>
            )}
          </p>
          <p class="fr-text--sm fr-mb-0">
            Le motif n'est pas modifiable. S'il ne convient pas, supprimez ce brouillon depuis « MES DEMANDES EN COURS » et recommencez.
          </p>
        </div>
        {q.categories && (
          <CheckboxGroup name="categories" legend="Catégorie(s) de permis demandée(s)" required inline options={categoryOptions} checked={list(p.values, "categories")} errors={p.errors} />
        )}
        {q.categoriesDetenues && (
          <CheckboxGroup
            name="categoriesDetenues"
            legend="Catégorie(s) déjà obtenue(s)"
            hint="Celles de votre permis actuel : elles justifient les catégories pré-requises."
            inline
            options={categoryOptions}
            checked={list(p.values, "categoriesDetenues")}
            errors={p.errors}
          />
        )}
        {q.dejaTitulaire && (
          <RadioGroup
            name="dejaTitulaire"
            label="La personne est-elle déjà titulaire d'un permis de conduire ?"
            hint="Pour un premier permis, l'ASSR2 ou l'ASR est demandée aux personnes nées à partir du 1er janvier 1988 ; sinon, la copie du permis actuel."
            required
            inline
            options={OUI_NON}
            errors={p.errors}
            values={v}
          />
        )}
        {q.medical && <RadioGroup name="visiteMedicale" label="Une visite médicale est-elle nécessaire ?" required inline options={[OUI_NON[1], OUI_NON[0]]} errors={p.errors} values={v} />}
        {q.formationComplementaire && (
          <RadioGroup name="formationComplementaire" label="Le permis sera-t-il obtenu par formations complémentaires ?" required options={FORMATIONS_COMPLEMENTAIRES} errors={p.errors} values={v} />
        )}
        {q.conduiteAccompagnee && (
          <RadioGroup
            name="conduiteAccompagnee"
            label="Avez-vous suivi l'apprentissage anticipé de la conduite (conduite accompagnée) ?"
            hint="Obligatoire si vous demandez la catégorie B."
            inline
            options={OUI_NON}
            errors={p.errors}
            values={v}
          />
        )}
        {q.declarations && (
          <>
            <h2 class="fr-h4 fr-mt-4w">Déclaration du candidat</h2>
            <p>LE CANDIDAT DECLARE :</p>
            {DECLARATIONS.filter((d) => d.legend === "declare").map((d) => (
              <RadioGroup name={d.name} label={d.label} required inline options={OUI_NON} errors={p.errors} values={v} />
            ))}
            <p>LE CANDIDAT EST :</p>
            {DECLARATIONS.filter((d) => d.legend === "est").map((d) => (
              <RadioGroup name={d.name} label={d.label} required inline options={OUI_NON} errors={p.errors} values={v} />
            ))}
          </>
        )}
        {q.medical && <p class="fr-text--sm">A noter : selon votre situation, un avis médical d'aptitude à la conduite devra être joint aux pièces justificatives (étape 5).</p>}
        {q.numeroPermis && (
          <Input
            name="numeroPermis"
            label="Numéro de permis de conduire"
            hint="Facultatif : tel qu'il figure sur votre permis (ou numéro NEPH)."
            autocomplete="off"
            spellcheck={false}
            errors={p.errors}
            values={v}
          />
        )}
        {q.correction && (
          <>
            {p.errors?.numeroPermis && <Alert type="error">{p.errors.numeroPermis}</Alert>}
            <CheckboxGroup name="erreurs" legend="Erreur constatée" required options={CORRECTION_ERRORS} checked={list(p.values, "erreurs")} errors={p.errors} />
            <div class={`fr-input-group${p.errors?.description ? " fr-input-group--error" : ""}`}>
              <label class="fr-label" for="description">
                Description de l'erreur
                <RequiredMark />
                <span class="fr-hint-text">Ce qui figure sur le permis et ce qui devrait y figurer ({MAX_ERROR_DESCRIPTION} caractères maximum).</span>
              </label>
              <textarea
                class="fr-input"
                id="description"
                name="description"
                rows={5}
                maxLength={MAX_ERROR_DESCRIPTION + 100}
                aria-required="true"
                aria-invalid={p.errors?.description ? "true" : undefined}
                aria-describedby="description-messages"
              >
                {v.description ?? ""}
              </textarea>
              <Messages id="description" error={p.errors?.description} />
            </div>
          </>
        )}
      </StepForm>
    </WizardFrame>
  );
}
