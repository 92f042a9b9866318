import type { RequestState, UserAction } from "../../../domain/request/state.ts";
import type { SummarySection } from "../../../domain/request/summary.ts";
import { Alert, Csrf, ErrorSummary, type Errors } from "../../views/components.tsx";
import { formatDate, formatDateTime } from "../../../domain/dates.ts";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { SummarySections } from "../../views/wizard-parts.tsx";
import { FileList, UploadField, type PieceView } from "./wizard/step5.tsx";

/** A line of the request's history as the user reads it. */
export interface HistoryLine {
  at: Date;
  label: string;
  /** The motive of a rejection (its label) and the agent's message, when the user may read them. */
  motive?: string | undefined;
  message?: string | undefined;
}

/** An item of "A compléter": what the agent ticked and why, and whether the user changed it. */
export interface CompletionLine {
  item: string;
  label: string;
  reason: string;
  changed: boolean;
  /** Where to change it: a section's form, or the pieces of the completion page. */
  href: string;
}

export interface RequestLife {
  /** The state's key, label and meaning (REQUEST_STATES, seed 004). */
  state: RequestState;
  label: string;
  meaning: string;
  /** The version shown: "Renvoyer ma demande" carries it (a stale one is refused). */
  version: number;
  /** What the user may do now (userActions of the domain). */
  actions: readonly UserAction[];
  history: HistoryLine[];
  /** The rejection: the motive's label and the agent's message. */
  rejection?: { motive: string | undefined; message: string | undefined } | undefined;
  completion?: CompletionLine[] | undefined;
  /** Documents available now, in order. */
  documents: Array<{ label: string; href: string }>;
  /** A validated inscription's NEPH, as displayed ("26 00000 00042"). */
  neph?: string | undefined;
  /** A loss not yet validated: the person may not drive (seed 004). */
  mayNotDrive?: boolean | undefined;
  /** A validated title request: the licence comes by secure mail. */
  titleSent?: boolean | undefined;
}

function badgeClass(state: RequestState): string {
  if (state === "validee") return "fr-badge--success";
  if (state === "rejet_images" || state === "rejet_instruction") return "fr-badge--error";
  if (state === "a_completer") return "fr-badge--warning";
  return "fr-badge--info";
}

/** "Renvoyer ma demande" (A compléter): carries the version the user was shown. */
export function ResendForm({ ctx, id, version }: { ctx: PageContext; id: string; version: number }) {
  return (
    <form method="post" action={`/demandes/${id}/renvoyer`} class="fr-mt-2w">
      <Csrf token={ctx.csrfToken} />
      <input type="hidden" name="version" value={String(version)} />
      <button type="submit" class="fr-btn">
        Renvoyer ma demande
      </button>
    </form>
  );
}

