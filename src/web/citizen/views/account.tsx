import { Alert, ErrorSummary, Input, SearchBar, Table } from "../../views/components.tsx";
import type { ComponentChildren } from "preact";
import { frozen, Layout, type PageContext } from "../../views/layout.tsx";
import { formatDateTime } from "../../../domain/dates.ts";

/** The account home (SPEC §2): notifications, "MON ESPACE CONDUCTEUR", "MES DEMANDES EN COURS". */
export interface RequestRow {
  id: string;
  givenName: string;
  familyName: string;
  number: string;
  createdAt: Date;
  updatedAt: Date;
  state: string;
  actions: Array<{ label: string; href: string }>;
}

interface AccountHomeProps {
  ctx: PageContext;
  displayName: string;
  lastLoginAt: Date | null;
  notifications: Array<{ createdAt: Date; message: string }>;
  /** The lines shown (those matching `query`), and how many there are in all. */
  requests: RequestRow[];
  total?: number;
  query?: string;
  flash?: string | undefined;
}

/**
 * The account home. Its content is the most viewed of the service (issue 8): it is written as a
 * `frozen` template, rendered once, whose holes are what changes from one view to the next
 * (`accountHomeHoles`, in the order of `AccountHomeContent`'s parameters).
 */
export function AccountHomePage(p: AccountHomeProps) {
  return (
    <Layout ctx={p.ctx} title="Mon espace">
      {frozen("account-home", AccountHomeContent, ...accountHomeHoles(p))}
    </Layout>
  );
}

/** What changes on the account home: the page's blocks shown or not, the lists, the texts. */
function accountHomeHoles(p: AccountHomeProps): ComponentChildren[] {
  const query = p.query ?? "";
  return [
    p.flash ? <Alert type="success">{p.flash}</Alert> : null,
    p.displayName,
    p.lastLoginAt ? <p>Dernière connexion : {formatDateTime(p.lastLoginAt)}</p> : null,
    p.notifications.length === 0 ? (
      <p>Aucune notification.</p>
    ) : (
      <ul>{p.notifications.map((n) => frozen("account-home:notification", NotificationItem, formatDateTime(n.createdAt), n.message))}</ul>
    ),
    query,
    query !== "" ? (
      <p id="search-result">
        {p.requests.length === 0 ? "Aucune demande ne correspond" : `${p.requests.length} demande${p.requests.length > 1 ? "s" : ""} sur ${p.total ?? p.requests.length} correspond${p.requests.length > 1 ? "ent" : ""}`} à « {query} ».{" "}
        <a href="/mon-espace#mes-demandes">Afficher toutes mes demandes</a>
      </p>
    ) : null,
    p.requests.length === 0 ? (
      <tr>
        <td colSpan={7}>{query !== "" && (p.total ?? 0) > 0 ? `Aucune demande ne correspond à « ${query} »` : "Aucune demande à afficher"}</td>
      </tr>
    ) : (
      p.requests.map((r) =>
        frozen(
          "account-home:row",
          RequestRowCells,
          r.givenName,
          r.familyName,
          r.number,
          formatDateTime(r.createdAt),
          formatDateTime(r.updatedAt),
          r.state,
          r.actions.map((a) => frozen("account-home:action", ActionLink, a.href, a.label)),
        ),
      )
    ),
  ];
}

function NotificationItem(date: string, message: string) {
  return (
    <li>
      {date} - {message}
    </li>
  );
}

/** One line of "MES DEMANDES EN COURS" (holes: the texts of its cells, then its action links). */
function RequestRowCells(givenName: string, familyName: string, number: string, created: string, updated: string, state: string, actions: string) {
  return (
    <tr>
      <td>{givenName}</td>
      <td>{familyName}</td>
      <td>{number}</td>
      <td>{created}</td>
      <td>{updated}</td>
      <td>{state}</td>
      <td>
        <ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline">{actions}</ul>
      </td>
    </tr>
  );
}

function ActionLink(href: string, label: string) {
  return (
    <li>
      <a class="fr-btn fr-btn--sm fr-btn--secondary" href={href}>
        {label}
      </a>
    </li>
  );
}

