import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import { SERVICE_NAME } from "../../services/mails.tsx";
import { asset } from "../static.ts";
import { Csrf } from "./components.tsx";

/** What every page needs to know about the visitor. */
export interface PageContext {
  csrfToken: string;
  /** Set when signed in. */
  user?: { displayName: string } | undefined;
  /** Development mode: links to the local mailbox. */
  devTools: boolean;
}

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  /** Prefixes the title with "Erreur : " (RGAA 8.5: the title says the form has errors). */
  hasErrors?: boolean;
  breadcrumb?: Array<{ label: string; href?: string }>;
  children: ComponentChildren;
}

function Header({ ctx }: { ctx: PageContext }) {
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
                <div class="fr-header__navbar">
                  <button data-fr-opened="false" aria-controls="header-menu" title="Menu" type="button" id="header-menu-button" class="fr-btn--menu fr-btn">
                    Menu
                  </button>
                </div>
              </div>
              <div class="fr-header__service">
                <a href="/" title={`Accueil - ${SERVICE_NAME} - République Française`}>
                  <p class="fr-header__service-title">{SERVICE_NAME}</p>
                </a>
                <p class="fr-header__service-tagline">Vos demandes de permis de conduire en ligne</p>
              </div>
            </div>
            <div class="fr-header__tools">
              <div class="fr-header__tools-links">
                <ToolLinks ctx={ctx} />
              </div>
            </div>
          </div>
        </div>
      </div>
      <div class="fr-header__menu fr-modal" id="header-menu" aria-labelledby="header-menu-button">
        <div class="fr-container">
          <button aria-controls="header-menu" title="Fermer" type="button" class="fr-btn--close fr-btn">
            Fermer
          </button>
          <div class="fr-header__menu-links"></div>
          <nav class="fr-nav" id="header-navigation" role="navigation" aria-label="Menu principal">
            <ul class="fr-nav__list">
              <li class="fr-nav__item">
                <a class="fr-nav__link" href="/">
                  Accueil
                </a>
              </li>
              <li class="fr-nav__item">
                <a class="fr-nav__link" href="/mon-espace">
                  Mon espace
                </a>
              </li>
              <li class="fr-nav__item">
                <a class="fr-nav__link" href="/photographes">
                  Photographes agréés
                </a>
              </li>
              <li class="fr-nav__item">
                <a class="fr-nav__link" href="/aide">
                  Aide
                </a>
              </li>
              {ctx.devTools && (
                <>
                  <li class="fr-nav__item">
                    <a class="fr-nav__link" href="/dev/mails">
                      Boîte mél de développement
                    </a>
                  </li>
                  <li class="fr-nav__item">
                    <a class="fr-nav__link" href="/dev/outils">
                      Outils de développement
                    </a>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </div>
      </div>
    </header>
  );
}

function ToolLinks({ ctx }: { ctx: PageContext }) {
  if (!ctx.user) {
    return (
      <ul class="fr-btns-group">
        <li>
          <a href="/connexion" class="fr-btn fr-icon-account-circle-line">
            Se connecter
          </a>
        </li>
        <li>
          <a href="/compte/creer" class="fr-btn fr-icon-user-add-line">
            Créer un compte
          </a>
        </li>
      </ul>
    );
  }
  return (
    <ul class="fr-btns-group">
      <li>
        <a href="/mon-espace" class="fr-btn fr-icon-account-circle-line">
          {ctx.user.displayName}
        </a>
      </li>
      <li>
        <form method="post" action="/deconnexion">
          <Csrf token={ctx.csrfToken} />
          <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
            Se déconnecter
          </button>
        </form>
      </li>
    </ul>
  );
}

function Footer() {
  const external = [
    ["info.gouv.fr", "https://info.gouv.fr"],
    ["service-public.gouv.fr", "https://service-public.gouv.fr"],
    ["legifrance.gouv.fr", "https://legifrance.gouv.fr"],
    ["data.gouv.fr", "https://data.gouv.fr"],
  ] as const;
  return (
    <footer class="fr-footer" role="contentinfo" id="footer">
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href="/" title={`Retour à l’accueil du site - ${SERVICE_NAME} - République Française`}>
              <p class="fr-logo">
                République
                <br />
                Française
              </p>
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">
              {SERVICE_NAME} : le service public en ligne pour demander un permis de conduire, suivre sa demande et recevoir
              ses documents.
            </p>
            <ul class="fr-footer__content-list">
              {external.map(([label, href]) => (
                <li class="fr-footer__content-item">
                  <a title={`${label} - nouvelle fenêtre`} href={href} target="_blank" rel="noopener external" class="fr-footer__content-link">
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </div>
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
            <li class="fr-footer__bottom-item">
              <a href="/donnees-personnelles" class="fr-footer__bottom-link">
                Données personnelles
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a href="/cookies" class="fr-footer__bottom-link">
                Gestion des cookies
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a href="/cgu" class="fr-footer__bottom-link">
                Conditions générales d'utilisation
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a href="/delais-de-traitement" class="fr-footer__bottom-link">
                Délais de traitement
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <button aria-controls="fr-theme-modal" data-fr-opened="false" type="button" class="fr-btn--display fr-btn">
                Paramètres d'affichage
              </button>
            </li>
          </ul>
          <div class="fr-footer__bottom-copy">
            <p>
              Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés
              sous{" "}
              <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md" target="_blank" rel="noopener external" title="Licence etalab - nouvelle fenêtre">
                licence etalab-2.0
              </a>
            </p>
          </div>
        </div>
      </div>
    </footer>
  );
}

function Pictogram({ path }: { path: string }) {
  const href = asset(`dsfr/artwork/pictograms/${path}`);
  return (
    <div class="fr-radio-rich__pictogram">
      <svg aria-hidden="true" class="fr-artwork" viewBox="0 0 80 80" width="80px" height="80px">
        <use class="fr-artwork-decorative" href={`${href}#artwork-decorative`}></use>
        <use class="fr-artwork-minor" href={`${href}#artwork-minor`}></use>
        <use class="fr-artwork-major" href={`${href}#artwork-major`}></use>
      </svg>
    </div>
  );
}

function DisplaySettings() {
  const themes = [
    ["light", "Thème clair", "environment/sun.svg"],
    ["dark", "Thème sombre", "environment/moon.svg"],
    ["system", "Système", "system/system.svg"],
  ] as const;
  return (
    <dialog id="fr-theme-modal" class="fr-modal" aria-labelledby="fr-theme-modal-title">
      <div class="fr-container fr-container--fluid fr-container-md">
        <div class="fr-grid-row fr-grid-row--center">
          <div class="fr-col-12 fr-col-md-6 fr-col-lg-4">
            <div class="fr-modal__body">
              <div class="fr-modal__header">
                <button aria-controls="fr-theme-modal" title="Fermer" type="button" class="fr-btn--close fr-btn">
                  Fermer
                </button>
              </div>
              <div class="fr-modal__content">
                <h2 id="fr-theme-modal-title" class="fr-modal__title">
                  Paramètres d’affichage
                </h2>
                <div id="fr-display" class="fr-display">
                  <fieldset class="fr-fieldset" id="display-fieldset">
                    <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id="display-fieldset-legend">
                      Choisissez un thème pour personnaliser l’apparence du site.
                    </legend>
                    {themes.map(([value, label, picto]) => (
                      <div class="fr-fieldset__element">
                        <div class="fr-radio-group fr-radio-rich">
                          <input value={value} type="radio" id={`fr-radios-theme-${value}`} name="fr-radios-theme" />
                          <label class="fr-label" for={`fr-radios-theme-${value}`}>
                            {label}
                            {value === "system" && <span class="fr-hint-text">Utilise les paramètres système</span>}
                          </label>
                          <Pictogram path={picto} />
                        </div>
                      </div>
                    ))}
                  </fieldset>
                </div>
              </div>
            </div>
          </div>
        </div>
      </div>
    </dialog>
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

export function Layout(p: LayoutProps) {
  return (
    <html lang="fr" data-fr-scheme="system">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
        <meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no" />
        <meta name="theme-color" content="#000091" />
        {/* Speed (docs/PERFORMANCE.md): one stylesheet, only hashed URLs, no script that blocks rendering. */}
        <link rel="stylesheet" href={asset("styles.css")} />
        <link rel="preload" href={asset("dsfr/fonts/Marianne-Regular.woff2")} as="font" type="font/woff2" crossorigin="anonymous" />
        <link rel="preload" href={asset("dsfr/fonts/Marianne-Bold.woff2")} as="font" type="font/woff2" crossorigin="anonymous" />
        {/* Async module: runs as soon as it arrives (before the stylesheet, so before the first paint), never blocks. */}
        <script type="module" async src={asset("theme-preload.js")}></script>
        <link rel="apple-touch-icon" href={asset("dsfr/favicon/apple-touch-icon.png")} />
        <link rel="icon" href={asset("dsfr/favicon/favicon.svg")} type="image/svg+xml" />
        <link rel="shortcut icon" href={asset("dsfr/favicon/favicon.ico")} type="image/x-icon" />
        <title>{`${p.hasErrors ? "Erreur : " : ""}${p.title} - ${SERVICE_NAME}`}</title>
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
              <li>
                <a class="fr-link" href="#header-navigation">
                  Menu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#footer">
                  Pied de page
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <Header ctx={p.ctx} />
        <main role="main" id="content" tabIndex={-1}>
          <div class="fr-container fr-pb-8w">
            {p.breadcrumb ? <Breadcrumb items={p.breadcrumb} /> : <div class="fr-mt-4w"></div>}
            {p.children}
          </div>
        </main>
        <Footer />
        <DisplaySettings />
        <script type="module" src={asset("dsfr.js")}></script>
        <script type="module" src={asset("app.js")}></script>
      </body>
    </html>
  );
}

export function renderPage(node: preact.VNode): string {
  return "<!doctype html>" + render(node);
}
