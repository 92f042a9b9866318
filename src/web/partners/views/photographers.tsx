import type { PhotographerSearch, Proximity } from "../../../services/photographers.ts";
import { SearchBar, Table } from "../../views/components.tsx";
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
  const resultsText = `${results.length} résultat${results.length > 1 ? "s" : ""}${p.query ? ` pour « ${p.query} »` : ""}${near ? ` : ${whereText(p.search)}` : ""}`;
  return (
    <Layout ctx={p.ctx} title="Photographes et cabines agréés" breadcrumb={[{ label: "Accueil", href: "/" }, { label: "Photographes et cabines agréés" }]}>
      <h1>Photographes et cabines agréés</h1>
      <p>
        Seuls les photographes et cabines agréés, repérables par la vignette bleue « Agréé services en ligne ANTS », fournissent la photo et la signature numériques
        avec le code à 22 chiffres à saisir dans votre demande. Ce code est valable 6 mois et ne sert qu'une fois.{" "}
        <a href="/aide/photo">Comment se passe la prise de photo ?</a>
      </p>
      <SearchBar
        action="/photographes"
        id="search-photographers"
        label="Commune ou code postal"
        buttonTitle="Rechercher"
        value={p.query}
        hint="Par exemple : Lyon, ou le code postal 69003."
        spacing="fr-mb-4w"
      />
      {results.length === 0 ? (
        <p>Aucun photographe ni cabine agréés ne correspond à « {p.query} ». Essayez une commune voisine ou le début du code postal.</p>
      ) : (
        <>
          {near && inCommune === 0 && (
            <p>Aucun photographe ni cabine agréés dans la commune : voici ceux du département.</p>
          )}
          {/* The count is a heading above the table, its caption is for assistive technologies only: a
              visible caption is moved by the DSFR's table script once it runs, which shifted the page
              on a phone (Lighthouse: layout shift 0.19). */}
          <h2 class="fr-h5 fr-mt-4w" id="photographers-results">
            {resultsText}
          </h2>
          <Table id="photographers-table" caption={resultsText} hideCaption headers={["Nom", "Type", "Adresse", "Code postal", "Commune", "Proximité"]}>
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
