import { describe, expect, it } from "vitest";
import { frozen, Layout, PlainLayout, renderPage, type LayoutProps } from "../../src/web/views/layout.tsx";

const HOSTILE = `<script>alert("x")</script> & "quotes" 'single' \u0001 0 \u0001`;

/** Pages as every route makes them: title, errors, breadcrumb, visitor or user, development or not. */
const CASES: Array<[string, Omit<LayoutProps, "children">]> = [
  ["a visitor's page", { ctx: { csrfToken: "unused", devTools: false }, title: "Se connecter" }],
  ["a visitor's page in development", { ctx: { csrfToken: "unused", devTools: true }, title: "Accueil" }],
  ["a form with errors", { ctx: { csrfToken: "t", devTools: false }, title: "Créer un compte", hasErrors: true }],
  ["a user's page", { ctx: { csrfToken: "85v4SNuv-liY671h5IDKS", user: { displayName: "Jeanne Dupont" }, devTools: false }, title: "Mon espace" }],
  ["another user, development", { ctx: { csrfToken: "other-token", user: { displayName: "Émile Zola" }, devTools: true }, title: "Étape 1", breadcrumb: [{ label: "Accueil", href: "/" }, { label: "Étape 1" }] }],
  ["hostile name, token and title", { ctx: { csrfToken: HOSTILE, user: { displayName: HOSTILE }, devTools: false }, title: HOSTILE, hasErrors: true }],
];

describe("the page frame rendered once per variant", () => {
  it.each(CASES)("writes what plain JSX writes, byte for byte: %s", (_name, props) => {
    const content = <p>Contenu {props.title}</p>;
    // Twice: the first render fills the cache, the second reads it.
    for (let round = 0; round < 2; round++) {
      expect(renderPage(<Layout {...props}>{content}</Layout>)).toBe(renderPage(<PlainLayout {...props}>{content}</PlainLayout>));
    }
  });

  it("keeps each variant apart (user's name and token never leak into another page)", () => {
    const a = renderPage(<Layout ctx={{ csrfToken: "token-a", user: { displayName: "Alice" }, devTools: false }} title="A">x</Layout>);
    const b = renderPage(<Layout ctx={{ csrfToken: "token-b", user: { displayName: "Bruno" }, devTools: false }} title="B">y</Layout>);
    const visitor = renderPage(<Layout ctx={{ csrfToken: "token-c", devTools: false }} title="C">z</Layout>);
    expect(a).toContain("Alice");
    expect(a).toContain('value="token-a"');
    expect(b).toContain("Bruno");
    expect(b).not.toMatch(/Alice|token-a/);
    expect(visitor).not.toMatch(/Alice|Bruno|token-/);
    expect(visitor).toContain("Se connecter");
  });

  it("escapes each value as preact does, wherever it stands, as often as it appears", () => {
    const twice = (v: string) => (
      <p title={v}>
        {v} / {v}
      </p>
    );
    const html = renderPage(frozen("test:twice", twice, HOSTILE));
    expect(html).toBe(renderPage(twice(HOSTILE)));
    expect(html).not.toContain("<script>");
    expect(renderPage(frozen("test:twice", twice, "deux"))).toBe("<!doctype html><p title=\"deux\">deux / deux</p>");
  });
});
