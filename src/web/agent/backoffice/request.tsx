import type { ComponentChildren } from "preact";
import type { AgentActor } from "../../../domain/actors.ts";
import { formatDateTime } from "../../../domain/dates.ts";
import type { RawInput } from "../../../domain/forms.ts";
import { IMAGE_REJECTION_MOTIVES, INSTRUCTION_REJECTION_MOTIVES, motiveLabel, MOTIVE_MESSAGE_MAX_LENGTH, type Motive } from "../../../domain/request/motives.ts";
import { displayNeph } from "../../../domain/request/neph.ts";
import { queueOf } from "../../../domain/request/queues.ts";
import { ACTION_FIELDS, COMPLETION_REASON_MAX_LENGTH, type AgentAction, type RequestFile } from "../../../services/backoffice.ts";
import { Alert, Csrf, Messages, Select, Table, type Errors } from "../../views/components.tsx";
import { SummarySections } from "../../views/wizard-parts.tsx";
import { AgentLayout } from "../views/layout.tsx";
import { ACTOR_LABELS, AGENT_STATE_MEANINGS, DELIVERY_STATUS, MESSAGE_STATUS, motifShort, stateBadge, stateLabel, transitionLabel } from "./labels.ts";

/** A request's page in the back-office (issue 9 §3-4). No JavaScript needed: one form per action. */

export interface RequestPageProps {
  agent: AgentActor;
  csrfToken: string;
  file: RequestFile;
  flash?: string | undefined;
  /** An alert at the top (stale version, already taken, refused). */
  alert?: string | undefined;
  /** The action whose form was refused, with what was typed and the errors. */
  failed?: { action: AgentAction | "reattribuer"; values: RawInput; errors: Errors } | undefined;
}

function cx(...classes: Array<string | false | undefined>) {
  return classes.filter(Boolean).join(" ");
}

const str = (values: RawInput | undefined, name: string): string => {
  const v = values?.[name];
  return typeof v === "string" ? v : "";
};

function Textarea(p: { id: string; name: string; label: ComponentChildren; hint?: string; value: string; error?: string | undefined; maxLength: number; required?: boolean }) {
  return (
    <div class={cx("fr-input-group", p.error && "fr-input-group--error")}>
      <label class="fr-label" for={p.id}>
        {p.label}
        {p.required && <span class="fr-required-mark"> *</span>}
        {p.hint && <span class="fr-hint-text">{p.hint}</span>}
      </label>
      <textarea
        class="fr-input"
        id={p.id}
        name={p.name}
        rows={3}
        maxLength={p.maxLength}
        aria-required={p.required ? "true" : undefined}
        aria-invalid={p.error ? "true" : undefined}
        aria-describedby={`${p.id}-messages`}
      >
        {p.value}
      </textarea>
      <Messages id={p.id} error={p.error} />
    </div>
  );
}

/** A form posting one action of the request, with the CSRF token and the version shown. */
function ActionForm(p: { id: string; action: string; csrfToken: string; version?: number; children: ComponentChildren; labelledBy?: string }) {
  return (
    <form id={p.id} method="post" action={p.action} novalidate aria-labelledby={p.labelledBy}>
      <Csrf token={p.csrfToken} />
      {p.version !== undefined && <input type="hidden" name="version" value={String(p.version)} />}
      {p.children}
    </form>
  );
}

function Button({ children, secondary }: { children: ComponentChildren; secondary?: boolean }) {
  return (
    <button type="submit" class={cx("fr-btn", secondary && "fr-btn--secondary")}>
      {children}
    </button>
  );
}

type Rejection = "rejeter_images" | "rejeter";

/** What differs between the two rejections' forms (images, instruction). */
const REJECTION_FORMS: Record<Rejection, { id: string; title: string; motives: readonly Motive[]; fields: { motive: string; message: string }; hint: string; messageRequired: boolean; submit: string }> = {
  rejeter_images: {
    id: "rejeter-images",
    title: "Rejeter les images",
    motives: IMAGE_REJECTION_MOTIVES,
    fields: { motive: ACTION_FIELDS.imagesMotive, message: ACTION_FIELDS.imagesMessage },
    hint: "Ce que l'usager doit refaire. Il le lit dans le courriel et sur la page de sa demande.",
    messageRequired: true,
    submit: "Rejeter les images",
  },
  rejeter: {
    id: "rejeter",
    title: "Rejet par l'instruction",
    motives: INSTRUCTION_REJECTION_MOTIVES,
    fields: { motive: ACTION_FIELDS.motive, message: ACTION_FIELDS.message },
    hint: "Facultatif, sauf pour « Autre motif ». L'usager le lit une fois connecté.",
    messageRequired: false,
    submit: "Rejeter la demande",
  },
};

