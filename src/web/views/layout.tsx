import type { ComponentChildren } from "preact";
import { jsxEscape, jsxTemplate } from "preact/jsx-runtime";
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

/** A link of a menu, of the footer or of the skip links. */
export interface NavLink {
  href: string;
  label: string;
}

/** The "République Française" block (Marianne's logo text). */
export function Logo() {
  return (
    <p class="fr-logo">
      République
      <br />
      Française
    </p>
  );
}

export interface HeaderFrameProps {
  /** The service's name (a link home, `title` on it) and tagline, next to the logo. */
  service: { href: string; title: string; name: ComponentChildren; tagline: string };
  /** The buttons at the right (account, sign-out); none when absent. */
  tools?: ComponentChildren;
  /** The main menu (a modal on small screens): `${id}` is the modal, `${id}-button` opens it, `navigationId` is the skip link's target. */
  menu?: { id: string; navigationId: string; links: readonly NavLink[] } | undefined;
}

/** The DSFR header, shared by the citizens' pages and the agents' area. */
export function HeaderFrame(p: HeaderFrameProps) {
  const menu = p.menu;
  return (
    <header role="banner" class="fr-header">
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                <div class="fr-header__logo">
                  <Logo />
                </div>
                {menu && (
                  <div class="fr-header__navbar">
                    <button data-fr-opened="false" aria-controls={menu.id} title="Menu" type="button" id={`${menu.id}-button`} class="fr-btn--menu fr-btn">
                      Menu
                    </button>
                  </div>
                )}
              </div>
              <div class="fr-header__service">
                <a href={p.service.href} title={p.service.title}>
                  <p class="fr-header__service-title">{p.service.name}</p>
                </a>
                <p class="fr-header__service-tagline">{p.service.tagline}</p>
              </div>
            </div>
            {p.tools && (
              <div class="fr-header__tools">
                <div class="fr-header__tools-links">{p.tools}</div>
              </div>
            )}
          </div>
        </div>
      </div>
      {menu && (
        <div class="fr-header__menu fr-modal" id={menu.id} aria-labelledby={`${menu.id}-button`}>
          <div class="fr-container">
            <button aria-controls={menu.id} title="Fermer" type="button" class="fr-btn--close fr-btn">
              Fermer
            </button>
            <div class="fr-header__menu-links"></div>
            <nav class="fr-nav" id={menu.navigationId} role="navigation" aria-label="Menu principal">
              <ul class="fr-nav__list">
                {menu.links.map((l) => (
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

function Header({ ctx }: { ctx: PageContext }) {
  const links: NavLink[] = [
    { href: "/", label: "Accueil" },
    { href: "/mon-espace", label: "Mon espace" },
    { href: "/photographes", label: "Photographes agréés" },
    { href: "/aide", label: "Aide" },
    ...(ctx.devTools
      ? [
          { href: "/dev/mails", label: "Boîte mél de développement" },
          { href: "/dev/outils", label: "Outils de développement" },
        ]
      : []),
  ];
  return (
    <HeaderFrame
      service={{ href: "/", title: `Accueil - ${SERVICE_NAME} - République Française`, name: SERVICE_NAME, tagline: "Vos demandes de permis de conduire en ligne" }}
      tools={<ToolLinks ctx={ctx} />}
      menu={{ id: "header-menu", navigationId: "header-navigation", links }}
    />
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

/** The links at the bottom of every footer (the agents' area shows only these). */
export const LEGAL_LINKS: readonly NavLink[] = [
  { href: "/accessibilite", label: "Accessibilité : partiellement conforme" },
  { href: "/mentions-legales", label: "Mentions légales" },
];

/** The DSFR footer: an optional body (brand, description, links out), the bottom links, then `after` in their list and `copy` under it. */
export function FooterFrame(p: { body?: ComponentChildren; links: readonly NavLink[]; after?: ComponentChildren; copy?: ComponentChildren }) {
  return (
    <footer class="fr-footer" role="contentinfo" id="footer">
      <div class="fr-container">
        {p.body && <div class="fr-footer__body">{p.body}</div>}
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            {p.links.map((l) => (
              <li class="fr-footer__bottom-item">
                <a href={l.href} class="fr-footer__bottom-link">
                  {l.label}
                </a>
              </li>
            ))}
            {p.after}
          </ul>
          {p.copy && <div class="fr-footer__bottom-copy">{p.copy}</div>}
        </div>
      </div>
    </footer>
  );
}

function Footer() {
  const external = [
    ["info.gouv.fr", "https://info.gouv.fr"],
    ["service-public.gouv.fr", "https://service-public.gouv.fr"],
    ["legifrance.gouv.fr", "https://legifrance.gouv.fr"],
    ["data.gouv.fr", "https://data.gouv.fr"],
  ] as const;
  const body = (
    <>
      <div class="fr-footer__brand fr-enlarge-link">
        <a href="/" title={`Retour à l’accueil du site - ${SERVICE_NAME} - République Française`}>
          <Logo />
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
    </>
  );
  return (
    <FooterFrame
      body={body}
      links={[
        ...LEGAL_LINKS,
        { href: "/donnees-personnelles", label: "Données personnelles" },
        { href: "/cookies", label: "Gestion des cookies" },
        { href: "/cgu", label: "Conditions générales d'utilisation" },
        { href: "/delais-de-traitement", label: "Délais de traitement" },
      ]}
      after={
        <li class="fr-footer__bottom-item">
          <button aria-controls="fr-theme-modal" data-fr-opened="false" type="button" class="fr-btn--display fr-btn">
            Paramètres d'affichage
          </button>
        </li>
      }
      copy={
        <p>
          Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés
          sous{" "}
          <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md" target="_blank" rel="noopener external" title="Licence etalab - nouvelle fenêtre">
            licence etalab-2.0
          </a>
        </p>
      }
    />
  );
}

/**
 * A display-settings pictogram. Its file is named in `data-href`, not `href`: app.js sets `href`
 * when the dialog first opens (the dialog needs JavaScript anyway). With `href`, every page load
 * fetched three SVG files (22 kB) and built a document for each, for a dialog seldom opened
 * (docs/PERFORMANCE.md, fifth pass).
 */
function Pictogram({ path }: { path: string }) {
  const href = asset(`dsfr/artwork/pictograms/${path}`);
  return (
    <div class="fr-radio-rich__pictogram">
      <svg aria-hidden="true" class="fr-artwork" viewBox="0 0 80 80" width="80px" height="80px">
        <use class="fr-artwork-decorative" data-href={`${href}#artwork-decorative`}></use>
        <use class="fr-artwork-minor" data-href={`${href}#artwork-minor`}></use>
        <use class="fr-artwork-major" data-href={`${href}#artwork-major`}></use>
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

export function Breadcrumb({ items }: { items: Array<{ label: string; href?: string }> }) {
  return frozen(
    "breadcrumb",
    (list) => (
      <nav role="navigation" class="fr-breadcrumb" aria-label="vous êtes ici :">
        <button type="button" class="fr-breadcrumb__button" aria-expanded="false" aria-controls="breadcrumb">
          Voir le fil d’Ariane
        </button>
        <div class="fr-collapse" id="breadcrumb">
          <ol class="fr-breadcrumb__list">{list}</ol>
        </div>
      </nav>
    ),
    items.map((item) => (
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
    )),
  );
}

/** The skip links at the top of the page (RGAA 12.7). */
export function Skiplinks({ links }: { links: readonly NavLink[] }) {
  return (
    <div class="fr-skiplinks">
      <nav role="navigation" aria-label="Accès rapide" class="fr-container">
        <ul class="fr-skiplinks__list">
          {links.map((l) => (
            <li>
              <a class="fr-link" href={l.href}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}

/** The page's <main> (the "Contenu" skip link's target), the breadcrumb first when given. */
export function Main({ breadcrumb, children }: { breadcrumb?: Array<{ label: string; href?: string }> | undefined; children: ComponentChildren }) {
  return (
    <main role="main" id="content" tabIndex={-1}>
      <div class="fr-container fr-pb-8w">
        {breadcrumb ? <Breadcrumb items={breadcrumb} /> : <div class="fr-mt-4w"></div>}
        {children}
      </div>
    </main>
  );
}

/** The document's title (RGAA 8.5, 8.6): "Erreur : " first when the form has errors. */
function documentTitle(p: Pick<LayoutProps, "title" | "hasErrors">): string {
  return `${p.hasErrors ? "Erreur : " : ""}${p.title} - ${SERVICE_NAME}`;
}

/**
 * The three faces of Marianne every page draws on load (the header's buttons are Medium), preloaded:
 * one found by the first style recalculation instead comes after the stylesheet, and one preloaded
 * for nothing costs a phone 59 kB (test/browser/fonts.test.ts checks both, on the citizens' and
 * the agents' pages).
 */
export function FontPreloads() {
  return (
    <>
      {(["Regular", "Bold", "Medium"] as const).map((face) => (
        <link rel="preload" href={asset(`dsfr/fonts/Marianne-${face}.woff2`)} as="font" type="font/woff2" crossorigin="anonymous" />
      ))}
    </>
  );
}

function Head({ title }: { title: string }) {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no" />
      <meta name="format-detection" content="telephone=no,date=no,address=no,email=no,url=no" />
      <meta name="theme-color" content="#000091" />
      {/* Speed (docs/PERFORMANCE.md): one stylesheet, only hashed URLs, no script that blocks rendering. */}
      <link rel="stylesheet" href={asset("styles.css")} />
      <FontPreloads />
      {/* Async module: runs as soon as it arrives (before the stylesheet, so before the first paint), never blocks. */}
      <script type="module" async src={asset("theme-preload.js")}></script>
      <link rel="apple-touch-icon" href={asset("dsfr/favicon/apple-touch-icon.png")} />
      <link rel="icon" href={asset("dsfr/favicon/favicon.svg")} type="image/svg+xml" />
      <link rel="shortcut icon" href={asset("dsfr/favicon/favicon.ico")} type="image/x-icon" />
      <title>{title}</title>
    </head>
  );
}

/** Above the content: the skip links and the header. */
function Top({ ctx }: { ctx: PageContext }) {
  return (
    <>
      <Skiplinks
        links={[
          { href: "#content", label: "Contenu" },
          { href: "#header-navigation", label: "Menu" },
          { href: "#footer", label: "Pied de page" },
        ]}
      />
      <Header ctx={ctx} />
    </>
  );
}

/** Below the content: the footer, the display settings' dialog, the scripts. */
function Bottom() {
  return (
    <>
      <Footer />
      <DisplaySettings />
      <script type="module" src={asset("dsfr.js")}></script>
      <script type="module" src={asset("app.js")}></script>
    </>
  );
}

/** The citizens' page frame, in plain JSX: what `Layout` writes, byte for byte (test/web/layout-cache.test.ts). */
export function PlainLayout(p: LayoutProps) {
  return (
    <html lang="fr" data-fr-scheme="system">
      <Head title={documentTitle(p)} />
      <body>
        <Top ctx={p.ctx} />
        <Main breadcrumb={p.breadcrumb}>{p.children}</Main>
        <Bottom />
      </body>
    </html>
  );
}

/**
 * The citizens' page frame. Its head, header and footer are the same on every page but for the
 * title, the signed-in user's name and the sign-out form's CSRF token: each is rendered once per
 * variant (`frozen`) and then written as it is, only the page's content being rendered at each
 * request (issue 8: the frame was most of a page's rendering and of its garbage).
 */
export function Layout(p: LayoutProps) {
  const { devTools, user } = p.ctx;
  return (
    <html lang="fr" data-fr-scheme="system">
      {frozen("head", (title) => <Head title={title} />, documentTitle(p))}
      <body>
        {user
          ? frozen(`top:${devTools}:user`, (displayName, csrfToken) => <Top ctx={{ devTools, user: { displayName }, csrfToken }} />, user.displayName, p.ctx.csrfToken)
          : frozen(`top:${devTools}:visitor`, () => <Top ctx={{ devTools, csrfToken: "" }} />)}
        <Main breadcrumb={p.breadcrumb}>{p.children}</Main>
        {frozen("bottom", () => <Bottom />)}
      </body>
    </html>
  );
}

const frozenParts = new Map<string, { html: readonly string[]; holes: readonly number[] }>();
// eslint-disable-next-line no-control-regex -- the markers are control characters, which no value of the frame holds
const HOLE = /\u0001(\d+)\u0001/;

/**
 * A subtree whose shape depends only on what `key` names, and whose `values` change: rendered
 * once with a marker in place of each value, cut at the markers, then written each time as
 * preact's precompiled templates are (`jsxTemplate`: the HTML parts as they are, each value
 * through `jsxEscape`, as preact-render-to-string escapes text and attributes). A string value
 * may stand anywhere, in an attribute or as text; any other value (an element, a list of them,
 * null for nothing) only where a child stands, and is rendered at each call. Whatever changes
 * the subtree's shape (a block shown or not, a list) must therefore be such a value, not a
 * condition inside `build`.
 *
 * The parts and the string values are written in Latin-1, any other character as a numeric
 * reference (`’` as `&#8217;`: the same text to a browser, in text as in attributes; no frame
 * holds an inline script or style, where references are not read), and stored one byte per
 * character. A page made of them is then a one-byte string, which Node encodes to UTF-8 six times
 * faster than a two-byte one (test/web/layout-cache.test.tsx checks the account home is one).
 * An empty string in an attribute gives `name=""` where preact writes `name`: the same to a browser.
 */
export function frozen(key: string, build: (...holes: string[]) => preact.VNode, ...values: ComponentChildren[]): preact.VNode {
  let parts = frozenParts.get(key);
  if (!parts) {
    const cut = render(build(...values.map((_, i) => `\u0001${i}\u0001`))).split(new RegExp(HOLE.source, "g"));
    // Each part copied as a one-byte string: cut from a page that held characters beyond
    // Latin-1, it would stay two bytes per character even once they are written as references.
    parts = { html: cut.filter((_, i) => i % 2 === 0).map((part) => oneByte(references(part))), holes: cut.filter((_, i) => i % 2 === 1).map(Number) };
    frozenParts.set(key, parts);
  }
  // Escaped once each, even when a value stands at several places (jsxEscape escapes a list in place).
  const escaped = values.map((v) => (typeof v === "string" ? latin1(jsxEscape(v) as unknown as string) : (jsxEscape(v) as unknown as string)));
  return jsxTemplate(parts.html as string[], ...parts.holes.map((i) => escaped[i]!));
}

const BEYOND_LATIN1 = /[\u0100-\u{10ffff}]/gu;

/** HTML text with every character beyond Latin-1 written as a numeric character reference. */
function references(html: string): string {
  return html.replace(BEYOND_LATIN1, (c) => `&#${c.codePointAt(0)};`);
}

/**
 * `references`, and when one was written, the result copied one byte per character: V8 keeps the
 * result of a replacement in a string that had such a character two bytes per character, and
 * Node encodes a two-byte string to UTF-8 six times slower (a 14 kB page: 30 µs instead of 5,
 * issue 8). When none was, the same string (frozen parts are always copied, by `frozen`).
 */
export function latin1(html: string): string {
  const written = references(html);
  return written === html ? html : oneByte(written);
}

/** The same Latin-1 text, stored one byte per character (copied through its Latin-1 bytes: only for text without characters beyond Latin-1, which would be cut). */
function oneByte(text: string): string {
  return Buffer.from(text, "latin1").toString("latin1");
}

export function renderPage(node: preact.VNode): string {
  return "<!doctype html>" + render(node);
}
