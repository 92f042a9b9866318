import type { AgentActor } from "../../../domain/actors.ts";
import { formatDateTime } from "../../../domain/dates.ts";
import { FILTER_CATEGORIES, FILTER_STATES, filtersToQuery, type FilterErrors, type QueueFilters } from "../../../domain/request/queues.ts";
import { displayNeph } from "../../../domain/request/neph.ts";
import type { ListOutcome } from "../../../services/backoffice.ts";
import { Messages, Select, Table, type Errors } from "../../views/components.tsx";
import { AgentLayout } from "../views/layout.tsx";
import { MOTIF_OPTIONS, motifShort, stateBadge, stateLabel } from "./labels.ts";

/** The order of the filter form's fields (error summary). */
const FILTER_ORDER = ["q", "etat", "motif", "categorie", "service", "du", "au", "apres"];

function cx(...classes: Array<string | false | undefined>) {
  return classes.filter(Boolean).join(" ");
}

/** A text or date field of a GET form (label tied, error beside it). */
function FilterInput(p: { name: string; label: string; hint?: string; type?: "text" | "date" | "search"; value: string; error?: string | undefined; maxLength?: number }) {
  return (
    <div class={cx("fr-input-group", p.error && "fr-input-group--error")}>
      <label class="fr-label" for={p.name}>
        {p.label}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </label>
      <input
        class="fr-input"
        id={p.name}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value}
        maxLength={p.maxLength}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={`${p.name}-messages`}
      />
      <Messages id={p.name} error={p.error} />
    </div>
  );
}

function queueHref(file: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ file });
  for (const [k, v] of Object.entries(query)) if (v !== "") params.set(k, v);
  return `/agent/dossiers?${params.toString()}`;
}

function countLabel(count: number, capped: boolean): string {
  return capped ? `${count.toLocaleString("fr-FR")} et plus` : count.toLocaleString("fr-FR");
}

/** The queues of the agent's role, the filters and search, one keyset page of requests. */
export function QueuesPage(p: { agent: AgentActor; csrfToken: string; list: ListOutcome; flash?: string | undefined }) {
  const { list } = p;
  const values = filtersToQuery(list.filters);
  const { apres: _apres, ...kept } = values;
  const errors: FilterErrors = list.errors;
  const searching = list.filters.search !== undefined;
  const title = searching ? "Résultats de la recherche" : (list.queue?.label ?? "Dossiers");
  const caption = searching
    ? `Résultats de la recherche « ${list.filters.search!.value} »`
    : `${list.queue?.label ?? "Dossiers"} : dossiers du plus ancien au plus récent`;
  const file = list.queue?.id ?? "";
  return (
    <AgentLayout title={title} agent={p.agent} csrfToken={p.csrfToken} errors={errors as Errors} fieldOrder={FILTER_ORDER} flash={p.flash}>
      <h1>Dossiers</h1>
      <nav aria-label="Files de dossiers" class="fr-mb-3w">
        <ul class="fr-tags-group">
          {list.queues.map((q) => (
            <li>
              <a class="fr-tag" href={queueHref(q.queue.id)} aria-current={!searching && list.queue?.id === q.queue.id ? "page" : undefined}>
                {q.queue.label} ({countLabel(q.count, q.capped)})
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <form method="get" action="/agent/dossiers" class="fr-mb-4w" aria-labelledby="filtres-titre" novalidate>
        <h2 class="fr-h5" id="filtres-titre">
          Rechercher et filtrer
        </h2>
        {file && <input type="hidden" name="file" value={file} />}
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-6">
            <FilterInput
              name="q"
              type="search"
              label="Rechercher un dossier"
              hint="Numéro de demande (PC-AAAA-NNNNNNN), NEPH (12 chiffres) ou nom de naissance. La recherche porte sur tous les états."
              value={values.q}
              error={errors.q}
              maxLength={50}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <Select name="etat" label="État" placeholder="Tous les états de la file" options={FILTER_STATES} values={{ etat: values.etat }} errors={{ etat: errors.etat }} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select name="motif" label="Motif" placeholder="Tous les motifs" options={MOTIF_OPTIONS} values={{ motif: values.motif }} errors={{ motif: errors.motif }} />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select
              name="categorie"
              label="Catégorie demandée"
              placeholder="Toutes les catégories"
              options={FILTER_CATEGORIES.map((c) => ({ value: c, label: c }))}
              values={{ categorie: values.categorie }}
              errors={{ categorie: errors.categorie }}
            />
          </div>
          <div class="fr-col-12 fr-col-md-4">
            <Select
              name="service"
              label="Service instructeur"
              placeholder="Tous mes services"
              options={list.services.map((s) => ({ value: s.id, label: s.name }))}
              values={{ service: values.service }}
              errors={{ service: errors.service }}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <FilterInput name="du" type="date" label="Envoyée du" hint="Format attendu : AAAA-MM-JJ" value={values.du} error={errors.du} />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <FilterInput name="au" type="date" label="Envoyée au" hint="Format attendu : AAAA-MM-JJ" value={values.au} error={errors.au} />
          </div>
        </div>
        {errors.apres && (
          <p class="fr-message fr-message--error" id="apres">
            {errors.apres}
          </p>
        )}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" class="fr-btn">
              Rechercher
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={queueHref(file)}>
              Effacer les filtres
            </a>
          </li>
        </ul>
      </form>

      {!searching && !list.queue ? (
        <p>Choisissez une file de dossiers.</p>
      ) : list.rows.length === 0 ? (
        <p id="aucun-dossier">{searching ? "Aucun dossier ne correspond à cette recherche dans vos services." : "Aucun dossier dans cette file."}</p>
      ) : (
        <QueueTable rows={list.rows} caption={caption} />
      )}
      <nav class="fr-mt-2w" aria-label="Pages de la liste">
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {list.filters.after && (
            <li>
              <a class="fr-btn fr-btn--tertiary" href={queueHref(file, kept)}>
                Première page
              </a>
            </li>
          )}
          {list.next && (
            <li>
              <a class="fr-btn fr-btn--secondary" rel="next" href={queueHref(file, { ...kept, apres: list.next })}>
                Page suivante
              </a>
            </li>
          )}
        </ul>
      </nav>
    </AgentLayout>
  );
}

function QueueTable({ rows, caption }: { rows: ListOutcome["rows"]; caption: string }) {
  return (
    <Table id="dossiers" caption={caption} headers={["Numéro de demande", "Nom de naissance", "Prénom", "Motif", "Envoyée le", "État", "Service", "Pris par"]}>
      {rows.map((r) => (
        <tr>
          <td>
            <a href={`/agent/dossiers/${r.id}`}>{r.number ?? "Sans numéro"}</a>
            {r.neph && <span class="fr-hint-text">NEPH {displayNeph(r.neph)}</span>}
          </td>
          <td>{r.familyName ?? ""}</td>
          <td>{r.givenName ?? ""}</td>
          <td>{motifShort(r.motif)}</td>
          <td>{formatDateTime(r.sentAt)}</td>
          <td>
            <span class={`fr-badge fr-badge--sm fr-badge--no-icon ${stateBadge(r.state)}`}>{stateLabel(r.state)}</span>
          </td>
          <td>{r.serviceName ?? "Non rattaché"}</td>
          <td>{r.assigneeName ?? "Personne"}</td>
        </tr>
      ))}
    </Table>
  );
}

export type { QueueFilters };