/** A rejection's form: a motive and a message to the user; `failed` holds what was typed and the errors when it was refused. */
function RejectionForm({ rejection, action, csrfToken, version, failed }: { rejection: Rejection; action: string; csrfToken: string; version: number; failed: RequestPageProps["failed"] }) {
  const form = REJECTION_FORMS[rejection];
  const titleId = `${form.id}-titre`;
  return (
    <ActionForm id={form.id} action={action} csrfToken={csrfToken} version={version} labelledBy={titleId}>
      <h3 class="fr-h5 fr-mt-4w" id={titleId}>
        {form.title}
      </h3>
      <Select
        name="motif"
        id={form.fields.motive}
        label="Motif du rejet"
        required
        placeholder="Choisir un motif"
        options={form.motives.map((m) => ({ value: m.code, label: m.label }))}
        values={{ motif: str(failed?.values, "motif") }}
        errors={{ motif: failed?.errors[form.fields.motive] }}
      />
      <Textarea
        id={form.fields.message}
        name="message"
        label="Message à l'usager"
        hint={form.hint}
        required={form.messageRequired}
        maxLength={MOTIVE_MESSAGE_MAX_LENGTH}
        value={str(failed?.values, "message")}
        error={failed?.errors[form.fields.message]}
      />
      <Button secondary>{form.submit}</Button>
    </ActionForm>
  );
}

export function RequestFilePage(p: RequestPageProps) {
  const { file } = p;
  const { row, content } = file;
  const number = content.number;
  const title = `Demande n° ${number}`;
  const base = `/agent/dossiers/${row.id}`;
  const queue = queueOf(file.state);
  const errors = p.failed?.errors;
  const failed = (action: string) => (p.failed?.action === action ? p.failed : undefined);
  return (
    <AgentLayout
      title={title}
      agent={p.agent}
      csrfToken={p.csrfToken}
      errors={errors}
      flash={p.flash}
      breadcrumb={[{ label: "Dossiers", href: "/agent/dossiers" }, ...(queue ? [{ label: queue.label, href: `/agent/dossiers?file=${queue.id}` }] : []), { label: title }]}
    >
      {p.alert && (
        <Alert type="error" id="alerte" title="Action non effectuée">
          {p.alert}
        </Alert>
      )}
      <h1>{title}</h1>
      <p>
        <span class={`fr-badge fr-badge--no-icon ${stateBadge(file.state)}`} id="etat">
          {stateLabel(file.state)}
        </span>{" "}
        {AGENT_STATE_MEANINGS[file.state]}
      </p>
      <ul class="fr-text--sm">
        <li>Motif : {motifShort(row.motif)}</li>
        <li>Envoyée le {formatDateTime(content.sentAt)}</li>
        <li>Service instructeur : {file.serviceName ?? "aucun (préfecture non rattachée)"}</li>
        {row.neph && <li>NEPH : {displayNeph(row.neph)}</li>}
      </ul>

      <Assignment {...p} base={base} />
      <Actions {...p} base={base} failedFor={failed} />
      {file.completion.length > 0 && <Completion file={file} />}

      <section aria-labelledby="images-titre" class="fr-mt-6w">
        <h2 id="images-titre">Photo et signature</h2>
        <Images file={file} base={base} />
      </section>

      <section aria-labelledby="pieces-titre" class="fr-mt-6w">
        <h2 id="pieces-titre">Fichiers des pièces justificatives</h2>
        <Pieces file={file} base={base} />
      </section>

      <section aria-labelledby="contenu-titre" class="fr-mt-6w">
        <h2 id="contenu-titre">Contenu de la demande</h2>
        <SummarySections sections={file.sections} />
      </section>

      <section aria-labelledby="historique-titre" class="fr-mt-6w">
        <h2 id="historique-titre">Historique des états</h2>
        <History file={file} />
      </section>

      <section aria-labelledby="messages-titre" class="fr-mt-6w">
        <h2 id="messages-titre">Messages envoyés à l'usager</h2>
        <MessagesTable file={file} />
      </section>
    </AgentLayout>
  );
}

