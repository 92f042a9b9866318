import { Table } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** "Savoir où faire une photo numérique pour mon permis de conduire": approved photographers and booths. */
export function PhotographersPage(p: {
  ctx: PageContext;
  query: string;
  providers: Array<{ name: string; kind: "photographe" | "cabine"; address: string; postcode: string; commune: string }>;
}) {
  return (
    <Layout ctx={p.ctx} title="Photographes et cabines agréés" breadcrumb={[{ label: "Accueil", href: "/" }, { label: "Photographes et cabines agréés" }]}>
      <h1>Photographes et cabines agréés</h1>
      <p>
        Seuls les photographes et cabines agréés, repérables par la vignette bleue « Agréé services en ligne ANTS », fournissent la photo et la signature numériques
        avec le code à 22 chiffres à saisir dans votre demande. Ce code est valable 6 mois et ne sert qu'une fois.
      </p>
      <form method="get" action="/photographes" role="search" class="fr-mb-4w">
        <div class="fr-search-bar" id="search-photographers">
          <label class="fr-label" for="q">
            Commune ou code postal
          </label>
          <input class="fr-input" type="search" id="q" name="q" value={p.query} placeholder="Commune ou code postal" autocomplete="off" />
          <button type="submit" class="fr-btn" title="Rechercher">
            Rechercher
          </button>
        </div>
      </form>
      {p.providers.length === 0 ? (
        <p>Aucun photographe ni cabine agréés ne correspond à « {p.query} ». Essayez une commune voisine ou le début du code postal.</p>
      ) : (
        <Table
          id="photographers-table"
          caption={`${p.providers.length} résultat${p.providers.length > 1 ? "s" : ""}${p.query ? ` pour « ${p.query} »` : ""}`}
          headers={["Nom", "Type", "Adresse", "Code postal", "Commune"]}
        >
          {p.providers.map((x) => (
            <tr>
              <td>{x.name}</td>
              <td>{x.kind === "cabine" ? "Cabine" : "Photographe"}</td>
              <td>{x.address}</td>
              <td>{x.postcode}</td>
              <td>{x.commune}</td>
            </tr>
          ))}
        </Table>
      )}
    </Layout>
  );
}
