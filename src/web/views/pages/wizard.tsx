import type { ComponentChildren } from "preact";
import { CATEGORIES } from "../../../domain/request/categories.ts";
import {
  BENEFICIAIRES,
  EXAM_TYPES,
  FABRICATION_REASONS,
  INSCRIPTION_TYPES,
  MOTIF_GROUPS,
  POUR,
  TRAININGS,
  type MotifInfo,
} from "../../../domain/request/motifs.ts";
import { PIECE_TYPES, type PieceId } from "../../../domain/request/pieces.ts";
import {
  CORRECTION_ERRORS,
  DECLARATIONS,
  EXTENSIONS,
  FORMATIONS_COMPLEMENTAIRES,
  NATIONALITES,
  OUI_NON,
  PHOTO_OPTIONS,
  QUALITES_REPRESENTANT,
  step1Questions,
  TYPES_VOIE,
} from "../../../domain/request/steps.ts";
import type { SummarySection } from "../../../domain/request/summary.ts";
import { STEPS, type StepNumber } from "../../../domain/request/wizard.ts";
import { Alert, Csrf, ErrorSummary, Input, Messages, RadioGroup, RequiredMark, RequiredNotice, Select, type Errors, type Option, type Values } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/**
 * The 7 steps of "Faire une nouvelle demande" (SPEC §3), labels verbatim. Each step is one
 * server-rendered form; every field keeps what was typed, errors are listed at the top and
 * beside each field.
 */

export type MultiValues = Partial<Record<string, string | string[]>>;

const single = (values: MultiValues): Values =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) as Values;
const list = (values: MultiValues, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v : v ? [v] : [];
};
const hasErrors = (errors?: Errors) => Boolean(errors && Object.values(errors).some(Boolean));

function Stepper({ current }: { current: StepNumber }) {
  const step = STEPS[current - 1]!;
  const next = (STEPS as ReadonlyArray<{ n: number; label: string }>)[current];
  return (
    <div class="fr-stepper">
      <h2 class="fr-stepper__title">
        {step.label}
        <span class="fr-stepper__state">
          Étape {current} sur {STEPS.length}
        </span>
      </h2>
      <div class="fr-stepper__steps" data-fr-current-step={String(current)} data-fr-steps={String(STEPS.length)}></div>
      {next && (
        <p class="fr-stepper__details">
          <span class="fr-text--bold">Étape suivante :</span> {next.label}
        </p>
      )}
      <ol class="fr-sr-only">
        {STEPS.map((s) => (
          <li aria-current={s.n === current ? "step" : undefined}>
            {s.n} {s.label}
          </li>
        ))}
      </ol>
    </div>
  );
}

export interface WizardPage {
  ctx: PageContext;
  requestId: string;
  step: StepNumber;
  errors?: Errors;
  notice?: string | undefined;
  fieldOrder?: readonly string[];
  children: ComponentChildren;
}

/** The frame of every step: breadcrumb, title, stepper, notices and errors. */
export function WizardFrame(p: WizardPage) {
  const label = STEPS[p.step - 1]!.label;
  return (
    <Layout
      ctx={p.ctx}
      title={`${label} - Faire une nouvelle demande`}
      hasErrors={hasErrors(p.errors)}
      breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: `Nouvelle demande : ${label}` }]}
    >
      <h1>Faire une nouvelle demande</h1>
      <Stepper current={p.step} />
      {p.notice && <Alert type="success">{p.notice}</Alert>}
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={p.fieldOrder} />
      {p.children}
    </Layout>
  );
}

/** "<< Etape précédente", "Enregistrer", "Etape suivante >>" (primary first in the page, shown last: the Enter key goes forward). */
function StepButtons({ previous = true }: { previous?: boolean }) {
  return (
    <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-btns-group--inline-reverse fr-mt-4w">
      <li>
        <button type="submit" class="fr-btn" name="action" value="suivant">
          Etape suivante &gt;&gt;
        </button>
      </li>
      <li>
        <button type="submit" class="fr-btn fr-btn--secondary" name="action" value="enregistrer">
          Enregistrer
        </button>
      </li>
      {previous && (
        <li>
          <button type="submit" class="fr-btn fr-btn--tertiary" name="action" value="precedent">
            &lt;&lt; Etape précédente
          </button>
        </li>
      )}
    </ul>
  );
}

