import type { ComponentChildren } from "preact";
import { CATEGORIES } from "../../../domain/request/categories.ts";
import { MAX_ERROR_DESCRIPTION } from "../../../domain/request/correction.ts";
import {
  BENEFICIAIRES,
  DEMARCHES,
  EXAM_TYPES,
  FABRICATION_REASONS,
  INSCRIPTION_TYPES,
  MOTIF_GROUPS,
  POUR,
  TRAININGS,
  type Demarche,
  type MotifInfo,
} from "../../../domain/request/motifs.ts";
import { MAX_PIECE_COMMENT, PIECE_TYPES, type PieceId } from "../../../domain/request/pieces.ts";
import {
  CORRECTION_ERRORS,
  DECLARATIONS,
  EXTENSIONS,
  FORMATIONS_COMPLEMENTAIRES,
  NATIONALITES,
  commentField,
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

function StepForm({ ctx, requestId, step, children, csrf = true }: { ctx: PageContext; requestId: string; step: StepNumber; children: ComponentChildren; csrf?: boolean }) {
  return (
    <form method="post" action={`/demandes/${requestId}/etape/${step}`} id="etape-form" novalidate>
      {/* Step 5 places its token at the top of the page instead (see Step5Page). */}
      {csrf && <Csrf token={ctx.csrfToken} />}
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

/**
 * Progressive disclosure (seed 001: "Une fois le motif sélectionné, des précisions apparaissent"):
 * the content shows while one of the radios `when` ("name=value") is checked, and its own radios
 * are not inside a hidden part. src/web/assets/app.js applies it as the user chooses; the server
 * applies it to a form it renders back. Without JavaScript, a first form shows every précision,
 * each saying which motif it belongs to.
 */
function Reveal(p: { when: readonly string[]; values: Values; children: ComponentChildren; shown?: boolean | undefined }) {
  const shown = "shown" in p ? p.shown : isRevealed(p.when, p.values);
  return (
    <div data-reveal-when={p.when.join(" ")} hidden={shown === false ? true : undefined}>
      {p.children}
    </div>
  );
}

const AM_GROUPS = ["group=invalidation_annulation", "group=suspension"] as const;
/** What reveals each précision (app.js reads the same from the page's data-reveal-when). */
const REVEALERS: Record<string, readonly string[]> = {
  inscription: ["group=inscription"],
  fabrication: ["group=fabrication"],
  examen: ["fabrication=reussite_examen"],
  formation: ["fabrication=formation"],
  amSeul: AM_GROUPS,
};

/** A condition holds when its radio is chosen and that radio is itself shown. */
function holds(when: readonly string[], values: Values): boolean {
  return when.some((condition) => {
    const [name, value] = condition.split("=") as [string, string];
    return values[name] === value && (name === "group" || holds(REVEALERS[name] ?? [], values));
  });
}

/** undefined when no motif is chosen yet (a first form without JavaScript shows everything). */
function isRevealed(when: readonly string[], values: Values): boolean | undefined {
  return values.group ? holds(when, values) : undefined;
}
const WITH_PRECISIONS = ["group=inscription", "group=fabrication", ...AM_GROUPS] as const;

export function MotifChoicePage(p: { ctx: PageContext; professional: boolean; errors?: Errors; values?: MultiValues; /** Too many drafts already (helper "clamav"'s quotas). */ quota?: string | undefined }) {
  const v = single(p.values ?? {});
  return (
    <Layout
      ctx={p.ctx}
      title="Motif de demande - Faire une nouvelle demande"
      hasErrors={hasErrors(p.errors)}
      breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: "Nouvelle demande : Motif de demande" }]}
    >
      <h1>Faire une nouvelle demande</h1>
      <Stepper current={1} />
      {p.quota && <Alert type="warning">{p.quota}</Alert>}
      <ErrorSummary errors={p.errors ?? {}} fieldOrder={["beneficiaire", "pour", "group", "inscription", "fabrication", "examen", "formation", "amSeul"]} />
      <form method="post" action="/demandes/nouvelle" novalidate>
        <Csrf token={p.ctx.csrfToken} />
        <h2 class="fr-h4">Motif de la demande</h2>
        <RequiredNotice />
        <Alert type="info">Le motif ne pourra plus être modifié une fois la demande commencée.</Alert>
        {!p.professional && <RadioGroup name="beneficiaire" label="La demande est faite" required options={BENEFICIAIRES} errors={p.errors} values={v} />}
        <RadioGroup name="pour" label="Vous effectuez la demande" required options={POUR} errors={p.errors} values={v} />
        <RadioGroup name="group" label="Il s'agit" required options={MOTIF_GROUPS.map((g) => ({ value: g.value, label: g.label, ...("hint" in g ? { hint: g.hint } : {}) }))} errors={p.errors} values={v} />
        {!p.professional && (
          <p class="fr-text--sm">
            Pour demander un permis de conduire international ou signaler une erreur sur un permis reçu il y a moins de 6 mois, utilisez les démarches dédiées de{" "}
            <a href="/mon-espace">votre espace</a>.
          </p>
        )}
        <Reveal when={WITH_PRECISIONS} values={v}>
          <h2 class="fr-h5 fr-mt-4w">Précisions selon le motif choisi</h2>
        </Reveal>
        <Reveal when={["group=inscription"]} values={v}>
          <RadioGroup name="inscription" label="Inscription au permis : s'agit-il" hint="Si vous avez choisi une inscription au permis." required options={INSCRIPTION_TYPES} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={["group=fabrication"]} values={v}>
          <RadioGroup name="fabrication" label="Fabrication d'un nouveau permis : pour quelle raison ?" hint="Si vous avez choisi une demande de fabrication d'un nouveau permis." required options={FABRICATION_REASONS} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={["fabrication=reussite_examen"]} values={v}>
          <RadioGroup name="examen" label="Réussite à l'examen : pour quel titre ?" hint="Si le nouveau permis fait suite à la réussite à l'examen." required options={EXAM_TYPES} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={["fabrication=formation"]} values={v}>
          <RadioGroup name="formation" label="Formation suivie" hint="Si le nouveau permis fait suite à une formation." required options={TRAININGS} errors={p.errors} values={v} />
        </Reveal>
        <Reveal when={AM_GROUPS} values={v}>
          <RadioGroup
            name="amSeul"
            label="S'agit-il d'une demande d'édition d'un titre doté de la seule catégorie AM ?"
            hint="Après une invalidation, une annulation ou une suspension de permis."
            inline
            options={OUI_NON}
            errors={p.errors}
            values={v}
          />
        </Reveal>
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

/**
 * The start of a démarche of its own (seed 001's notification, seed 004), from the account home:
 * the international licence (who it is for), or a correction (the licence number, matched to the
 * user's own earlier online request). Not for driving schools: they see the refusal.
 */
export function DemarcheStartPage(p: { ctx: PageContext; demarche: Demarche; professional: boolean; errors?: Errors; values?: MultiValues }) {
  const v = single(p.values ?? {});
  const d = DEMARCHES.find((x) => x.value === p.demarche)!;
  const title = p.demarche === "correction" ? "Signaler une erreur sur mon permis de conduire" : "Demander un permis de conduire international";
  return (
    <Layout ctx={p.ctx} title={`${title} - Faire une nouvelle demande`} hasErrors={hasErrors(p.errors)} breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: title }]}>
      <h1>{title}</h1>
      <p class="fr-text--lead">{d.label}</p>
      {p.professional ? (
        <Alert type="error" title="Démarche réservée au titulaire du permis">
          <p>Une école de conduite ne peut pas déposer cette demande : seul le titulaire du permis peut la faire depuis son compte.</p>
        </Alert>
      ) : (
        <>
          <ErrorSummary errors={p.errors ?? {}} fieldOrder={["beneficiaire", "pour", "numeroPermis", "demarche"]} />
          {p.demarche === "correction" && (
            <div class="fr-callout fr-mb-4w">
              <p class="fr-callout__text">
                Seuls les titres issus d'une demande en ligne, reçus il y a moins de 6 mois, peuvent être corrigés. La photo et la signature seront reprises de la demande initiale et
                ne pourront pas être modifiées.
              </p>
            </div>
          )}
          <form method="post" action={`/demandes/nouvelle/${d.path}`} novalidate>
            <Csrf token={p.ctx.csrfToken} />
            <RequiredNotice />
            {p.demarche === "permis_international" ? (
              <>
                <RadioGroup name="beneficiaire" label="La demande est faite" required options={BENEFICIAIRES} errors={p.errors} values={v} />
                <RadioGroup name="pour" label="Vous effectuez la demande" required options={POUR} errors={p.errors} values={v} />
              </>
            ) : (
              <Input
                name="numeroPermis"
                label="Numéro du permis à corriger"
                hint="Tel qu'il figure sur le permis reçu : il doit être issu de l'une de vos demandes en ligne."
                required
                autocomplete="off"
                spellcheck={false}
                maxLength={40}
                errors={p.errors}
                values={v}
              />
            )}
            <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-mt-4w">
              <li>
                <button type="submit" class="fr-btn">
                  Commencer la demande
                </button>
              </li>
            </ul>
          </form>
        </>
      )}
    </Layout>
  );
}

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
            hint="À renseigner si vous demandez la catégorie B."
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