function Assignment(p: RequestPageProps & { base: string }) {
  const { file } = p;
  const failed = p.failed?.action === "reattribuer" ? p.failed : undefined;
  return (
    <section aria-labelledby="attribution-titre" class="fr-mt-4w">
      <h2 id="attribution-titre" class="fr-h4">
        Prise en charge
      </h2>
      <p id="pris-par">
        {file.assignee
          ? `Dossier pris par ${file.assignee.id === p.agent.agentId ? "vous" : file.assignee.name}${file.row.assignedAt ? ` le ${formatDateTime(file.row.assignedAt)}` : ""}.`
          : "Personne n'a pris ce dossier."}
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        {file.can.take && (
          <li>
            <ActionForm id="prendre" action={`${p.base}/prendre`} csrfToken={p.csrfToken}>
              <Button>Je prends ce dossier</Button>
            </ActionForm>
          </li>
        )}
        {file.can.release && (
          <li>
            <ActionForm id="liberer" action={`${p.base}/liberer`} csrfToken={p.csrfToken}>
              <Button secondary>Libérer ce dossier</Button>
            </ActionForm>
          </li>
        )}
      </ul>
      {file.can.reassign && (
        <ActionForm id="reattribuer" action={`${p.base}/reattribuer`} csrfToken={p.csrfToken} labelledBy="reattribuer-titre">
          <h3 class="fr-h6" id="reattribuer-titre">
            Attribuer le dossier à un agent
          </h3>
          <Select
            name="agent"
            id="reattribuer-agent"
            label="Agent"
            placeholder="Choisir un agent"
            options={file.agents.map((a) => ({ value: a.id, label: a.name }))}
            values={{ agent: str(failed?.values, "agent") }}
            errors={{ agent: failed?.errors["reattribuer-agent"] }}
          />
          <Button secondary>Attribuer</Button>
        </ActionForm>
      )}
    </section>
  );
}

function Actions(p: RequestPageProps & { base: string; failedFor: (action: string) => RequestPageProps["failed"] }) {
  const { file } = p;
  const actions = file.can.actions;
  if (actions.length === 0) {
    return file.can.take ? (
      <p class="fr-mt-2w">Prenez ce dossier pour le traiter.</p>
    ) : null;
  }
  const version = file.row.version;
  const action = (name: AgentAction) => `${p.base}/actions/${name}`;
  const complement = p.failedFor("demander_complement");
  return (
    <section aria-labelledby="actions-titre" class="fr-mt-4w">
      <h2 id="actions-titre" class="fr-h4">
        Traiter le dossier
      </h2>
      {actions.includes("accepter_images") && (
        <ActionForm id="accepter-images" action={action("accepter_images")} csrfToken={p.csrfToken} version={version}>
          <p>La photo et la signature sont conformes : la demande passe en instruction.</p>
          <Button>Accepter les images</Button>
        </ActionForm>
      )}
      {actions.includes("rejeter_images") && (
        <RejectionForm rejection="rejeter_images" action={action("rejeter_images")} csrfToken={p.csrfToken} version={version} failed={p.failedFor("rejeter_images")} />
      )}
      {actions.includes("valider") && (
        <ActionForm id="valider" action={action("valider")} csrfToken={p.csrfToken} version={version}>
          <p>Toutes les pièces sont conformes : la demande est validée.</p>
          <Button>Valider la demande</Button>
        </ActionForm>
      )}
      {actions.includes("demander_complement") && (
        <ActionForm id="demander-complement" action={action("demander_complement")} csrfToken={p.csrfToken} version={version} labelledBy="complement-titre">
          <fieldset class="fr-fieldset fr-mt-4w" aria-labelledby="complement-titre">
            <legend class="fr-fieldset__legend" id="complement-titre">
              A compléter : cochez les pièces ou les parties manquantes ou incorrectes, et dites pourquoi pour chacune
            </legend>
            {file.completionChoices.map((choice) => {
              const checkId = ACTION_FIELDS.check(choice.item);
              const reasonId = ACTION_FIELDS.reason(choice.item);
              const ticked = ([] as unknown[]).concat(complement?.values.elements ?? []).includes(choice.item);
              const checkError = complement?.errors[checkId];
              return (
                <div class="fr-fieldset__element fr-mb-2w">
                  <div class={cx("fr-checkbox-group", checkError && "fr-checkbox-group--error")}>
                    <input type="checkbox" id={checkId} name="elements" value={choice.item} checked={ticked} aria-describedby={`${checkId}-messages`} />
                    <label class="fr-label" for={checkId}>
                      {choice.label}
                    </label>
                    <Messages id={checkId} error={checkError} />
                  </div>
                  <Textarea
                    id={reasonId}
                    name={reasonId}
                    label={<>Ce qui manque ou est incorrect<span class="fr-sr-only"> : {choice.label}</span></>}
                    hint="À remplir si la case est cochée."
                    maxLength={COMPLETION_REASON_MAX_LENGTH}
                    value={str(complement?.values, reasonId)}
                    error={complement?.errors[reasonId]}
                  />
                </div>
              );
            })}
          </fieldset>
          <Button secondary>Demander un complément</Button>
        </ActionForm>
      )}
      {actions.includes("rejeter") && (
        <RejectionForm rejection="rejeter" action={action("rejeter")} csrfToken={p.csrfToken} version={version} failed={p.failedFor("rejeter")} />
      )}
    </section>
  );
}

