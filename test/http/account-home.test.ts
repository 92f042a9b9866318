import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addNotification } from "../../src/db/repositories/notifications.ts";
import { accounts, requests } from "../../src/db/schema.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser, type Page } from "../helpers/client.ts";
import { HOUR, ManualClock } from "../helpers/clock.ts";
import { createActiveAccount, signIn } from "../helpers/flows.ts";

/** Seed 001, the account home: "Dernière connexion", "NOTIFICATIONS", "MON ESPACE CONDUCTEUR", "Rechercher dans la liste". */
let t: TestApp;
// Summer time: Paris is 2 hours ahead of UTC.
const clock = new ManualClock(new Date("2026-07-03T07:03:00Z"));
let b: Browser;
let identifier: string;

async function accountId(email: string): Promise<string> {
  return (await t.db.db.select().from(accounts).where(eq(accounts.email, email)))[0]!.id;
}

beforeAll(async () => {
  t = await startTestApp({ clock });
  b = new Browser(t.app, "192.0.2.70");
  identifier = await createActiveAccount(t, b, { email: "accueil@example.fr", givenName: "Sylvie", familyName: "Lambert" });
  const mine = await accountId("accueil@example.fr");
  const lines = [
    { state: "brouillon", number: null, prenom1: "Léa", nomNaissance: "Martin" },
    { state: "envoyee", number: "PC-2026-0000042", prenom1: "Hugo", nomNaissance: "Bernard" },
    { state: "a_completer", number: "PC-2026-0000077", prenom1: "Éloïse", nomNaissance: "Martin" },
  ];
  for (const l of lines) {
    await t.db.db.insert(requests).values({ accountId: mine, motif: "fabrication.perte", state: l.state, number: l.number, data: { step2: { prenom1: l.prenom1, nomNaissance: l.nomNaissance } } });
  }
  // Someone else's request, which no search may show.
  await createActiveAccount(t, new Browser(t.app, "192.0.2.71"), { email: "autre@example.fr" });
  await t.db.db.insert(requests).values({ accountId: await accountId("autre@example.fr"), motif: "fabrication.vol", state: "envoyee", number: "PC-2026-0000099", data: { step2: { prenom1: "Marc", nomNaissance: "Martin" } } });
});
afterAll(() => t.close());

const names = (page: Page) => page.html.querySelectorAll("#requests-table tbody tr").map((tr) => tr.querySelectorAll("td").slice(0, 2).map((td) => td.textContent.trim()).join(" "));

describe("MES DEMANDES EN COURS: « Rechercher dans la liste », on the server (works without JavaScript)", () => {
  it("is a GET form with a q field", async () => {
    const home = await b.get("/mon-espace");
    const form = home.html.querySelector(`section[aria-labelledby="mes-demandes"] form[role="search"]`)!;
    expect(form.getAttribute("method")).toBe("get");
    expect(form.querySelector("input[name=q]")).not.toBeNull();
    expect(home.text('label[for="q"]')).toBe("Rechercher dans la liste");
    // DSFR's italic placeholder would cost a phone a 60 kB font before the first paint (issue 8).
    expect(home.html.querySelectorAll("input[placeholder]")).toHaveLength(0);
    expect(names(home).sort()).toEqual(["Hugo BERNARD", "Léa MARTIN", "Éloïse MARTIN"].sort());
  });

  it.each<{ q: string; expected: string[] }>([
    { q: "PC-2026-0000042", expected: ["Hugo BERNARD"] }, // by numéro
    { q: "0000077", expected: ["Éloïse MARTIN"] }, // part of a numéro
    { q: "martin", expected: ["Léa MARTIN", "Éloïse MARTIN"] }, // by name, never another account's
    { q: "eloise", expected: ["Éloïse MARTIN"] }, // accents and case do not matter
    { q: "Brouillon", expected: ["Léa MARTIN"] }, // by state
    { q: "a completer", expected: ["Éloïse MARTIN"] },
    { q: "envoyée", expected: ["Hugo BERNARD"] },
    { q: "martin brouillon", expected: ["Léa MARTIN"] }, // every word must match
  ])("q=$q", async ({ q, expected }) => {
    const page = await b.get(`/mon-espace?q=${encodeURIComponent(q)}`);
    expect(page.status).toBe(200);
    expect(names(page).sort()).toEqual([...expected].sort());
    expect(page.html.querySelector("input[name=q]")!.getAttribute("value")).toBe(q);
    expect(page.text("#search-result")).toContain(`sur 3 correspond`);
  });

  it("says when nothing matches, with a way back to the whole list", async () => {
    const page = await b.get("/mon-espace?q=PC-2026-0000099");
    expect(page.text("#requests-table tbody")).toBe("Aucune demande ne correspond à « PC-2026-0000099 »");
    expect(page.text("#search-result")).toContain("Aucune demande ne correspond à « PC-2026-0000099 ».");
    expect(page.html.querySelector('#search-result a[href="/mon-espace#mes-demandes"]')).not.toBeNull();
  });
});

describe("the rest of the account home", () => {
  it("shows the last sign-in as JJ/MM/AAAA HH:MM in Paris time", async () => {
    await b.post("/deconnexion", {});
    clock.advance(2 * HOUR);
    const home = await signIn(b, identifier);
    expect(home.url).toBe("/mon-espace");
    // The previous sign-in was the activation, at 07:03 UTC = 09:03 in Paris.
    expect(home.text("main")).toContain("Dernière connexion : 03/07/2026 09:03");
  });

  it("lists the notifications, newest first, with their dates", async () => {
    const mine = await accountId("accueil@example.fr");
    await addNotification(t.db.db, mine, "Première notification", new Date("2026-06-20T08:00:00Z"));
    await addNotification(t.db.db, mine, "Dernière notification", new Date("2026-06-21T08:00:00Z"));
    const home = await b.get("/mon-espace");
    expect(home.text("#notifications-title")).toBe("NOTIFICATIONS");
    const items = home.html.querySelectorAll('section[aria-labelledby="notifications-title"] li').map((li) => li.textContent.replace(/\s+/g, " ").trim());
    const last = items.findIndex((i) => i.includes("Dernière notification"));
    const first = items.findIndex((i) => i.includes("Première notification"));
    expect(last).toBeGreaterThanOrEqual(0);
    expect(last).toBeLessThan(first);
    expect(items[last]).toContain("21/06/2026");
  });

  it("links MON ESPACE CONDUCTEUR to pages that exist", async () => {
    const home = await b.get("/mon-espace");
    const links = home.html.querySelectorAll('section[aria-labelledby="espace-conducteur-title"] a').map((a): [string, string] => [a.textContent.trim(), a.getAttribute("href")!]);
    const labels = links.map(([label]) => label);
    expect(labels).toEqual(expect.arrayContaining(["Demander un permis de conduire", "Savoir où faire une photo numérique pour mon permis de conduire", "Savoir où en est ma demande de permis de conduire"]));
    for (const [, href] of links) {
      if (href.startsWith("#")) {
        expect(home.html.querySelector(href)).not.toBeNull();
        continue;
      }
      const target = await b.get(href);
      expect(target.status, href).toBe(200);
    }
  });
});
