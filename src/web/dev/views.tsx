import type { OutboxMessage } from "../../db/repositories/outbox.ts";
import { Alert, Csrf } from "../views/components.tsx";
import { formatDateTime } from "../../domain/dates.ts";
import { Layout, type PageContext } from "../views/layout.tsx";

/** Development only: the mails the service would have sent (no SMTP_URL configured). */
export function DevMailboxPage({ ctx, messages }: { ctx: PageContext; messages: OutboxMessage[] }) {
  return (
    <Layout ctx={ctx} title="Boîte mél de développement">
      <h1>Boîte mél de développement</h1>
      <Alert type="info">
        Page de développement : aucun serveur SMTP n'est configuré, les méls restent ici. Elle n'existe pas en production.{" "}
        <a href="/dev/sms">Voir les SMS</a>.
      </Alert>
      {messages.length === 0 ? (
        <p>Aucun mél.</p>
      ) : (
        <ul>
          {messages.map((m) => (
            <li>
              <a href={`/dev/mails/${m.id}`}>
                {formatDateTime(m.createdAt)} — à {m.recipient} — {m.subject}
              </a>{" "}
              ({STATUS[m.status]})
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

const STATUS = { sent: "remis", pending: "en attente", failed: "échec" } as const;
const DELIVERY: Record<string, string> = { accepted: "accepté par l'opérateur", delivered: "distribué", failed: "non distribué" };

/** Development only: the SMS the service would have sent (no SMS_URL configured), beside the mails. */
export function DevSmsPage({ ctx, messages }: { ctx: PageContext; messages: OutboxMessage[] }) {
  return (
    <Layout ctx={ctx} title="SMS de développement">
      <h1>SMS de développement</h1>
      <Alert type="info">
        Page de développement : aucun opérateur SMS n'est configuré (SMS_URL), les SMS restent ici. Elle n'existe pas en production.{" "}
        <a href="/dev/mails">Voir les méls</a>.
      </Alert>
      {messages.length === 0 ? (
        <p>Aucun SMS.</p>
      ) : (
        <ul class="fr-raw-list" id="sms-list">
          {messages.map((m) => (
            <li class="fr-mb-3w" data-outbox-id={m.id}>
              <p class="fr-mb-1v">
                <strong>{formatDateTime(m.createdAt)} — au {m.recipient}</strong> ({STATUS[m.status]}
                {m.deliveryStatus ? `, ${DELIVERY[m.deliveryStatus] ?? m.deliveryStatus}` : ""}, {m.segments ?? "?"} segment
                {(m.segments ?? 0) > 1 ? "s" : ""})
              </p>
              <blockquote class="fr-mb-0">{m.bodyText}</blockquote>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function DevMailPage({ ctx, message }: { ctx: PageContext; message: OutboxMessage }) {
  return (
    <Layout ctx={ctx} title={message.subject} breadcrumb={[{ label: "Boîte mél de développement", href: "/dev/mails" }, { label: message.subject }]}>
      <h1>{message.subject}</h1>
      <p>
        À : {message.recipient}
        <br />
        Créé le : {formatDateTime(message.createdAt)}
      </p>
      <div class="mail-body">{linkify(message.bodyText)}</div>
    </Layout>
  );
}

/** Development only: demonstration photo codes and fiscal stamps, to try the request journeys. */
export function DevToolsPage({ ctx, made }: { ctx: PageContext; made?: { label: string; value: string } | undefined }) {
  return (
    <Layout ctx={ctx} title="Outils de développement">
      <h1>Outils de développement</h1>
      <Alert type="info">Page de développement : elle n'existe pas en production.</Alert>
      {made && (
        <Alert type="success" title={made.label}>
          <p>
            <strong id="made-value">{made.value}</strong>
          </p>
        </Alert>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <form method="post" action="/dev/outils/code-photo">
            <Csrf token={ctx.csrfToken} />
            <button type="submit" class="fr-btn">
              Créer un code photo signature numérique
            </button>
          </form>
        </li>
        <li>
          <form method="post" action="/dev/outils/timbre">
            <Csrf token={ctx.csrfToken} />
            <button type="submit" class="fr-btn fr-btn--secondary">
              Émettre un timbre fiscal de 25 €
            </button>
          </form>
        </li>
      </ul>
    </Layout>
  );
}

/** Makes the links of a plain-text mail clickable (the text stays escaped). */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part));
}
