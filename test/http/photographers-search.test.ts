import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";

/**
 * Seed 001, "Savoir où faire une photo numérique pour mon permis de conduire": the approved
 * photographers and booths of the commune first, then those of its département.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const providers = [
    { name: "Studio Bellecour", kind: "photographe", address: "2 place Bellecour", postcode: "69002", commune: "Lyon" },
    { name: "Cabine Gratte-Ciel", kind: "cabine", address: "Avenue Henri-Barbusse", postcode: "69100", commune: "Villeurbanne" },
    { name: "Atelier Caluire", kind: "photographe", address: "1 place Foch", postcode: "69300", commune: "Caluire-et-Cuire" },
    { name: "Studio Saint-Étienne", kind: "photographe", address: "3 place Jean-Jaurès", postcode: "42000", commune: "Saint-Étienne" },
    { name: "Photo République", kind: "photographe", address: "12 place de la République", postcode: "75003", commune: "Paris" },
  ] as const;
  for (const p of providers) await t.services.photoCodes.addProvider(p);
});
afterAll(() => t.close());

async function results(query: string) {
  const page = await new Browser(t.app).get(`/photographes?q=${encodeURIComponent(query)}`);
  expect(page.status).toBe(200);
  return page.html.querySelectorAll("#photographers-table tbody tr").map((tr) => ({
    name: tr.querySelector("td")!.textContent.trim(),
    proximity: tr.getAttribute("data-proximity"),
  }));
}

describe("photographers near a postcode or a commune", () => {
  it.each<{ query: string; expected: Array<[string, string]> }>([
    {
      query: "69100",
      expected: [
        ["Cabine Gratte-Ciel", "commune"],
        ["Studio Bellecour", "departement"],
        ["Atelier Caluire", "departement"],
      ],
    },
    {
      query: "villeurbanne",
      expected: [
        ["Cabine Gratte-Ciel", "commune"],
        ["Studio Bellecour", "departement"],
        ["Atelier Caluire", "departement"],
      ],
    },
    {
      query: "Caluire et Cuire",
      expected: [
        ["Atelier Caluire", "commune"],
        ["Studio Bellecour", "departement"],
        ["Cabine Gratte-Ciel", "departement"],
      ],
    },
    // "St Etienne" is Saint-Étienne, whatever the spelling.
    { query: "st etienne", expected: [["Studio Saint-Étienne", "commune"]] },
    // A commune without a provider: those of its département come first.
    {
      query: "69500",
      expected: [
        ["Studio Bellecour", "departement"],
        ["Cabine Gratte-Ciel", "departement"],
        ["Atelier Caluire", "departement"],
      ],
    },
  ])("« $query »: the commune, then the département", async ({ query, expected }) => {
    expect((await results(query)).map((r) => [r.name, r.proximity])).toEqual(expected);
  });

  it("says so when the commune has none, and still finds by the beginning of a postcode", async () => {
    const page = await new Browser(t.app).get("/photographes?q=69500");
    expect(page.text("main")).toContain("Aucun photographe ni cabine agréés dans la commune : voici ceux du département.");
    expect(page.text("#photographers-table caption")).toContain("puis le département Rhône (69)");
    // The count is shown as a heading (the caption, for assistive technologies, is not moved by the DSFR's script on a phone).
    expect(page.text("h2#photographers-results")).toBe(page.text("#photographers-table caption"));
    expect(page.html.querySelector("#photographers-table")!.classList.contains("fr-table--no-caption")).toBe(true);
    expect(page.html.querySelectorAll("input[placeholder]")).toHaveLength(0);
    expect((await results("750")).map((r) => r.name)).toEqual(["Photo République"]);
  });

  it("answers a query that designates no place, and one that matches nothing", async () => {
    const none = await new Browser(t.app).get("/photographes?q=Trifouilly-les-Oies");
    expect(none.status).toBe(200);
    expect(none.text("main")).toContain("Aucun photographe ni cabine agréés ne correspond à « Trifouilly-les-Oies »");
    // LIKE wildcards are taken literally.
    expect(await results("%")).toEqual([]);
  });
});
