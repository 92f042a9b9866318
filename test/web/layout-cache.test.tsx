import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { AccountHomePage } from "../../src/web/citizen/views/account.tsx";
import { frozen, latin1, Layout, PlainLayout, renderPage, type LayoutProps } from "../../src/web/views/layout.tsx";

/**
 * How V8 stores a string: one byte per character or two. Its serialisation says which (the tag
 * after the two header bytes: `"` one-byte; a two-byte string is tagged `c`, sometimes after a
 * padding byte), whatever characters it holds.
 */
const storage = (text: string) => (String.fromCharCode(serialize(text)[2]!) === '"' ? "one-byte" : "two-byte");

/** The numeric character references `latin1` writes, read back (preact writes none: a typed `&` is `&amp;`). */
const readReferences = (html: string) => html.replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)));

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
  it.each(CASES)("writes what plain JSX writes, byte for byte once its character references are read: %s", (_name, props) => {
    const content = <p>Contenu {props.title}</p>;
    // Twice: the first render fills the cache, the second reads it.
    for (let round = 0; round < 2; round++) {
      const html = renderPage(<Layout {...props}>{content}</Layout>);
      // (The breadcrumb is a frozen part of its own, in both.)
      expect(readReferences(html)).toBe(readReferences(renderPage(<PlainLayout {...props}>{content}</PlainLayout>)));
      // The frame is Latin-1 only: the page is, when its own content is.
      expect(html).not.toMatch(/[\u0100-\u{10ffff}]/u);
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

  it("writes every character beyond Latin-1 as a reference: the frame, the values, in text and attributes", () => {
    const html = renderPage(<Layout ctx={{ csrfToken: "t", user: { displayName: "Łukasz N’Diaye 😀" }, devTools: false }} title="Étape — 1">x</Layout>);
    expect(html).not.toMatch(/[\u0100-\u{10ffff}]/u);
    expect(html).toContain("&#321;ukasz N&#8217;Diaye &#128512;");
    expect(html).toContain("Retour à l&#8217;accueil");
    expect(html).toContain("<title>Étape &#8212; 1 - ");
    expect(latin1("a’b — c")).toBe("a&#8217;b &#8212; c");
    expect(latin1("déjà « vu »")).toBe("déjà « vu »");
  });

  it("takes elements, lists and nothing where a child stands, rendered at each call", () => {
    const build = (title: string, items: string, note: string) => (
      <section aria-label={title}>
        <h2>{title}</h2>
        <ul>{items}</ul>
        {note}
      </section>
    );
    const cases: Array<[string, unknown, unknown]> = [
      [HOSTILE, [<li>un’</li>, <li class="b">{HOSTILE}</li>], <p>note — 1</p>],
      ["vide", [], null],
      ["texte", <li>seul</li>, "fin « ici »"],
    ];
    for (const [title, items, note] of cases) {
      const html = renderPage(frozen("test:children", build, title, items as never, note as never));
      expect(readReferences(html)).toBe(renderPage(build(title, items as never, note as never)));
    }
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

  it("stores a page of Latin-1 text one byte per character, even where the frame had ’ (Node encodes it six times faster)", () => {
    const text = "<p>l’usager, réception</p>".repeat(50);
    expect(storage(text)).toBe("two-byte");
    expect(storage(latin1(text))).toBe("one-byte");
    expect(latin1(text)).toBe("<p>l&#8217;usager, réception</p>".repeat(50));
    const when = new Date("2026-11-30T09:15:00Z");
    const page = renderPage(
      <AccountHomePage
        ctx={{ csrfToken: "token", user: { displayName: "Élodie Martin" }, devTools: false }}
        displayName="Élodie Martin"
        lastLoginAt={when}
        notifications={[{ createdAt: when, message: "Votre demande a été envoyée." }]}
        requests={[{ id: "r1", givenName: "Élodie", familyName: "MARTIN", number: "PC-2026-0000001", createdAt: when, updatedAt: when, state: "Envoyée", actions: [{ label: "Consulter", href: "/demandes/r1" }] }]}
        total={1}
        query=""
      />,
    );
    // The frame holds ’ (« Retour à l’accueil »), written as a reference: the page stays one-byte.
    expect(page).toContain("l&#8217;accueil");
    expect(page).toContain("Votre demande a été envoyée.");
    expect(storage(page)).toBe("one-byte");
  });
});
