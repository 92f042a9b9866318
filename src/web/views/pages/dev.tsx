import type { OutboxMessage } from "../../../db/repositories/outbox.ts";
import { Alert } from "../components.tsx";
import { formatDateTime } from "../format.ts";
import { Layout, type PageContext } from "../layout.tsx";

/** Development only: the mails the service would have sent (no SMTP_URL configured). */
export function DevMailboxPage({ ctx, messages }: { ctx: PageContext; messages: OutboxMessage[] }) {
  return (
    <Layout ctx={ctx} title="Boîte mél de développement">
      <h1>Boîte mél de développement</h1>
      <Alert type="info">
        Page de développement : aucun serveur SMTP n'est configuré, les méls restent ici. Elle n'existe pas en production.
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
              ({m.status === "sent" ? "remis" : m.status === "pending" ? "en attente" : "échec"})
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

/** Makes the links of a plain-text mail clickable (the text stays escaped). */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part));
}
