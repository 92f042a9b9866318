import type { ComponentChildren } from "preact";
import { AGENT_ROLES, type AgentActor } from "../../../domain/actors.ts";
import { SERVICE_NAME } from "../../../services/mails.tsx";
import { asset } from "../../static.ts";
import { Alert, Buttons, Csrf, ErrorSummary, SubmitButton, type Errors } from "../../views/components.tsx";
import { FontPreloads, FooterFrame, HeaderFrame, LEGAL_LINKS, Main, Skiplinks, type NavLink } from "../../views/layout.tsx";

/**
 * The agents' page frame (DSFR): its own header ("Espace agents"), a navigation by role, the
 * signed-in agent and the way out. Usable by keyboard alone: skip links, one <main>, one <h1>
 * per page (written by each page).
 */
export interface AgentLayoutProps {
  title: string;
  /** The signed-in agent (absent on the sign-in pages). */
  agent?: AgentActor | undefined;
  children: ComponentChildren;
  /** Field errors: listed at the top of the page (each links to its field), the title says "Erreur". */
  errors?: Errors | undefined;
  /** Order of the fields in the error summary. */
  fieldOrder?: readonly string[];
  /** When given, "Se déconnecter" is a form posted at once; otherwise a link to a confirmation page. */
  csrfToken?: string | undefined;
  /** A message shown above the content (success of the previous action...). */
  flash?: string | undefined;
  breadcrumb?: Array<{ label: string; href?: string }>;
}

export const AGENT_SERVICE_NAME = "Espace agents";

function navigation(agent: AgentActor): NavLink[] {
  const links = [{ href: "/agent/dossiers", label: "Dossiers" }];
  if (agent.role === "admin") {
    links.push(
      { href: "/agent/admin/agents", label: "Agents" },
      { href: "/agent/admin/services", label: "Services instructeurs" },
      { href: "/agent/admin/journal", label: "Journal d'audit" },
    );
  }
  links.push({ href: "/agent/mon-compte", label: "Mon compte" });
  return links;
}

function Header({ agent, csrfToken }: { agent: AgentActor | undefined; csrfToken: string | undefined }) {
  return (
    <HeaderFrame
      service={{
        href: "/agent",
        title: `Accueil - ${AGENT_SERVICE_NAME} - ${SERVICE_NAME}`,
        name: (
          <>
            {SERVICE_NAME} <span class="fr-badge fr-badge--sm fr-badge--blue-ecume">Agents</span>
          </>
        ),
        tagline: `${AGENT_SERVICE_NAME} : instruction des demandes`,
      }}
      tools={agent && <AgentTools agent={agent} csrfToken={csrfToken} />}
      menu={agent && { id: "agent-menu", navigationId: "agent-navigation", links: navigation(agent) }}
    />
  );
}

/** The signed-in agent and the way out. */
function AgentTools({ agent, csrfToken }: { agent: AgentActor; csrfToken: string | undefined }) {
  return (
    <ul class="fr-btns-group">
      <li>
        <span class="fr-btn fr-icon-account-circle-line" id="agent-name">
          {agent.name} ({AGENT_ROLES[agent.role].label})
        </span>
      </li>
      <li>
        {csrfToken ? (
          <form method="post" action="/agent/deconnexion">
            <Csrf token={csrfToken} />
            <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
              Se déconnecter
            </button>
          </form>
        ) : (
          <a href="/agent/deconnexion" class="fr-btn fr-icon-logout-box-r-line">
            Se déconnecter
          </a>
        )}
      </li>
    </ul>
  );
}

export function AgentLayout(p: AgentLayoutProps) {
  const hasErrors = Boolean(p.errors && Object.values(p.errors).some(Boolean));
  return (
    <html lang="fr" data-fr-scheme="system">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="theme-color" content="#000091" />
        <link rel="stylesheet" href={asset("styles.css")} />
        <FontPreloads />
        <script type="module" async src={asset("theme-preload.js")}></script>
        <link rel="icon" href={asset("dsfr/favicon/favicon.svg")} type="image/svg+xml" />
        <title>{`${hasErrors ? "Erreur : " : ""}${p.title} - ${AGENT_SERVICE_NAME} - ${SERVICE_NAME}`}</title>
      </head>
      <body>
        <Skiplinks links={[{ href: "#content", label: "Contenu" }, ...(p.agent ? [{ href: "#agent-navigation", label: "Menu" }] : [])]} />
        <Header agent={p.agent} csrfToken={p.csrfToken} />
        <Main breadcrumb={p.breadcrumb}>
          {p.flash && (
            <Alert type="success" id="flash">
              {p.flash}
            </Alert>
          )}
          {hasErrors && <ErrorSummary errors={p.errors!} fieldOrder={p.fieldOrder} />}
          {p.children}
        </Main>
        <FooterFrame links={LEGAL_LINKS} />
        <script type="module" src={asset("dsfr.js")}></script>
      </body>
    </html>
  );
}

/** An error page of the agents' area. */
export function AgentErrorPage(p: { agent?: AgentActor | undefined; status: number; title: string; message: string }) {
  return (
    <AgentLayout title={p.title} agent={p.agent}>
      <h1>{p.title}</h1>
      <p class="fr-text--sm">Erreur {p.status}</p>
      <p class="fr-text--lead">{p.message}</p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href="/agent">
            Accueil de l'espace agents
          </a>
        </li>
      </ul>
    </AgentLayout>
  );
}

/** A form's submit button and "Annuler", a link back to `cancelHref`. */
export function SubmitOrCancel({ submit, cancelHref }: { submit: string; cancelHref: string }) {
  return (
    <Buttons>
      <li>
        <SubmitButton>{submit}</SubmitButton>
      </li>
      <li>
        <a class="fr-btn fr-btn--secondary" href={cancelHref}>
          Annuler
        </a>
      </li>
    </Buttons>
  );
}