/** A request's own page ("Consulter"): its state and what it means, its history, what to do now, its documents and content. */
export function RequestPage(p: {
  ctx: PageContext;
  id: string;
  number: string | null;
  createdAt: Date;
  sentAt: Date | null;
  deletionDate: Date;
  sections: SummarySection[];
  documents: Array<{ id: string; label: string }>;
  life: RequestLife;
  notice?: string | undefined;
  errors?: Errors | undefined;
}) {
  const title = p.number ? `Demande n° ${p.number}` : "Brouillon de demande";
  const { life } = p;
  return (
    <Layout ctx={p.ctx} title={title} hasErrors={Boolean(p.errors && Object.values(p.errors).some(Boolean))} breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: title }]}>
      <h1>{title}</h1>
      {p.notice && <Alert type="success">{p.notice}</Alert>}
      <ErrorSummary errors={p.errors ?? {}} />
      <section aria-labelledby="etat-title" class="fr-mb-4w">
        <h2 class="fr-h4" id="etat-title">
          Etat de la demande
        </h2>
        <p id="etat">
          <span class={`fr-badge ${badgeClass(life.state)} fr-badge--no-icon`}>{life.label}</span> <span id="etat-signification">{life.meaning}</span>
        </p>
        <p class="fr-text--sm">
          Créée le {formatDateTime(p.createdAt)}
          {p.sentAt && <> — envoyée le {formatDateTime(p.sentAt)}</>}. Elle sera supprimée le {formatDate(p.deletionDate)} (6 mois après sa création), quel que soit son état.
        </p>
        {life.mayNotDrive && (
          <Alert type="warning" title="Vous n'êtes pas autorisé à conduire">
            <p>
              Pour une demande de nouveau permis après perte, une attestation de droits à conduire sera disponible après vérification par l'administration. Vous serez prévenu par
              email et sms dès que l'attestation sera disponible. Dans l'attente de ce document, vous n'êtes pas autorisé à conduire un véhicule.
            </p>
          </Alert>
        )}
        {life.neph && (
          <div class="fr-callout fr-mb-2w" id="neph">
            <h3 class="fr-callout__title">Votre numéro NEPH : {life.neph}</h3>
            <p class="fr-callout__text">Ce numéro d'enregistrement préfectoral est actif : il vous permet de vous inscrire à l'examen du code de la route.</p>
          </div>
        )}
        {life.titleSent && (
          <div class="fr-callout fr-mb-2w" id="envoi-titre">
            <p class="fr-callout__text">
              Le permis vous sera envoyé par courrier sécurisé à votre domicile dans les 15 jours. En cas d'absence, il vous attendra 15 jours à La Poste.
            </p>
          </div>
        )}
        {life.rejection && (
          <div class="fr-callout fr-mb-2w" id="motif-rejet">
            <h3 class="fr-callout__title">Motif du rejet</h3>
            <p class="fr-callout__text">{life.rejection.motive ?? "Motif non précisé"}</p>
            {life.rejection.message && <p class="fr-text--sm">Message de l'administration : {life.rejection.message}</p>}
          </div>
        )}
      </section>
      <section aria-labelledby="actions-title" class="fr-mb-4w" id="actions">
        <h2 class="fr-h4" id="actions-title">
          Que faire maintenant ?
        </h2>
        {life.actions.length === 0 && <p>{life.state === "validee" ? "Aucune action." : "Aucune action, merci de patienter."}</p>}
        {life.completion && life.completion.length > 0 && (
          <>
            <p>Après analyse, certaines pièces sont manquantes ou incorrectes. L'administration vous demande de modifier :</p>
            <ul id="elements-a-completer">
              {life.completion.map((c) => (
                <li id={`item-${c.item}`}>
                  <strong>{c.label}</strong> : {c.reason} {c.changed ? <span class="fr-badge fr-badge--success fr-badge--sm">Modifié</span> : <span class="fr-badge fr-badge--warning fr-badge--sm">À modifier</span>}
                </li>
              ))}
            </ul>
          </>
        )}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          {life.actions.includes("modifier_brouillon") && (
            <li>
              <a class="fr-btn" href={`/demandes/${p.id}/reprendre`}>
                Modifier le brouillon
              </a>
            </li>
          )}
          {life.actions.includes("supprimer_brouillon") && (
            <li>
              <a class="fr-btn fr-btn--secondary" href={`/demandes/${p.id}/supprimer`}>
                Supprimer le brouillon
              </a>
            </li>
          )}
          {life.actions.includes("modifier_demande") && (
            <li>
              <a class="fr-btn" href={`/demandes/${p.id}/completer`}>
                Modifier la demande
              </a>
            </li>
          )}
        </ul>
        {life.actions.includes("renvoyer") && <ResendForm ctx={p.ctx} id={p.id} version={life.version} />}
        {life.actions.includes("nouvelle_demande") && (
          <form method="post" action={`/demandes/${p.id}/nouvelle-demande`} id="nouvelle-demande">
            <Csrf token={p.ctx.csrfToken} />
            <p class="fr-text--sm">
              {life.state === "rejet_images"
                ? "Une nouvelle demande sera préremplie avec les réponses de celle-ci, sauf la photo et la signature, à refaire. Vous relirez chaque étape."
                : "Une nouvelle demande sera préremplie avec les réponses de celle-ci. Vous relirez chaque étape."}
            </p>
            <button type="submit" class="fr-btn">
              Faire une nouvelle demande
            </button>
          </form>
        )}
      </section>
      {life.history.length > 0 && (
        <section aria-labelledby="historique-title" class="fr-mb-4w">
          <h2 class="fr-h4" id="historique-title">
            Historique de la demande
          </h2>
          <ol id="historique">
            {life.history.map((h) => (
              <li>
                {formatDateTime(h.at)} - {h.label}
                {h.motive && <> : {h.motive}</>}
              </li>
            ))}
          </ol>
        </section>
      )}
      {life.documents.length > 0 && (
        <section aria-labelledby="documents-title" class="fr-mb-4w">
          <h2 class="fr-h4" id="documents-title">
            Documents
          </h2>
          <ul class="fr-links-group" id="documents">
            {life.documents.map((d) => (
              <li>
                <a class="fr-link fr-link--download" download href={d.href}>
                  {d.label} <span class="fr-link__detail">PDF</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
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

/**
 * "Modifier la demande" (A compléter): exactly the items the agent ticked, with the agent's words.
 * A piece: its files (removable) and an upload field, the step-5 pipeline; a section: a link to
 * its step's form. Then "Renvoyer ma demande".
 */
export function CompletionPage(p: {
  ctx: PageContext;
  id: string;
  number: string;
  version: number;
  items: CompletionLine[];
  pieces: Array<Omit<PieceView, "kind" | "reasons" | "hint" | "comment"> & { item: string; reason: string | undefined; changed: boolean }>;
  errors?: Errors | undefined;
  notice?: string | undefined;
}) {
  const title = `Compléter la demande n° ${p.number}`;
  const sections = p.items.filter((i) => !p.pieces.some((piece) => piece.item === i.item));
  return (
    <Layout
      ctx={p.ctx}
      title={title}
      hasErrors={Boolean(p.errors && Object.values(p.errors).some(Boolean))}
      breadcrumb={[{ label: "Mon espace", href: "/mon-espace" }, { label: `Demande n° ${p.number}`, href: `/demandes/${p.id}` }, { label: "Modifier la demande" }]}
    >
      <h1>{title}</h1>
      {p.notice && <Alert type="success">{p.notice}</Alert>}
      <ErrorSummary errors={p.errors ?? {}} />
      <p>Après analyse, certaines pièces sont manquantes ou incorrectes. Vous ne pouvez modifier que les éléments demandés par l'administration.</p>
      {/* One form ("etape-form") for the upload and removal buttons, its token first (as step 5). */}
      <input type="hidden" name="_csrf" value={p.ctx.csrfToken} form="etape-form" />
      {p.pieces.map((piece) => (
        <section class="fr-mb-4w piece" id={`item-${piece.item}`} aria-labelledby={`title-${piece.id}`}>
          <h2 class="fr-h5 fr-mb-1w" id={`title-${piece.id}`}>
            {piece.label} ({piece.pages} page{piece.pages > 1 ? "s" : ""} / {piece.maxPages} page{piece.maxPages > 1 ? "s" : ""} maximum){" "}
            {piece.changed && <span class="fr-badge fr-badge--success fr-badge--sm">Modifié</span>}
          </h2>
          {piece.reason ? <p class="fr-text--sm">Demandé par l'administration : {piece.reason}</p> : <p class="fr-text--sm">Pièce désormais requise par vos modifications.</p>}
          <FileList requestId={p.id} files={piece.files} />
          {piece.pages < piece.maxPages ? (
            <UploadField requestId={p.id} piece={piece.id} label={`Ajouter un fichier : ${piece.label}`} error={p.errors?.[`piece-${piece.id}`]} />
          ) : (
            <p class="fr-text--sm">Pour remplacer ce document, supprimez d'abord le fichier actuel.</p>
          )}
        </section>
      ))}
      {sections.map((s) => (
        <section class="fr-mb-4w" id={`item-${s.item}`} aria-labelledby={`title-${s.item}`}>
          <h2 class="fr-h5 fr-mb-1w" id={`title-${s.item}`}>
            {s.label} {s.changed && <span class="fr-badge fr-badge--success fr-badge--sm">Modifié</span>}
          </h2>
          <p class="fr-text--sm">Demandé par l'administration : {s.reason}</p>
          <p>
            <a class="fr-link fr-icon-edit-line fr-link--icon-left" href={s.href}>
              Modifier<span class="fr-sr-only"> : {s.label}</span>
            </a>
          </p>
        </section>
      ))}
      <form method="post" action={`/demandes/${p.id}/completer`} id="etape-form" novalidate>
        {/* The Enter key in a field goes nowhere unexpected: uploads and removals name their own action. */}
      </form>
      <ResendForm ctx={p.ctx} id={p.id} version={p.version} />
      <p class="fr-mt-4w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={`/demandes/${p.id}`}>
          Retour à la demande
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
