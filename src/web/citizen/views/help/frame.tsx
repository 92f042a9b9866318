import type { ComponentChildren } from "preact";
import { Layout, type PageContext } from "../../../views/layout.tsx";

/** The help pages: their address, title and one-line summary (the index and the "Autres pages d'aide" menu). */
export const HELP_PAGES = [
  { path: "/aide/pieces", title: "Les pièces à préparer", summary: "Les documents demandés pour chaque démarche, selon votre situation." },
  { path: "/aide/numeriser", title: "Numériser vos documents", summary: "Scanner ou photographier vos pièces : formats, taille, lisibilité." },
  { path: "/aide/justificatif-de-domicile", title: "Justificatif de domicile et hébergement", summary: "Les justificatifs acceptés, et que fournir si vous êtes hébergé." },
  { path: "/aide/photo", title: "Photo et signature numériques", summary: "Où faire votre photo, et le code à 22 chiffres à saisir." },
  { path: "/aide/conduire-en-attendant", title: "Conduire en attendant votre permis", summary: "Avec quel document circuler pendant le traitement de votre demande." },
  { path: "/aide/etat-civil", title: "Nom et date de naissance", summary: "Le nom de naissance sur le permis, les dates de naissance en 00/00/AAAA." },
  { path: "/aide/neph", title: "Le numéro NEPH", summary: "À quoi il sert, quand il est actif, comment le faire réactiver." },
  { path: "/aide/timbre-fiscal", title: "Le timbre fiscal", summary: "Où l'acheter en cas de perte ou de vol, et comment se le faire rembourser." },
  { path: "/aide/suivi", title: "Suivre votre demande", summary: "Ce que signifie chaque état de votre demande, et ce que vous pouvez faire." },
  { path: "/aide/accompagnement", title: "Sans internet ou en difficulté", summary: "Points et espaces numériques, médiateurs, auto-école : se faire aider." },
] as const;

export type HelpPath = (typeof HELP_PAGES)[number]["path"];

/** A help page: breadcrumb, title, content, and the other help pages. */
export function HelpFrame(p: { ctx: PageContext; title: string; path: string; parent?: { label: string; href: string }; children: ComponentChildren }) {
  const breadcrumb = [{ label: "Accueil", href: "/" }, { label: "Aide", href: "/aide" }, ...(p.parent ? [p.parent] : []), { label: p.title }];
  return (
    <Layout ctx={p.ctx} title={`${p.title} - Aide`} breadcrumb={breadcrumb}>
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-8 help">
          <h1>{p.title}</h1>
          {p.children}
        </div>
        <nav class="fr-col-12 fr-col-md-4" aria-labelledby="help-menu-title">
          <h2 class="fr-h6" id="help-menu-title">
            Autres pages d'aide
          </h2>
          <ul class="fr-links-group">
            {HELP_PAGES.map((page) => (
              <li>
                <a class="fr-link" href={page.path} aria-current={page.path === p.path ? "page" : undefined}>
                  {page.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </Layout>
  );
}

/** A link that opens a page of another site in a new window, said in its title (RGAA 13.2). */
export function External({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noopener external" title={`${children} - nouvelle fenêtre`}>
      {children}
    </a>
  );
}