function StepForm({ ctx, requestId, step, children }: { ctx: PageContext; requestId: string; step: StepNumber; children: ComponentChildren }) {
  return (
    <form method="post" action={`/demandes/${requestId}/etape/${step}`} novalidate>
      <Csrf token={ctx.csrfToken} />
      <RequiredNotice />
      {children}
      <StepButtons previous={step > 1} />
    </form>
  );
}

/** Checkboxes sharing one name, in a fieldset (categories, errors to correct). */
function CheckboxGroup(p: { name: string; legend: ComponentChildren; options: readonly Option[]; checked: string[]; errors?: Errors | undefined; required?: boolean; inline?: boolean; hint?: string }) {
  const error = p.errors?.[p.name];
  return (
    <fieldset class={`fr-fieldset${error ? " fr-fieldset--error" : ""}`} id={`${p.name}-fieldset`} aria-labelledby={`${p.name}-legend ${p.name}-messages`}>
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${p.name}-legend`}>
        {p.legend}
        {p.required && <RequiredMark />}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </legend>
      {p.options.map((o, i) => {
        const id = i === 0 ? p.name : `${p.name}-${o.value}`;
        return (
          <div class={`fr-fieldset__element${p.inline ? " fr-fieldset__element--inline" : ""}`}>
            <div class="fr-checkbox-group">
              <input type="checkbox" id={id} name={p.name} value={o.value} checked={p.checked.includes(o.value)} />
              <label class="fr-label" for={id}>
                {o.label}
              </label>
            </div>
          </div>
        );
      })}
      <Messages id={p.name} error={error} />
    </fieldset>
  );
}

/** The three fields of the DSFR date pattern; "00" is accepted for an unknown day or month. */
function DateFields(p: { name: string; legend: string; prefix: string; errors?: Errors | undefined; values: Values; hint?: string; birth?: boolean }) {
  const error = p.errors?.[p.name];
  const part = (suffix: string, label: string, example: string, auto: string, year = false) => (
    <div class={`fr-fieldset__element fr-fieldset__element--inline ${year ? "fr-fieldset__element--year" : "fr-fieldset__element--number"}`}>
      <div class="fr-input-group">
        <label class="fr-label" for={`${p.prefix}${suffix}`}>
          {label}
          <span class="fr-hint-text">Exemple : {example}</span>
        </label>
        <input
          class="fr-input"
          id={`${p.prefix}${suffix}`}
          name={`${p.prefix}${suffix}`}
          type="text"
          inputMode="numeric"
          maxLength={year ? 4 : 2}
          autocomplete={p.birth ? auto : "off"}
          value={p.values[`${p.prefix}${suffix}`] ?? ""}
          aria-invalid={error ? "true" : undefined}
        />
      </div>
    </div>
  );
  return (
    <fieldset class={`fr-fieldset${error ? " fr-fieldset--error" : ""}`} id={p.name} role="group" aria-labelledby={`${p.name}-legend ${p.name}-messages`}>
      <legend class="fr-fieldset__legend" id={`${p.name}-legend`}>
        {p.legend}
        <RequiredMark />
        <span class="fr-hint-text">{p.hint ?? "(JJ/MM/AAAA)"}</span>
      </legend>
      {part("Jour", "Jour", "14", "bday-day")}
      {part("Mois", "Mois", "07", "bday-month")}
      {part("Annee", "Année", "1990", "bday-year", true)}
      <Messages id={p.name} error={error} />
    </fieldset>
  );
}

/* ---------------------------------------------------------------- Step 1 */

export function MotifChoicePage(p: { ctx: PageContext; professional: boolean; errors?: Errors; values?: MultiValues }) {
  const v = single(p.values ?? {});
  const groups = MOTIF_GROUPS.filter((g) => !p.professional || (g.value !== "permis_international" && g.value !== "correction"));
  return (
    <Layout
      ctx={p.ctx}
      title="Motif de demande - Faire une nouvelle demande"
      hasErrors={hasErrors(p.errors)}
      breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: "Nouvelle demande : Motif de demande" }]}
    >
      <h1>Faire une nouvelle demande</h1>
      <Stepper current={1} />
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["beneficiaire", "pour", "group", "inscription", "fabrication", "examen", "formation", "amSeul"]} />
      <form method="post" action="/demandes/nouvelle" novalidate>
        <Csrf token={p.ctx.csrfToken} />
        <h2 class="fr-h4">Motif de la demande</h2>
        <RequiredNotice />
        <Alert type="info">Le motif ne pourra plus être modifié une fois la demande commencée.</Alert>
        {!p.professional && <RadioGroup name="beneficiaire" label="La demande est faite" required options={BENEFICIAIRES} errors={p.errors} values={v} />}
        <RadioGroup name="pour" label="Vous effectuez la demande" required options={POUR} errors={p.errors} values={v} />
        <RadioGroup name="group" label="Il s'agit" required options={groups.map((g) => ({ value: g.value, label: g.label, ...("hint" in g ? { hint: g.hint } : {}) }))} errors={p.errors} values={v} />
        <h2 class="fr-h5 fr-mt-4w">Précisions selon le motif choisi</h2>
        <RadioGroup name="inscription" label="Inscription au permis : s'agit-il" hint="Si vous avez choisi une inscription au permis." options={INSCRIPTION_TYPES} errors={p.errors} values={v} />
        <RadioGroup name="fabrication" label="Fabrication d'un nouveau permis : pour quelle raison ?" hint="Si vous avez choisi une demande de fabrication d'un nouveau permis." options={FABRICATION_REASONS} errors={p.errors} values={v} />
        <RadioGroup name="examen" label="Réussite à l'examen : s'agit-il" hint="Si le nouveau permis fait suite à la réussite à l'examen." options={EXAM_TYPES} errors={p.errors} values={v} />
        <RadioGroup name="formation" label="Formation suivie" hint="Si le nouveau permis fait suite à une formation." options={TRAININGS} errors={p.errors} values={v} />
        <RadioGroup
          name="amSeul"
          label="S'agit-il d'une demande d'édition d'un titre doté de la seule catégorie AM ?"
          hint="Après une invalidation, une annulation ou une suspension de permis."
          inline
          options={OUI_NON}
          errors={p.errors}
          values={v}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-mt-4w">
          <li>
            <button type="submit" class="fr-btn">
              Etape suivante &gt;&gt;
            </button>
          </li>
        </ul>
      </form>
    </Layout>
  );
}

export function Step1Page(p: { ctx: PageContext; requestId: string; motif: MotifInfo; pourLabel: string; errors?: Errors; values: MultiValues; notice?: string | undefined }) {
  const q = step1Questions(p.motif);
  const v = single(p.values);
  const categoryOptions = CATEGORIES.map((c) => ({ value: c, label: c }));
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={1} errors={p.errors} notice={p.notice}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={1}>
        <h2 class="fr-h4">Motif de la demande</h2>
        <div class="fr-callout fr-mb-4w">
          <p class="fr-callout__text">
            Vous effectuez la demande {p.pourLabel}.<br />
            {p.motif.summary}
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
        {q.medical && (
          <>
            <RadioGroup name="visiteMedicale" label="Une visite médicale est-elle nécessaire ?" required inline options={[OUI_NON[1], OUI_NON[0]]} errors={p.errors} values={v} />
            {q.categories && (
              <RadioGroup name="formationComplementaire" label="Le permis sera-t-il obtenu par formations complémentaires ?" required options={FORMATIONS_COMPLEMENTAIRES} errors={p.errors} values={v} />
            )}
          </>
        )}
        {q.conduiteAccompagnee && (
          <RadioGroup
            name="conduiteAccompagnee"
            label="Avez-vous suivi l'apprentissage anticipé de la conduite (conduite accompagnée) ?"
            hint="À renseigner si vous demandez la catégorie B."
            inline
            options={OUI_NON}
            errors={p.errors}
            values={v}
          />
        )}
        {q.medical && (
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
            <p class="fr-text--sm">A noter : selon votre situation, un avis médical d'aptitude à la conduite devra être joint aux pièces justificatives (étape 5).</p>
          </>
        )}
        {(q.numeroPermis || q.correction) && (
          <Input
            name="numeroPermis"
            label="Numéro de permis de conduire"
            hint={q.correction ? "Tel qu'il figure sur le permis à corriger." : "Facultatif : tel qu'il figure sur votre permis (ou numéro NEPH)."}
            required={q.correction}
            autocomplete="off"
            spellcheck={false}
            errors={p.errors}
            values={v}
          />
        )}
        {q.correction && (
          <>
            <DateFields name="reception" prefix="reception" legend="Date de réception du permis" errors={p.errors} values={v} />
            <CheckboxGroup name="erreurs" legend="Erreur constatée" required options={CORRECTION_ERRORS} checked={list(p.values, "erreurs")} errors={p.errors} />
            <RadioGroup name="titreAMoi" label="Le permis reçu est-il bien le vôtre ?" required inline options={OUI_NON} errors={p.errors} values={v} />
            <RadioGroup name="memeDepartement" label="Habitez-vous toujours dans le département de votre demande initiale ?" required inline options={OUI_NON} errors={p.errors} values={v} />
            <RadioGroup
              name="demandeOrdinaire"
              label="Votre demande initiale était-elle une demande de permis (ni un échange de permis étranger, ni un permis international) ?"
              required
              inline
              options={OUI_NON}
              errors={p.errors}
              values={v}
            />
            <RadioGroup name="formatCarte" label="Votre permis est-il au format « carte bancaire » ?" required inline options={OUI_NON} errors={p.errors} values={v} />
          </>
        )}
      </StepForm>
    </WizardFrame>
  );
}

/* ---------------------------------------------------------------- Step 2 */

export function Step2Page(p: {
  ctx: PageContext;
  requestId: string;
  withRepresentative: boolean;
  countries: readonly Option[];
  departements: readonly Option[];
  firstNames: number;
  errors?: Errors;
  values: MultiValues;
  notice?: string | undefined;
}) {
  const v = single(p.values);
  const order = ["nomNaissance", "nomUsage", "sexe", "prenom1", "prenom2", "prenom3", "prenom4", "naissance", "nationalite", "paysNaissance", "departementNaissance", "communeNaissance", "repNom", "repPrenom", "repQualite"];
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={2} errors={p.errors} notice={p.notice} fieldOrder={order}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={2}>
        <h2 class="fr-h4">État civil de la personne concernée par le titre</h2>
        <input type="hidden" name="prenomCount" value={String(p.firstNames)} />
        <Input name="nomNaissance" label="Nom de naissance" hint="(Nom figurant sur votre acte de naissance)" required autocomplete="family-name" errors={p.errors} values={v} />
        <Input name="nomUsage" label="Nom d'usage" hint="(si nécessaire, ex : nom d'épouse)" autocomplete="off" errors={p.errors} values={v} />
        <RadioGroup name="sexe" label="Sexe" required inline options={[{ value: "F", label: "Femme" }, { value: "M", label: "Homme" }]} errors={p.errors} values={v} />
        {Array.from({ length: p.firstNames }, (_, i) => (
          <Input
            name={`prenom${i + 1}`}
            label={i === 0 ? "1er prénom" : `${i + 1}ème prénom`}
            hint={i === 0 ? "(Entrez vos prénoms dans l'ordre de l'état civil. Les prénoms composés sont séparés par un tiret 'ex: Jean-Pierre')" : undefined}
            required={i === 0}
            autocomplete={i === 0 ? "given-name" : "additional-name"}
            errors={p.errors}
            values={v}
          />
        ))}
        {p.firstNames < 4 && (
          <p>
            <button type="submit" class="fr-btn fr-btn--tertiary fr-btn--sm" name="action" value="ajouter-prenom">
              + Ajouter un prénom
            </button>
          </p>
        )}
        <DateFields name="naissance" prefix="naissance" legend="Date de naissance" hint="(JJ/MM/AAAA) — si le jour ou le mois est inconnu sur l'acte de naissance, saisissez 00" errors={p.errors} values={v} birth />
        <RadioGroup name="nationalite" label="Nationalité" required options={NATIONALITES} errors={p.errors} values={v} />
        <Select name="paysNaissance" label="Pays de naissance" required options={p.countries} errors={p.errors} values={v} placeholder="Choisir un pays" />
        <Select
          name="departementNaissance"
          label="Département ou Collectivité d'outre-mer de naissance"
          hint="Si vous êtes né(e) en France."
          options={p.departements}
          errors={p.errors}
          values={v}
          placeholder="Choisir un département (naissance en France)"
        />
        <Input name="communeNaissance" label="Commune de naissance" hint="Pour une naissance à l'étranger, la ville de naissance." required autocomplete="off" errors={p.errors} values={v} />
        {p.withRepresentative && (
          <>
            <h2 class="fr-h4 fr-mt-4w">Représentant légal</h2>
            <p>Pour une personne mineure ou sous tutelle, le représentant légal renseigne son état civil ; sa pièce d'identité et sa signature sont demandées à l'étape 5.</p>
            <Input name="repNom" label="Nom du représentant légal" required autocomplete="off" errors={p.errors} values={v} />
            <Input name="repPrenom" label="Prénom du représentant légal" required autocomplete="off" errors={p.errors} values={v} />
            <RadioGroup name="repQualite" label="Qualité du représentant légal" required inline options={QUALITES_REPRESENTANT} errors={p.errors} values={v} />
          </>
        )}
      </StepForm>
    </WizardFrame>
  );
}

/* ---------------------------------------------------------------- Step 3 */

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

/* ---------------------------------------------------------------- Step 4 */

export function Step4Page(p: { ctx: PageContext; requestId: string; errors?: Errors; values: MultiValues; notice?: string | undefined }) {
  const v = single(p.values);
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={4} errors={p.errors} notice={p.notice} fieldOrder={["photoOption", "codePhoto"]}>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={4}>
        <h2 class="fr-h4">Photo et signature</h2>
        <RadioGroup name="photoOption" label="Merci de sélectionner l'une des options ci-dessous" required options={PHOTO_OPTIONS} errors={p.errors} values={v} />
        <Input
          name="codePhoto"
          label="Code photo signature numérique"
          hint="Les 22 chiffres indiqués sur la planche remise par le photographe ou la cabine agréés (valable 6 mois, une seule fois)."
          inputmode="numeric"
          autocomplete="off"
          maxLength={40}
          errors={p.errors}
          values={v}
        />
        <p>
          <a class="fr-link fr-icon-map-pin-2-line fr-link--icon-left" href="/photographes">
            Localiser un photographe ou une cabine agréés
          </a>
        </p>
      </StepForm>
    </WizardFrame>
  );
}

/* ---------------------------------------------------------------- Step 5 */

export interface PieceView {
  id: PieceId;
  label: string;
  hint?: string | undefined;
  maxPages: number;
  kind: "file" | "stamp";
  reasons: string[];
  pages: number;
  files: Array<{ id: string; name: string; pages: number }>;
}

function UploadForm({ ctx, requestId, piece, additional, error, label }: { ctx: PageContext; requestId: string; piece?: PieceId; additional?: boolean; error?: string | undefined; label: string }) {
  const id = additional ? "upload-additional" : `piece-${piece}`;
  return (
    <form method="post" action={`/demandes/${requestId}/pieces?_csrf=${encodeURIComponent(ctx.csrfToken)}`} enctype="multipart/form-data" class="fr-mt-2w">
      {piece && <input type="hidden" name="piece" value={piece} />}
      {additional && <input type="hidden" name="additional" value="oui" />}
      {additional && (
        <Select
          name="piece"
          id="additional-piece"
          label="Type de pièce justificative à ajouter"
          options={(Object.keys(PIECE_TYPES) as PieceId[]).filter((k) => PIECE_TYPES[k].kind === "file").map((k) => ({ value: k, label: PIECE_TYPES[k].label }))}
          placeholder="Choisir un type de pièce"
        />
      )}
      <div class={`fr-upload-group${error ? " fr-upload-group--error" : ""}`}>
        <label class="fr-label" for={id}>
          {label}
          <span class="fr-hint-text">JPG, PNG, BMP, TIFF, PDF (11Mo maximum)</span>
        </label>
        <input class="fr-upload" type="file" id={id} name="fichier" accept=".jpg,.jpeg,.png,.bmp,.tif,.tiff,.pdf,image/jpeg,image/png,image/bmp,image/tiff,application/pdf" aria-describedby={`${id}-messages`} aria-invalid={error ? "true" : undefined} />
        <Messages id={id} error={error} />
      </div>
      <button type="submit" class="fr-btn fr-btn--secondary fr-btn--sm fr-mt-1w">
        Joindre un fichier
      </button>
    </form>
  );
}

function FileList({ ctx, requestId, files }: { ctx: PageContext; requestId: string; files: PieceView["files"] }) {
  if (files.length === 0) return null;
  return (
    <ul class="fr-mt-1w">
      {files.map((f) => (
        <li>
          <a href={`/demandes/${requestId}/pieces/${f.id}`} target="_blank" rel="noopener" title={`${f.name} - nouvelle fenêtre`}>
            {f.name}
          </a>{" "}
          ({f.pages} page{f.pages > 1 ? "s" : ""}) <span class="fr-badge fr-badge--success fr-badge--sm">document valide</span>{" "}
          <form method="post" action={`/demandes/${requestId}/pieces/${f.id}/supprimer`} class="inline-form">
            <Csrf token={ctx.csrfToken} />
            <button type="submit" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-delete-line fr-btn--icon-left" title={`Supprimer ${f.name}`}>
              Supprimer
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

export function Step5Page(p: {
  ctx: PageContext;
  requestId: string;
  pieces: PieceView[];
  additional: Array<{ id: string; name: string; pages: number; label: string }>;
  maxAdditional: number;
  errors?: Errors;
  /** The refusal of the last upload, and for which piece ("additional" for a complementary one). */
  upload?: { target: string; error: string } | undefined;
  values: MultiValues;
  notice?: string | undefined;
}) {
  const v = single(p.values);
  const stamp = p.pieces.find((x) => x.kind === "stamp");
  const errors: Errors = { ...(p.errors ?? {}) };
  if (p.upload) errors[p.upload.target === "additional" ? "upload-additional" : `piece-${p.upload.target}`] = p.upload.error;
  return (
    <WizardFrame ctx={p.ctx} requestId={p.requestId} step={5} errors={errors} notice={p.notice}>
      <h2 class="fr-h4">Pièces justificatives</h2>
      <p>
        Joignez les pièces justificatives numérisées demandées. Formats acceptés : JPG, PNG, BMP, TIFF et PDF, 11 Mo maximum par fichier. Une pièce illisible sera
        refusée lors de l'instruction.
      </p>
      {p.pieces
        .filter((piece) => piece.kind === "file")
        .map((piece) => (
          <section class="fr-mb-4w piece" aria-labelledby={`title-${piece.id}`}>
            <h3 class="fr-h6 fr-mb-1w" id={`title-${piece.id}`}>
              {piece.label} ({piece.pages} page{piece.pages > 1 ? "s" : ""} / {piece.maxPages} page{piece.maxPages > 1 ? "s" : ""} maximum)
            </h3>
            <p class="fr-text--sm fr-mb-1w">
              Demandée {piece.reasons.join(" ; ")}.{piece.hint ? ` ${piece.hint}` : ""}
            </p>
            <FileList ctx={p.ctx} requestId={p.requestId} files={piece.files} />
            {piece.pages < piece.maxPages && (
              <UploadForm ctx={p.ctx} requestId={p.requestId} piece={piece.id} label={`Ajouter un fichier : ${piece.label}`} error={errors[`piece-${piece.id}`]} />
            )}
            {piece.pages >= piece.maxPages && errors[`piece-${piece.id}`] && <p class="fr-error-text">{errors[`piece-${piece.id}`]}</p>}
          </section>
        ))}
      <section class="fr-mb-4w" aria-labelledby="title-additional">
        <h3 class="fr-h6" id="title-additional">
          Pièces complémentaires
        </h3>
        <p class="fr-text--sm">Vous pouvez également ajouter jusqu'à {p.maxAdditional} pièces justificatives que vous jugez nécessaires.</p>
        <FileList ctx={p.ctx} requestId={p.requestId} files={p.additional.map((a) => ({ ...a, name: `${a.label} : ${a.name}` }))} />
        {p.additional.length < p.maxAdditional && <UploadForm ctx={p.ctx} requestId={p.requestId} additional label="Fichier de la pièce complémentaire" error={errors["upload-additional"]} />}
      </section>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={5}>
        {stamp && (
          <>
            <h3 class="fr-h6">{stamp.label}</h3>
            <p class="fr-text--sm">Demandé {stamp.reasons.join(" ; ")}. Achetez-le sur timbres.impots.gouv.fr ou chez un buraliste ; un timbre ne sert qu'une fois.</p>
            <Input name="numeroTimbre" label="Numéro du timbre fiscal électronique" hint="16 chiffres" required inputmode="numeric" autocomplete="off" maxLength={24} errors={p.errors} values={v} />
          </>
        )}
      </StepForm>
    </WizardFrame>
  );
}

/* ---------------------------------------------------------------- Steps 6 and 7 */

export function SummarySections({ sections, editUrl }: { sections: SummarySection[]; editUrl?: (step: number) => string }) {
  return (
    <>
      {sections.map((section) => (
        <section class="fr-mb-4w" aria-labelledby={`section-${section.step}-${section.title.length}`}>
          <h3 class="fr-h5" id={`section-${section.step}-${section.title.length}`}>
            {section.title}
          </h3>
          <dl class="summary">
            {section.rows.map((row) => (
              <div class="summary__row">
                <dt>{row.label}</dt>
                <dd>{row.value}</dd>
              </div>
            ))}
          </dl>
          {editUrl && (
            <p>
              <a class="fr-link fr-icon-edit-line fr-link--icon-left" href={editUrl(section.step)}>
                Modifier<span class="fr-sr-only"> : {section.title}</span>
              </a>
            </p>
          )}
        </section>
      ))}
    </>
  );
}

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
