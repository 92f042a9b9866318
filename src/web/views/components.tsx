import type { ComponentChildren } from "preact";

/**
 * DSFR form components. Every field has a visible label tied by `for`, its error beside it
 * (linked by aria-describedby) and appears in the error summary at the top of the page.
 * Required fields carry `aria-required` and a visible "*"; browsers' own validation is
 * off (`novalidate`) so the server's French messages are the only ones.
 */
export type Errors = Partial<Record<string, string>>;
export type Values = Partial<Record<string, string>>;

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

const cx = (...classes: Array<string | false | undefined>) => classes.filter(Boolean).join(" ");

export function RequiredMark() {
  return <span class="fr-required-mark"> *</span>;
}

export function RequiredNotice() {
  return <p class="fr-hint-text">* : Champs obligatoires</p>;
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** The DSFR messages group of a field: its error, read out when it appears. */
export function Messages({ id, error }: { id: string; error?: string | undefined }) {
  return (
    <div class="fr-messages-group" id={`${id}-messages`} aria-live="polite">
      {error && (
        <p class="fr-message fr-message--error" id={`${id}-message-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

interface FieldProps {
  name: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  required?: boolean;
  errors?: Errors;
  values?: Values;
  /** Defaults to `name`; the error summary links to it. */
  id?: string;
}

interface InputProps extends FieldProps {
  type?: "text" | "email" | "tel" | "password" | "number";
  autocomplete?: string;
  inputmode?: "numeric" | "text" | "email" | "tel";
  spellcheck?: boolean;
  maxLength?: number;
  /** Overrides `values[name]`. */
  value?: string;
  class?: string;
}

export function Input(p: InputProps) {
  const id = p.id ?? p.name;
  const error = p.errors?.[p.name];
  return (
    <div class={cx("fr-input-group", error && "fr-input-group--error", p.class)}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.required && <RequiredMark />}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </label>
      <input
        class="fr-input"
        id={id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.type === "password" ? undefined : (p.value ?? p.values?.[p.name] ?? "")}
        autocomplete={p.autocomplete}
        inputMode={p.inputmode}
        spellcheck={p.spellcheck}
        maxLength={p.maxLength}
        aria-required={p.required ? "true" : undefined}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${id}-messages`}
      />
      <Messages id={id} error={error} />
    </div>
  );
}

interface ChoiceProps extends FieldProps {
  options: readonly Option[];
  inline?: boolean;
}

/** Radio buttons in a fieldset; the summary links to the first button. */
export function RadioGroup(p: ChoiceProps) {
  const id = p.id ?? p.name;
  const error = p.errors?.[p.name];
  const current = p.values?.[p.name];
  return (
    <fieldset
      class={cx("fr-fieldset", error && "fr-fieldset--error")}
      id={`${id}-fieldset`}
      role="radiogroup"
      aria-labelledby={`${id}-legend ${id}-messages`}
      aria-required={p.required ? "true" : undefined}
    >
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legend`}>
        {p.label}
        {p.required && <RequiredMark />}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </legend>
      {p.options.map((o, i) => (
        <div class={cx("fr-fieldset__element", p.inline && "fr-fieldset__element--inline")}>
          <div class="fr-radio-group">
            <input
              type="radio"
              id={i === 0 ? id : `${id}-${o.value}`}
              name={p.name}
              value={o.value}
              checked={current === o.value}
            />
            <label class="fr-label" for={i === 0 ? id : `${id}-${o.value}`}>
              {o.label}
              {o.hint && <span class="fr-hint-text">{o.hint}</span>}
            </label>
          </div>
        </div>
      ))}
      <Messages id={id} error={error} />
    </fieldset>
  );
}

export function Select(p: ChoiceProps & { placeholder?: string }) {
  const id = p.id ?? p.name;
  const error = p.errors?.[p.name];
  const current = p.values?.[p.name] ?? "";
  return (
    <div class={cx("fr-select-group", error && "fr-select-group--error")}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.required && <RequiredMark />}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </label>
      <select
        class="fr-select"
        id={id}
        name={p.name}
        aria-required={p.required ? "true" : undefined}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${id}-messages`}
      >
        <option value="" selected={current === ""} disabled={p.required}>
          {p.placeholder ?? "Sélectionner une option"}
        </option>
        {p.options.map((o) => (
          <option value={o.value} selected={current === o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages id={id} error={error} />
    </div>
  );
}

export function Checkbox(p: FieldProps & { value?: string }) {
  const id = p.id ?? p.name;
  const error = p.errors?.[p.name];
  const value = p.value ?? "oui";
  return (
    <div class={cx("fr-checkbox-group", error && "fr-checkbox-group--error")}>
      <input
        type="checkbox"
        id={id}
        name={p.name}
        value={value}
        checked={p.values?.[p.name] === value}
        aria-required={p.required ? "true" : undefined}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${id}-messages`}
      />
      <label class="fr-label" for={id}>
        {p.label}
        {p.required && <RequiredMark />}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </label>
      <Messages id={id} error={error} />
    </div>
  );
}

/**
 * A new password with the policy shown before typing; after a failed submission each rule
 * is marked met or unmet (DSFR "fr-message--valid" / "--error").
 */
export function NewPassword(p: {
  name: string;
  label: string;
  rules: readonly { id: string; label: string }[];
  unmet?: readonly string[] | undefined;
  errors?: Errors;
  autocomplete?: string;
}) {
  const id = p.name;
  const error = p.errors?.[p.name];
  return (
    <div class={cx("fr-password", error && "fr-input-group--error")} id={`${id}-password`}>
      <label class="fr-password__label fr-label" for={id}>
        {p.label}
        <RequiredMark />
      </label>
      <div class="fr-input-wrap">
        <input
          class="fr-password__input fr-input"
          id={id}
          name={p.name}
          type="password"
          autocomplete={p.autocomplete ?? "new-password"}
          autocapitalize="off"
          spellcheck={false}
          aria-required="true"
          aria-invalid={error ? "true" : undefined}
          aria-describedby={`${id}-messages`}
        />
      </div>
      <div class="fr-messages-group" id={`${id}-messages`} aria-live="polite">
        {error && (
          <p class="fr-message fr-message--error" id={`${id}-message-error`}>
            {error}
          </p>
        )}
        <p class="fr-message">Votre mot de passe doit contenir :</p>
        {p.rules.map((r) => (
          <p
            class={cx(
              "fr-message",
              p.unmet === undefined ? "fr-message--info" : p.unmet.includes(r.id) ? "fr-message--error" : "fr-message--valid",
            )}
            data-fr-valid="validé"
            data-fr-error="en erreur"
            id={`${id}-rule-${r.id}`}
          >
            {r.label}
          </p>
        ))}
      </div>
      <div class="fr-password__checkbox fr-checkbox-group fr-checkbox-group--sm">
        <input aria-label="Afficher le mot de passe" id={`${id}-show`} type="checkbox" />
        <label class="fr-label" for={`${id}-show`}>
          Afficher
        </label>
      </div>
    </div>
  );
}

/** The list of errors at the top of the page, each linking to its field. */
export function ErrorSummary({ errors, fieldOrder }: { errors: Errors; fieldOrder?: readonly string[] }) {
  const entries = Object.entries(errors).filter((e): e is [string, string] => Boolean(e[1]));
  if (entries.length === 0) return null;
  if (fieldOrder) entries.sort(([a], [b]) => fieldOrder.indexOf(a) - fieldOrder.indexOf(b));
  return (
    <div class="fr-alert fr-alert--error fr-mb-4w" id="error-summary" tabIndex={-1} role="alert">
      <h2 class="fr-alert__title">
        {entries.length === 1 ? "Le formulaire contient une erreur" : `Le formulaire contient ${entries.length} erreurs`}
      </h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Alert(p: { type: "success" | "error" | "info" | "warning"; title?: string; children: ComponentChildren; id?: string }) {
  return (
    <div class={cx("fr-alert", `fr-alert--${p.type}`, !p.title && "fr-alert--sm", "fr-mb-4w")} id={p.id}>
      {p.title && <h2 class="fr-alert__title">{p.title}</h2>}
      {typeof p.children === "string" ? <p>{p.children}</p> : p.children}
    </div>
  );
}

export function Buttons({ children }: { children: ComponentChildren }) {
  return <ul class="fr-btns-group fr-btns-group--inline-md">{children}</ul>;
}

export function SubmitButton({ children, name, value, secondary }: { children: ComponentChildren; name?: string; value?: string; secondary?: boolean }) {
  return (
    <button type="submit" class={cx("fr-btn", secondary && "fr-btn--secondary")} name={name} value={value}>
      {children}
    </button>
  );
}

export function FranceConnectButton({ label = "S’identifier avec" }: { label?: string }) {
  return (
    <div class="fr-connect-group">
      <a class="fr-connect" href="/franceconnect/connexion">
        <span class="fr-connect__login">{label}</span> <span class="fr-connect__brand">FranceConnect</span>
      </a>
      <p>
        <a href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu’est-ce que FranceConnect ? - nouvelle fenêtre">
          Qu’est-ce que FranceConnect ?
        </a>
      </p>
    </div>
  );
}

/**
 * A DSFR table; the caption names it for assistive technologies (hidden when `hideCaption`).
 * A wide table scrolls sideways: its scrolling container is a focusable region named by the
 * caption, so it can be scrolled by keyboard (RGAA; axe "scrollable-region-focusable").
 */
/**
 * A DSFR search bar: a GET form sending `q` to `action`. No placeholder: DSFR writes placeholders in
 * italic, which made a phone fetch the 60 kB italic Marianne before the first paint (issue 8); the
 * hint under the bar says what to type.
 */
export function SearchBar(p: { action: string; id: string; label: string; buttonTitle: string; hint?: string; value?: string; spacing: "fr-mb-2w" | "fr-mb-4w" }) {
  return (
    <form method="get" action={p.action} role="search" class={p.spacing}>
      <div class="fr-search-bar" id={p.id}>
        <label class="fr-label" for="q">
          {p.label}
        </label>
        <input class="fr-input" type="search" id="q" name="q" value={p.value ?? ""} aria-describedby={p.hint ? "q-hint" : undefined} autocomplete="off" />
        <button type="submit" class="fr-btn" title={p.buttonTitle}>
          Rechercher
        </button>
      </div>
      {p.hint && (
        <p class="fr-hint-text fr-mt-1w" id="q-hint">
          {p.hint}
        </p>
      )}
    </form>
  );
}

export function Table(p: { id: string; caption: ComponentChildren; hideCaption?: boolean; headers: readonly string[]; children: ComponentChildren }) {
  const captionId = `${p.id}-legende`;
  return (
    <div class={cx("fr-table", p.hideCaption && "fr-table--no-caption")} id={p.id}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container" tabIndex={0} role="region" aria-labelledby={captionId}>
          <div class="fr-table__content">
            <table>
              <caption id={captionId}>{p.caption}</caption>
              <thead>
                <tr>
                  {p.headers.map((h) => (
                    <th scope="col">{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>{p.children}</tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}
