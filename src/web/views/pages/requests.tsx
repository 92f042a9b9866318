import type { SummarySection } from "../../../domain/request/summary.ts";
import { Alert, Csrf } from "../components.tsx";
import { formatDate, formatDateTime } from "../../../domain/dates.ts";
import { Layout, type PageContext } from "../layout.tsx";
import { SummarySections } from "./wizard.tsx";

/** A request's own page ("Consulter"), and the confirmation before deleting a draft. */
export function RequestPage(p: {
  ctx: PageContext;
  id: string;
  number: string | null;
  state: string;
  stateMeaning: string;
  createdAt: Date;
  sentAt: Date | null;
  deletionDate: Date;
  sections: SummarySection[];
  documents: Array<{ id: string; label: string }>;
  classicPhoto: boolean;
  sent: boolean;
}) {
  const title = p.number ? `Demande n° ${p.number}` : "Brouillon de demande";
  return (
    <Layout ctx={p.ctx} title={title} breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: title }]}>
      <h1>{title}</h1>
      <p>
        <span class="fr-badge fr-badge--info fr-badge--no-icon">{p.state}</span> {p.stateMeaning}
      </p>
      <p class="fr-text--sm">
        Créée le {formatDateTime(p.createdAt)}
        {p.sentAt && <> — envoyée le {formatDateTime(p.sentAt)}</>}. Elle sera supprimée le {formatDate(p.deletionDate)} (6 mois après sa création).
      </p>
      {p.sent && (
        <>
          <h2 class="fr-h4">Documents</h2>
          <ul class="fr-links-group">
            <li>
              <a class="fr-link fr-link--download" download href={`/demandes/${p.id}/recepisse.pdf`}>
                Récépissé de dépôt <span class="fr-link__detail">PDF</span>
              </a>
            </li>
            {p.classicPhoto && (
              <li>
                <a class="fr-link fr-link--download" download href={`/demandes/${p.id}/formulaire-photo.pdf`}>
                  Formulaire de dépôt de photo et de signature <span class="fr-link__detail">PDF</span>
                </a>
              </li>
            )}
          </ul>
        </>
      )}
      <h2 class="fr-h4 fr-mt-4w">Contenu de la demande</h2>
      <SummarySections sections={p.sections} />
      {p.documents.length > 0 && (
        <>
          <h2 class="fr-h4">Fichiers transmis</h2>
          <ul>
            {p.documents.map((d) => (
              <li>
                <a href={`/demandes/${p.id}/pieces/${d.id}`} target="_blank" rel="noopener" title={`${d.label} - nouvelle fenêtre`}>
                  {d.label}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mon-espace">
          Retour à mon espace
        </a>
      </p>
    </Layout>
  );
}

export function DeleteDraftPage({ ctx, id, label }: { ctx: PageContext; id: string; label: string }) {
  return (
    <Layout ctx={ctx} title="Supprimer le brouillon" breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: "Supprimer le brouillon" }]}>
      <h1>Supprimer le brouillon</h1>
      <Alert type="warning">
        <p>
          Le brouillon « {label} » et ses pièces justificatives seront définitivement supprimés. Un code photo signature numérique qu'il utilisait pourra servir à une
          nouvelle demande.
        </p>
      </Alert>
      <form method="post" action={`/demandes/${id}/supprimer`}>
        <Csrf token={ctx.csrfToken} />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" class="fr-btn">
              Supprimer définitivement
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/mon-espace">
              Annuler
            </a>
          </li>
        </ul>
      </form>
    </Layout>
  );
}
