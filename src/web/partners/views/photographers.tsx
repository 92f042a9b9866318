import type { PhotographerSearch, Proximity } from "../../../services/photographers.ts";
import { Table } from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

const PROXIMITY: Record<Proximity, string> = { commune: "Dans la commune", departement: "Dans le département", autre: "Ailleurs" };

/** Where the results come from, in order: "Lyon, puis le département Rhône (69)". */
function whereText(search: PhotographerSearch): string {
  const communes = [...new Set(search.communes.map((c) => c.name))].join(" ou ");
  const departements = [...new Map(search.communes.map((c) => [c.departement, `${c.departementName} (${c.departement})`])).values()].join(", ");
  return `d'abord ${communes}, puis le département ${departements}`;
}

/** "Savoir où faire une photo numérique pour mon permis de conduire": approved photographers and booths. */
export function PhotographersPage(p: { ctx: PageContext; query: string; search: PhotographerSearch }) {
  const results = p.search.results;
  const near = p.search.communes.length > 0;
  const inCommune = results.filter((r) => r.proximity === "commune").length;
  return (
    <Layout ctx={p.ctx} title="Photographes et cabines agréés" breadcrumb={[{ label: "Accueil", href: "/" }, { label: "Photographes et cabines agréés" }]}>
      <h1>Photographes et cabines agréés</h1>
      <p>
        Seuls les photographes et cabines agréés, repérables par la vignette bleue « Agréé services en ligne ANTS », fournissent la photo et la signature numériques
        avec le code à 22 chiffres à saisir dans votre demande. Ce code est valable 6 mois et ne sert qu'une fois.{" "}
        <a href="/aide/photo">Comment se passe la prise de photo ?</a>
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
      {results.length === 0 ? (
        <p>Aucun photographe ni cabine agréés ne correspond à « {p.query} ». Essayez une commune voisine ou le début du code postal.</p>
      ) : (
        <>
          {near && inCommune === 0 && (
            <p>Aucun photographe ni cabine agréés dans la commune : voici ceux du département.</p>
          )}
          <Table
            id="photographers-table"
            caption={`${results.length} résultat${results.length > 1 ? "s" : ""}${p.query ? ` pour « ${p.query} »` : ""}${near ? ` : ${whereText(p.search)}` : ""}`}
            headers={["Nom", "Type", "Adresse", "Code postal", "Commune", "Proximité"]}
          >
            {results.map(({ provider: x, proximity }) => (
              <tr data-proximity={proximity}>
                <td>{x.name}</td>
                <td>{x.kind === "cabine" ? "Cabine" : "Photographe"}</td>
                <td>{x.address}</td>
                <td>{x.postcode}</td>
                <td>{x.commune}</td>
                <td>{near ? PROXIMITY[proximity] : "—"}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </Layout>
  );
}
