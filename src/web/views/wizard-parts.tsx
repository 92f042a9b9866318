import { createContext, type ComponentChildren } from "preact";
import { useContext } from "preact/hooks";
import type { SummarySection } from "../../domain/request/summary.ts";
import { STEPS, type StepNumber } from "../../domain/request/wizard.ts";
import { Alert, Csrf, ErrorSummary, Messages, RequiredMark, RequiredNotice, type Errors, type Option, type Values } from "./components.tsx";
import { Layout, type PageContext } from "./layout.tsx";

/**
 * Shared pieces of the wizard's pages (src/web/citizen/views/wizard/). The 7 steps of "Faire une nouvelle demande" (SPEC §3), labels verbatim. Each step is one
 * server-rendered form; every field keeps what was typed, errors are listed at the top and
 * beside each field.
 */

export type MultiValues = Partial<Record<string, string | string[]>>;

export const single = (values: MultiValues): Values =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])) as Values;
export const list = (values: MultiValues, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v : v ? [v] : [];
};
export const hasErrors = (errors?: Errors) => Boolean(errors && Object.values(errors).some(Boolean));

export function Stepper({ current }: { current: StepNumber }) {
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

/**
 * "A compléter" (issue 9 §4): a step's form opened again for a section the agent ticked. The step
 * pages are the same; their frame and buttons read this context (set by the route) to say so.
 */
export const CompletionMode = createContext<{ number: string } | undefined>(undefined);

/** The frame of every step: breadcrumb, title, stepper, notices and errors. */
export function WizardFrame(p: WizardPage) {
  const label = STEPS[p.step - 1]!.label;
  const completion = useContext(CompletionMode);
  if (completion) {
    const title = `Compléter la demande n° ${completion.number}`;
    return (
      <Layout
        ctx={p.ctx}
        title={`${label} - ${title}`}
        hasErrors={hasErrors(p.errors)}
        breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: `Demande n° ${completion.number}`, href: `/demandes/${p.requestId}` }, { label: `Modifier : ${label}` }]}
      >
        <h1>{title}</h1>
        <p class="fr-text--lead">Modifier : {label}</p>
        {p.notice && <Alert type="success">{p.notice}</Alert>}
        <ErrorSummary errors={p.errors ?? {}} fieldOrder={p.fieldOrder} />
        {p.children}
      </Layout>
    );
  }
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
export function StepButtons({ previous = true, requestId }: { previous?: boolean; requestId?: string }) {
  const completion = useContext(CompletionMode);
  if (completion && requestId) {
    return (
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--right fr-btns-group--inline-reverse fr-mt-4w">
        <li>
          <button type="submit" class="fr-btn" name="action" value="suivant">
            Enregistrer la modification
          </button>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary" href={`/demandes/${requestId}/completer`}>
            Annuler
          </a>
        </li>
      </ul>
    );
  }
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

export function StepForm({ ctx, requestId, step, children, csrf = true }: { ctx: PageContext; requestId: string; step: StepNumber; children: ComponentChildren; csrf?: boolean }) {
  return (
    <form method="post" action={`/demandes/${requestId}/etape/${step}`} id="etape-form" novalidate>
      {/* Step 5 places its token at the top of the page instead (see Step5Page). */}
      {csrf && <Csrf token={ctx.csrfToken} />}
      <RequiredNotice />
      {children}
      <StepButtons previous={step > 1} requestId={requestId} />
    </form>
  );
}

/** Checkboxes sharing one name, in a fieldset (categories, errors to correct). */
export function CheckboxGroup(p: { name: string; legend: ComponentChildren; options: readonly Option[]; checked: string[]; errors?: Errors | undefined; required?: boolean; inline?: boolean; hint?: string }) {
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
export function DateFields(p: { name: string; legend: string; prefix: string; errors?: Errors | undefined; values: Values; hint?: string; birth?: boolean }) {
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

/* ---------------------------------------------------------------- Progressive disclosure (step 1's motif, step 4) */

/**
 * Progressive disclosure (seed 001: "Une fois le motif sélectionné, des précisions apparaissent"):
 * the content shows while one of the radios `when` ("name=value") is checked, and its own radios
 * are not inside a hidden part. src/web/assets/app.js applies it as the user chooses; the server
 * applies it to a form it renders back. Without JavaScript, a first form shows every précision,
 * each saying which motif it belongs to.
 */
export function Reveal(p: { when: readonly string[]; values: Values; children: ComponentChildren; shown?: boolean | undefined }) {
  const shown = "shown" in p ? p.shown : isRevealed(p.when, p.values);
  return (
    <div data-reveal-when={p.when.join(" ")} hidden={shown === false ? true : undefined}>
      {p.children}
    </div>
  );
}

export const AM_GROUPS = ["group=invalidation_annulation", "group=suspension"] as const;
/** What reveals each précision (app.js reads the same from the page's data-reveal-when). */
const REVEALERS: Record<string, readonly string[]> = {
  inscription: ["group=inscription"],
  fabrication: ["group=fabrication"],
  examen: ["fabrication=reussite_examen"],
  formation: ["fabrication=formation"],
  amSeul: AM_GROUPS,
};

/** A condition holds when its radio is chosen and that radio is itself shown. */
export function holds(when: readonly string[], values: Values): boolean {
  return when.some((condition) => {
    const [name, value] = condition.split("=") as [string, string];
    return values[name] === value && (name === "group" || holds(REVEALERS[name] ?? [], values));
  });
}

/** undefined when no motif is chosen yet (a first form without JavaScript shows everything). */
export function isRevealed(when: readonly string[], values: Values): boolean | undefined {
  return values.group ? holds(when, values) : undefined;
}
export const WITH_PRECISIONS = ["group=inscription", "group=fabrication", ...AM_GROUPS] as const;

/* ---------------------------------------------------------------- Summary (step 6, the request's page) */

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
