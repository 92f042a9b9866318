import { Alert, Table } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
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

export function AccountHomePage(p: {
  ctx: PageContext;
  displayName: string;
  lastLoginAt: Date | null;
  notifications: Array<{ createdAt: Date; message: string }>;
  requests: RequestRow[];
  flash?: string | undefined;
}) {
  return (
    <Layout ctx={p.ctx} title="Mon espace">
      {p.flash && <Alert type="success">{p.flash}</Alert>}
      <h1>Bienvenue {p.displayName}</h1>
      {p.lastLoginAt && <p>Dernière connexion : {formatDateTime(p.lastLoginAt)}</p>}
      <div class="fr-grid-row fr-grid-row--gutters">
        <section class="fr-col-12 fr-col-md-6" aria-labelledby="notifications-title">
          <h2 id="notifications-title">NOTIFICATIONS</h2>
          {p.notifications.length === 0 ? (
            <p>Aucune notification.</p>
          ) : (
            <ul>
              {p.notifications.map((n) => (
                <li>
                  {formatDateTime(n.createdAt)} - {n.message}
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="fr-col-12 fr-col-md-6" aria-labelledby="espace-conducteur-title">
          <h2 id="espace-conducteur-title">MON ESPACE CONDUCTEUR</h2>
          <ul class="fr-links-group">
            <li>
              <a class="fr-link" href="/demandes/nouvelle">
                Demander un permis de conduire
              </a>
            </li>
            <li>
              <a class="fr-link" href="/photographes">
                Savoir où faire une photo numérique pour mon permis de conduire
              </a>
            </li>
            <li>
              <a class="fr-link" href="#mes-demandes">
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
        <p>
          <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/demandes/nouvelle">
            Commencer la demande
          </a>
        </p>
        <Table id="requests-table" caption="Mes demandes en cours" hideCaption headers={["Prénom", "Nom", "Numéro", "Date de création", "Date de mise à jour", "Etat", "Actions"]}>
          {p.requests.length === 0 ? (
            <tr>
              <td colSpan={7}>Aucune demande à afficher</td>
            </tr>
          ) : (
            p.requests.map((r) => (
              <tr>
                <td>{r.givenName}</td>
                <td>{r.familyName}</td>
                <td>{r.number}</td>
                <td>{formatDateTime(r.createdAt)}</td>
                <td>{formatDateTime(r.updatedAt)}</td>
                <td>{r.state}</td>
                <td>
                  <ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline">
                    {r.actions.map((a) => (
                      <li>
                        <a class="fr-btn fr-btn--sm fr-btn--secondary" href={a.href}>
                          {a.label}
                        </a>
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))
          )}
        </Table>
      </section>
    </Layout>
  );
}