function Completion({ file }: { file: RequestFile }) {
  const changed = file.completion.filter((c) => c.changedAt);
  const newFiles = file.documents.filter((d) => d.changedSinceCompletion);
  return (
    <section aria-labelledby="complement-demande-titre" class="fr-mt-4w">
      <h2 id="complement-demande-titre" class="fr-h4">
        Compléments demandés à l'usager
      </h2>
      <Table id="complements" caption="Éléments demandés et ce que l'usager a modifié" headers={["Élément", "Raison donnée", "Demandé le", "Modifié par l'usager"]}>
        {file.completion.map((c) => (
          <tr>
            <td>{c.label}</td>
            <td>{c.reason}</td>
            <td>{formatDateTime(c.createdAt)}</td>
            <td>{c.changedAt ? `Oui, le ${formatDateTime(c.changedAt)}` : c.resolvedAt ? "Non modifié" : "Pas encore"}</td>
          </tr>
        ))}
      </Table>
      {(changed.length > 0 || newFiles.length > 0) && (
        <div id="ce-qui-a-change">
          <h3 class="fr-h6">Ce qui a changé depuis la demande de complément</h3>
          <ul>
            {changed.map((c) => (
              <li>
                {c.label} : modifié le {formatDateTime(c.changedAt!)}
              </li>
            ))}
            {newFiles.map((d) => (
              <li>
                Nouveau fichier : {d.label} — {d.fileName}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function Images({ file, base }: { file: RequestFile; base: string }) {
  switch (file.images.kind) {
    case "numerique":
      return (
        <div class="fr-grid-row fr-grid-row--gutters" id="photo-signature">
          <figure class="fr-col-12 fr-col-md-6 fr-content-media">
            <img class="fr-responsive-img" src={`${base}/photo`} alt={`Photo d'identité numérique de la demande n° ${file.content.number}`} />
            <figcaption class="fr-content-media__caption">Photo (code photo signature numérique)</figcaption>
          </figure>
          <figure class="fr-col-12 fr-col-md-6 fr-content-media">
            <img class="fr-responsive-img" src={`${base}/signature`} alt={`Signature numérique de la demande n° ${file.content.number}`} />
            <figcaption class="fr-content-media__caption">Signature (code photo signature numérique)</figcaption>
          </figure>
        </div>
      );
    case "classique":
      return <p>Photo d'identité classique : la photo et la signature arrivent par courrier, collées sur le formulaire de dépôt.</p>;
    case "reprise":
      return <p>Photo et signature reprises de la demande initiale n° {file.images.demandeInitiale}.</p>;
    default:
      return <p>Aucune photo ni signature pour cette démarche.</p>;
  }
}

function Pieces({ file, base }: { file: RequestFile; base: string }) {
  if (file.documents.length === 0) return <p>Aucun fichier joint.</p>;
  return (
    <>
      {file.documents.map((d) => {
        const pages = Math.min(d.pages, 20);
        return (
          <section class="fr-mb-4w" aria-labelledby={`piece-${d.id}`}>
            <h3 class="fr-h6" id={`piece-${d.id}`}>
              {d.label}
              {d.additional ? " (pièce complémentaire)" : ""} — {d.fileName}
              {d.changedSinceCompletion && <span class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">Nouveau</span>}
            </h3>
            {!d.safe ? (
              <p>Fichier en cours d'analyse antivirus, ou refusé par l'antivirus : il ne peut pas être affiché.</p>
            ) : (
              <>
                {d.previewable ? (
                  <div class="fr-grid-row fr-grid-row--gutters">
                    {Array.from({ length: pages }, (_, i) => (
                      <div class="fr-col-12 fr-col-md-6">
                        <img class="fr-responsive-img" loading="lazy" src={`${base}/pieces/${d.id}/apercu/${i + 1}`} alt={`${d.label}, page ${i + 1} sur ${d.pages}`} />
                      </div>
                    ))}
                  </div>
                ) : (
                  <p>Pas d'aperçu pour ce format.</p>
                )}
                {d.pages > pages && <p class="fr-text--sm">Aperçu des {pages} premières pages sur {d.pages} : téléchargez le fichier pour voir les suivantes.</p>}
                <p>
                  <a class="fr-link fr-link--download" href={`${base}/pieces/${d.id}/fichier`}>
                    Télécharger le fichier d'origine<span class="fr-sr-only"> : {d.label}</span> <span class="fr-link__detail">{d.pages} page{d.pages > 1 ? "s" : ""}</span>
                  </a>
                </p>
              </>
            )}
          </section>
        );
      })}
    </>
  );
}

function History({ file }: { file: RequestFile }) {
  if (file.history.length === 0) return <p>Aucun changement d'état enregistré.</p>;
  return (
    <Table id="historique" caption="Historique des états, du plus ancien au plus récent" hideCaption headers={["Date", "Événement", "Nouvel état", "Par", "Motif", "Message"]}>
      {file.history.map((h) => (
        <tr>
          <td>{formatDateTime(h.at)}</td>
          <td>{transitionLabel(h.transition)}</td>
          <td>{stateLabel(h.toState)}</td>
          <td>{h.agentName ? `${h.agentName} (${ACTOR_LABELS[h.actorKind] ?? h.actorKind})` : (ACTOR_LABELS[h.actorKind] ?? h.actorKind)}</td>
          <td>{h.motive ? (motiveLabel(h.motive) ?? h.motive) : ""}</td>
          <td>{h.message ?? ""}</td>
        </tr>
      ))}
    </Table>
  );
}

function MessagesTable({ file }: { file: RequestFile }) {
  if (file.messages.length === 0) return <p>Aucun message.</p>;
  return (
    <Table id="messages" caption="Courriels et SMS de cette demande" hideCaption headers={["Créé le", "Canal", "Destinataire", "Objet", "Envoi", "Distribution (SMS)"]}>
      {file.messages.map((m) => (
        <tr>
          <td>{formatDateTime(m.createdAt)}</td>
          <td>{m.channel === "sms" ? "SMS" : "Courriel"}</td>
          <td>{m.recipient}</td>
          <td>{m.channel === "mail" ? m.subject : `${m.segments ?? 1} segment${(m.segments ?? 1) > 1 ? "s" : ""}`}</td>
          <td>
            {MESSAGE_STATUS[m.status] ?? m.status}
            {m.sentAt ? ` le ${formatDateTime(m.sentAt)}` : ""}
          </td>
          <td>
            {m.channel === "sms"
              ? m.deliveryStatus
                ? `${DELIVERY_STATUS[m.deliveryStatus] ?? m.deliveryStatus}${m.deliveryAt ? ` le ${formatDateTime(m.deliveryAt)}` : ""}`
                : "Pas encore de compte rendu"
              : "—"}
          </td>
        </tr>
      ))}
    </Table>
  );
}