/* ---------------------------------------------------------------- Step 5 */

export interface PieceView {
  id: PieceId;
  label: string;
  hint?: string | undefined;
  maxPages: number;
  kind: "file" | "stamp";
  /** Has a "Commentaire" field (seed 001, step 5). */
  comment?: boolean | undefined;
  reasons: string[];
  pages: number;
  files: Array<{ id: string; name: string; pages: number; scan?: ScanView; advice?: string[] | undefined }>;
}

/** Where the antivirus is with a file: "pending" (analyse en cours), "infected" (refused and deleted), "ok". */
export type ScanView = "pending" | "infected" | "ok";

/**
 * A piece's file input and its "Joindre un fichier" button, controls of step 5's one form
 * ("etape-form", through their `form` attribute): the button sends the whole form, as
 * multipart, to the upload route, so what is typed on the page (stamp number, comments) is kept
 * whichever button is pressed. The file input is named after its piece. Works without JavaScript.
 */
function UploadField({ requestId, piece, additional, error, label }: { requestId: string; piece?: PieceId; additional?: boolean; error?: string | undefined; label: string }) {
  const id = additional ? "upload-additional" : `piece-${piece}`;
  const target = additional ? "complementaire" : piece!;
  return (
    <div class="fr-mt-2w">
      {additional && (
        <div class="fr-select-group">
          <label class="fr-label" for="additional-piece">
            Type de pièce justificative à ajouter
          </label>
          <select class="fr-select" id="additional-piece" name="type-complementaire" form="etape-form">
            <option value="" selected>
              Choisir un type de pièce
            </option>
            {(Object.keys(PIECE_TYPES) as PieceId[])
              .filter((k) => PIECE_TYPES[k].kind === "file")
              .map((k) => (
                <option value={k}>{PIECE_TYPES[k].label}</option>
              ))}
          </select>
        </div>
      )}
      <div class={`fr-upload-group${error ? " fr-upload-group--error" : ""}`}>
        <label class="fr-label" for={id}>
          {label}
          <span class="fr-hint-text">JPG, PNG, BMP, TIFF, PDF (11Mo maximum)</span>
        </label>
        <input
          class="fr-upload"
          type="file"
          id={id}
          name={`fichier-${target}`}
          form="etape-form"
          accept=".jpg,.jpeg,.png,.bmp,.tif,.tiff,.pdf,image/jpeg,image/png,image/bmp,image/tiff,application/pdf"
          aria-describedby={`${id}-messages`}
          aria-invalid={error ? "true" : undefined}
        />
        <Messages id={id} error={error} />
      </div>
      <button
        type="submit"
        form="etape-form"
        formaction={`/demandes/${requestId}/pieces`}
        formenctype="multipart/form-data"
        name="joindre"
        value={target}
        class="fr-btn fr-btn--secondary fr-btn--sm fr-mt-1w"
      >
        Joindre un fichier
      </button>
    </div>
  );
}

