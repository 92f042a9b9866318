import type { ComponentChildren } from "preact";
import { AGENT_ROLES, type AgentActor } from "../../../domain/actors.ts";
import { SERVICE_NAME } from "../../../services/mails.tsx";
import { asset } from "../../static.ts";
import { Alert, Csrf, ErrorSummary, type Errors } from "../../views/components.tsx";

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

function navigation(agent: AgentActor | undefined): Array<{ href: string; label: string }> {
  if (!agent) return [];
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
  const links = navigation(agent);
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <p class="fr-logo">
                    République
                    <br />
                    Française
                  </p>
                </div>
                {agent && (
                  <div class="fr-header__navbar">
                    <button data-fr-opened="false" aria-controls="agent-menu" title="Menu" type="button" id="agent-menu-button" class="fr-btn--menu fr-btn">
                      Menu
                    </button>
                  </div>
                )}
              </div>
              <div class="fr-header__service">
                <a href="/agent" title={`Accueil - ${AGENT_SERVICE_NAME} - ${SERVICE_NAME}`}>
                  <p class="fr-header__service-title">
                    {SERVICE_NAME} <span class="fr-badge fr-badge--sm fr-badge--blue-ecume">Agents</span>
                  </p>
                </a>
                <p class="fr-header__service-tagline">{AGENT_SERVICE_NAME} : instruction des demandes</p>
              </div>
            </div>
            {agent && (
              <div class="fr-header__tools">
                <div class="fr-header__tools-links">
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
                </div>
              </div>
            )}
          </div>
        </div>
      </div>
      {agent && (
        <div class="fr-header__menu fr-modal" id="agent-menu" aria-labelledby="agent-menu-button">
          <div class="fr-container">
            <button aria-controls="agent-menu" title="Fermer" type="button" class="fr-btn--close fr-btn">
              Fermer
            </button>
            <div class="fr-header__menu-links"></div>
            <nav class="fr-nav" id="agent-navigation" role="navigation" aria-label="Menu principal">
              <ul class="fr-nav__list">
                {links.map((l) => (
                  <li class="fr-nav__item">
                    <a class="fr-nav__link" href={l.href}>
                      {l.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </div>
      )}
    </header>
  );
}

function Breadcrumb({ items }: { items: Array<{ label: string; href?: string }> }) {
  return (
    <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
      <button type="button" class="fr-breadcrumb__button" aria-expanded="false" aria-controls="breadcrumb">
        Voir le fil d’Ariane
      </button>
      <div class="fr-collapse" id="breadcrumb">
        <ol class="fr-breadcrumb__list">
          {items.map((item) => (
            <li>
              {item.href ? (
                <a class="fr-breadcrumb__link" href={item.href}>
                  {item.label}
                </a>
              ) : (
                <a class="fr-breadcrumb__link" aria-current="page">
                  {item.label}
                </a>
              )}
            </li>
          ))}
        </ol>
      </div>
    </nav>
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
        <script type="module" async src={asset("theme-preload.js")}></script>
        <link rel="icon" href={asset("dsfr/favicon/favicon.svg")} type="image/svg+xml" />
        <title>{`${hasErrors ? "Erreur : " : ""}${p.title} - ${AGENT_SERVICE_NAME} - ${SERVICE_NAME}`}</title>
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav role="navigation" aria-label="Accès rapide" class="fr-container">
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#content">
                  Contenu
                </a>
              </li>
              {p.agent && (
                <li>
                  <a class="fr-link" href="#agent-navigation">
                    Menu
                  </a>
                </li>
              )}
            </ul>
          </nav>
        </div>
        <Header agent={p.agent} csrfToken={p.csrfToken} />
        <main role="main" id="content" tabIndex={-1}>
          <div class="fr-container fr-pb-8w">
            {p.breadcrumb ? <Breadcrumb items={p.breadcrumb} /> : <div class="fr-mt-4w"></div>}
            {p.flash && (
              <Alert type="success" id="flash">
                {p.flash}
              </Alert>
            )}
            {hasErrors && <ErrorSummary errors={p.errors!} fieldOrder={p.fieldOrder} />}
            {p.children}
          </div>
        </main>
        <footer class="fr-footer" role="contentinfo" id="footer">
          <div class="fr-container">
            <div class="fr-footer__bottom">
              <ul class="fr-footer__bottom-list">
                <li class="fr-footer__bottom-item">
                  <a href="/accessibilite" class="fr-footer__bottom-link">
                    Accessibilité : partiellement conforme
                  </a>
                </li>
                <li class="fr-footer__bottom-item">
                  <a href="/mentions-legales" class="fr-footer__bottom-link">
                    Mentions légales
                  </a>
                </li>
              </ul>
            </div>
          </div>
        </footer>
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