/** The account home's content (SPEC §2); each parameter is a hole of the template (see `frozen`). */
function AccountHomeContent(flash: string, displayName: string, lastLogin: string, notifications: string, query: string, searchResult: string, rows: string) {
  return (
    <>
      {flash}
      <h1>Bienvenue {displayName}</h1>
      {lastLogin}
      <div class="fr-grid-row fr-grid-row--gutters">
        <section class="fr-col-12 fr-col-md-6" aria-labelledby="notifications-title">
          <h2 id="notifications-title">NOTIFICATIONS</h2>
          {notifications}
        </section>
        <section class="fr-col-12 fr-col-md-6" aria-labelledby="espace-conducteur-title">
          <h2 id="espace-conducteur-title">MON ESPACE CONDUCTEUR</h2>
          <ul class="fr-links-group">
            <li>
              <a class="fr-link" href="/demandes/nouvelle">
                Demander un permis de conduire
              </a>
            </li>
            {/* Two démarches of their own (seed 001's notification, seed 004); refused to driving schools on their page. */}
            <li>
              <a class="fr-link" href="/demandes/nouvelle/permis-international">
                Je demande un permis de conduire international
              </a>
            </li>
            <li>
              <a class="fr-link" href="/demandes/nouvelle/correction">
                Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois
              </a>
            </li>
            <li>
              <a class="fr-link" href="/photographes">
                Savoir où faire une photo numérique pour mon permis de conduire
              </a>
            </li>
            <li>
              <a class="fr-link" href="/mon-espace/ou-en-est">
                Savoir où en est ma demande de permis de conduire
              </a>
            </li>
          </ul>
        </section>
      </div>
      <section aria-labelledby="mes-demandes" class="fr-mt-4w">
        <h2 id="mes-demandes" tabIndex={-1}>
          MES DEMANDES EN COURS
        </h2>
        <SearchBar
          action="/mon-espace#mes-demandes"
          id="search-requests"
          label="Rechercher dans la liste"
          buttonTitle="Rechercher dans la liste"
          value={query}
          hint="Par numéro de demande, prénom, nom ou état (par exemple « Brouillon »)."
          spacing="fr-mb-2w"
        />
        {searchResult}
        <p>
          <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/demandes/nouvelle">
            Commencer la demande
          </a>
        </p>
        <Table id="requests-table" caption="Tableau de mes demandes en cours" hideCaption headers={["Prénom", "Nom", "Numéro", "Date de création", "Date de mise à jour", "Etat", "Actions"]}>
          {rows}
        </Table>
      </section>
      <section aria-labelledby="aide-title" class="fr-mt-4w">
        <h2 id="aide-title">AIDE AUX DÉMARCHES</h2>
        <ul class="fr-links-group">
          <li>
            <a class="fr-link" href="/aide/pieces">
              Les pièces justificatives à préparer
            </a>
          </li>
          <li>
            <a class="fr-link" href="/photographes">
              Géolocalisation des photographes et cabines agréés
            </a>
          </li>
          <li>
            <a class="fr-link" href="/aide/conduire-en-attendant">
              Conduire en attendant son permis
            </a>
          </li>
          <li>
            <a class="fr-link" href="/aide">
              Toute l'aide
            </a>
          </li>
        </ul>
      </section>
    </>
  );
}

/** "Savoir où en est ma demande de permis de conduire": one of the user's requests, found by its numéro. */
export function TrackRequestPage(p: { ctx: PageContext; value: string; error?: string | undefined }) {
  const errors = p.error ? { numero: p.error } : {};
  return (
    <Layout
      ctx={p.ctx}
      title="Savoir où en est ma demande de permis de conduire"
      hasErrors={Boolean(p.error)}
      breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: "Savoir où en est ma demande" }]}
    >
      <h1>Savoir où en est ma demande de permis de conduire</h1>
      <ErrorSummary errors={errors} />
      <p>Saisissez le numéro de votre demande : il figure sur le récépissé de dépôt et dans le mél de confirmation.</p>
      <form method="get" action="/mon-espace/ou-en-est" novalidate>
        <Input name="numero" label="Numéro de demande" hint="Par exemple : PC-2026-0000001" required autocomplete="off" spellcheck={false} maxLength={40} errors={errors} values={{ numero: p.value }} />
        <button type="submit" class="fr-btn">
          Voir l'état de ma demande
        </button>
      </form>
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mon-espace#mes-demandes">
          Voir toutes mes demandes
        </a>
      </p>
    </Layout>
  );
}