function FileList({ requestId, files }: { requestId: string; files: PieceView["files"] }) {
  if (files.length === 0) return null;
  return (
    <ul class="fr-mt-1w">
      {files.map((f) => (
        <li>
          {f.scan === "pending" || f.scan === "infected" ? (
            <span>{f.name}</span>
          ) : (
            <a href={`/demandes/${requestId}/pieces/${f.id}`} target="_blank" rel="noopener" title={`${f.name} - nouvelle fenêtre`}>
              {f.name}
            </a>
          )}{" "}
          ({f.pages} page{f.pages > 1 ? "s" : ""}){" "}
          {f.scan === "pending" ? (
            <span class="fr-badge fr-badge--info fr-badge--sm">Analyse en cours</span>
          ) : f.scan === "infected" ? (
            <span class="fr-badge fr-badge--error fr-badge--sm">Virus détecté : fichier supprimé</span>
          ) : (
            <span class="fr-badge fr-badge--success fr-badge--sm">document valide</span>
          )}{" "}
          {/* Part of step 5's form: what is typed on the page is saved with the removal. */}
          <button
            type="submit"
            form="etape-form"
            formaction={`/demandes/${requestId}/pieces/${f.id}/supprimer`}
            class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-delete-line fr-btn--icon-left"
            title={`Supprimer ${f.name}`}
          >
            Supprimer
          </button>
          {f.advice && f.advice.length > 0 && (
            // Readability advice (scan-quality.ts), measured at upload: the file is kept.
            <div class="fr-alert fr-alert--warning fr-alert--sm fr-mt-1w readability">
              {f.advice.map((text) => (
                <p>{text}</p>
              ))}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function Step5Page(p: {
  ctx: PageContext;
  requestId: string;
  pieces: PieceView[];
  additional: Array<{ id: string; name: string; pages: number; label: string; scan?: ScanView; advice?: string[] | undefined }>;
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
      <ul class="fr-links-group fr-mb-3w">
        <li>
          <a class="fr-link fr-icon-question-line fr-link--icon-left" href="/aide/numeriser">
            Aide : comment numériser vos documents
          </a>
        </li>
        <li>
          <a class="fr-link fr-icon-question-line fr-link--icon-left" href="/aide/justificatif-de-domicile">
            Aide : les justificatifs de domicile acceptés, et si vous êtes hébergé
          </a>
        </li>
      </ul>
      {/* Step 5 is one form ("etape-form", below): its token is its first control, so that an
          upload's multipart body starts with it (read and checked before the file). */}
      <input type="hidden" name="_csrf" value={p.ctx.csrfToken} form="etape-form" />
      {/* The Enter key in a field submits the form with its first button in the page: "Etape
          suivante", never a "Supprimer" or "Joindre un fichier" further down. */}
      <button type="submit" form="etape-form" name="action" value="suivant" class="fr-sr-only" tabindex={-1} aria-hidden="true">
        Etape suivante
      </button>
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
            {piece.comment && (
              // Part of the step's form (the "form" attribute), though shown beside its piece.
              <div class={`fr-input-group${errors[commentField(piece.id)] ? " fr-input-group--error" : ""}`}>
                <label class="fr-label" for={commentField(piece.id)}>
                  Commentaire
                  <span class="fr-hint-text">Facultatif, {MAX_PIECE_COMMENT} caractères maximum. Enregistré avec « Enregistrer » ou « Etape suivante ».</span>
                </label>
                <textarea
                  class="fr-input"
                  id={commentField(piece.id)}
                  name={commentField(piece.id)}
                  form="etape-form"
                  rows={3}
                  maxLength={MAX_PIECE_COMMENT + 100}
                  aria-invalid={errors[commentField(piece.id)] ? "true" : undefined}
                  aria-describedby={`${commentField(piece.id)}-messages`}
                >
                  {v[commentField(piece.id)] ?? ""}
                </textarea>
                <Messages id={commentField(piece.id)} error={errors[commentField(piece.id)]} />
              </div>
            )}
            <FileList requestId={p.requestId} files={piece.files} />
            {piece.pages < piece.maxPages && (
              <UploadField requestId={p.requestId} piece={piece.id} label={`Ajouter un fichier : ${piece.label}`} error={errors[`piece-${piece.id}`]} />
            )}
            {piece.pages >= piece.maxPages && errors[`piece-${piece.id}`] && <p class="fr-error-text">{errors[`piece-${piece.id}`]}</p>}
          </section>
        ))}
      <section class="fr-mb-4w" aria-labelledby="title-additional">
        <h3 class="fr-h6" id="title-additional">
          Pièces complémentaires
        </h3>
        <p class="fr-text--sm">Vous pouvez également ajouter jusqu'à {p.maxAdditional} pièces justificatives que vous jugez nécessaires.</p>
        <FileList requestId={p.requestId} files={p.additional.map((a) => ({ ...a, name: `${a.label} : ${a.name}` }))} />
        {p.additional.length < p.maxAdditional && <UploadField requestId={p.requestId} additional label="Fichier de la pièce complémentaire" error={errors["upload-additional"]} />}
      </section>
      <StepForm ctx={p.ctx} requestId={p.requestId} step={5} csrf={false}>
        {stamp && (
          <>
            <h3 class="fr-h6">{stamp.label}</h3>
            <p class="fr-text--sm">Demandé {stamp.reasons.join(" ; ")}. Achetez-le sur timbres.impots.gouv.fr ou chez un buraliste ; un timbre ne sert qu'une fois. <a href="/aide/timbre-fiscal">Aide : le timbre fiscal</a></p>
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
