import { describe, it, expect } from "vitest";
import { geography, normalizePlaceName } from "../../src/services/geography.ts";

// The first test loads the data: keep it first so its timing is the real first load.
describe("loading", () => {
  it("loads once, lazily, and shares the instance", () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    const g = geography();
    const ms = performance.now() - start;
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(
      `geography: first load ${ms.toFixed(0)} ms, heap ${(heapBefore / 1e6).toFixed(1)} → ${(heapAfter / 1e6).toFixed(1)} MB (before GC)`,
    );
    expect(geography()).toBe(g);
  });

  it("hands out copies: callers cannot disturb the shared lists", () => {
    const first = geography().birthCommunes("01")[0];
    geography().countries().length = 0;
    geography().birthCommunes("01").reverse();
    expect(geography().countries()[0]?.code).toBe("99100");
    expect(geography().birthCommunes("01")[0]).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe("normalizePlaceName", () => {
  it.each<{ input: string; expected: string }>([
    { input: "Saint-Étienne", expected: "saint etienne" },
    { input: "ST-ETIENNE", expected: "saint etienne" },
    { input: "St. Étienne", expected: "saint etienne" },
    { input: "Ste-Foy-lès-Lyon", expected: "sainte foy les lyon" },
    { input: "L’Haÿ-les-Roses", expected: "l hay les roses" },
    { input: "  Bœrsch  ", expected: "boersch" },
    { input: "Bors (Canton de Charente-Sud)", expected: "bors canton de charente sud" },
    { input: "Stenay", expected: "stenay" },
  ])("$input → $expected", ({ input, expected }) => {
    expect(normalizePlaceName(input)).toBe(expected);
  });
});

describe("countries", () => {
  it("puts France first, then sorts by French name", () => {
    const countries = geography().countries();
    expect(countries[0]).toEqual({ code: "99100", name: "France" });
    const names = countries.slice(1).map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "fr")));
    expect(new Set(countries.map((c) => c.code)).size).toBe(countries.length);
  });

  it.each<{ code: string; name: string | undefined }>([
    { code: "99100", name: "France" },
    { code: "99350", name: "Maroc" },
    { code: "99109", name: "Allemagne" },
    { code: "99000", name: undefined },
    { code: "", name: undefined },
  ])("country($code) → $name", ({ code, name }) => {
    expect(geography().country(code)?.name).toBe(name);
  });
});

describe("départements", () => {
  it.each<{ code: string; name: string; region: string }>([
    { code: "01", name: "Ain", region: "84" },
    { code: "2A", name: "Corse-du-Sud", region: "94" },
    { code: "2B", name: "Haute-Corse", region: "94" },
    { code: "75", name: "Paris", region: "11" },
    { code: "971", name: "Guadeloupe", region: "01" },
    { code: "974", name: "La Réunion", region: "04" },
    { code: "976", name: "Mayotte", region: "06" },
    { code: "975", name: "Saint-Pierre-et-Miquelon", region: "975" },
    { code: "988", name: "Nouvelle-Calédonie", region: "988" },
  ])("$code is $name", ({ code, name, region }) => {
    expect(geography().departement(code)).toEqual({ code, name, region });
    expect(geography().departements()).toContainEqual({ code, name, region });
  });

  it("follows the official order: Corsica in place of 20, then the DROM, then the COM", () => {
    const codes = geography().departements().map((d) => d.code);
    expect(codes.slice(0, 3)).toEqual(["01", "02", "03"]);
    expect(codes.slice(codes.indexOf("19"), codes.indexOf("19") + 4)).toEqual(["19", "2A", "2B", "21"]);
    expect(codes.slice(codes.indexOf("95"))).toEqual(["95", "971", "972", "973", "974", "976", "975", "977", "978", "984", "986", "987", "988", "989"]);
  });

  it.each<{ input: string; code: string | undefined }>([
    { input: "2a", code: "2A" },
    { input: " 01 ", code: "01" },
    { input: "20", code: undefined },
    { input: "1", code: undefined },
  ])("departement($input) → $code", ({ input, code }) => {
    expect(geography().departement(input)?.code).toBe(code);
  });
});

describe("birth communes", () => {
  it.each<{ departement: string; code: string; name: string }>([
    { departement: "75", code: "75056", name: "Paris" },
    { departement: "75", code: "75107", name: "Paris 7e Arrondissement" },
    { departement: "69", code: "69381", name: "Lyon 1er Arrondissement" },
    { departement: "13", code: "13201", name: "Marseille 1er Arrondissement" },
    { departement: "01", code: "01001", name: "L'Abergement-Clémenciat" },
    { departement: "974", code: "97411", name: "Saint-Denis" },
  ])("$departement includes $name ($code)", ({ departement, code, name }) => {
    expect(geography().birthCommunes(departement)).toContainEqual(expect.objectContaining({ code, name, departement }));
  });

  it("lists only current communes, sorted by name", () => {
    const communes = geography().birthCommunes("01");
    const names = communes.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "fr")));
    expect(communes.every((c) => c.departement === "01")).toBe(true);
    expect(geography().birthCommunes("99")).toEqual([]);
  });

  it.each<{ departement: string; name: string; code: string | undefined }>([
    { departement: "42", name: "saint etienne", code: "42218" },
    { departement: "42", name: "ST-ETIENNE", code: "42218" },
    { departement: "42", name: "Saint-Étienne", code: "42218" },
    { departement: "01", name: "l'abergement clemenciat", code: "01001" },
    { departement: "01", name: "L’ABERGEMENT-CLÉMENCIAT", code: "01001" },
    { departement: "75", name: "paris", code: "75056" },
    { departement: "75", name: "paris 7e arrondissement", code: "75107" },
    { departement: "2a", name: "ajaccio", code: "2A004" },
    { departement: "42", name: "Nulle-Part-sur-Loire", code: undefined },
    { departement: "43", name: "Saint-Étienne", code: undefined },
    { departement: "42", name: "", code: undefined },
    // Two communes named Bors in Charente: the bare name is ambiguous.
    { departement: "16", name: "Bors", code: undefined },
  ])("findBirthCommune($departement, $name) → $code", ({ departement, name, code }) => {
    expect(geography().findBirthCommune(departement, name)?.code).toBe(code);
  });
});

describe("postcodes", () => {
  it.each<{ postcode: string; code: string; name: string }>([
    { postcode: "01400", code: "01001", name: "L'Abergement-Clémenciat" },
    { postcode: "75007", code: "75056", name: "Paris" },
    { postcode: "97400", code: "97411", name: "Saint-Denis" },
    { postcode: "20000", code: "2A004", name: "Ajaccio" },
  ])("$postcode serves $name ($code)", ({ postcode, code, name }) => {
    expect(geography().communesForPostcode(postcode)).toContainEqual(expect.objectContaining({ code, name }));
  });

  it.each<{ postcode: string; count: number }>([
    { postcode: "75007", count: 1 },
    { postcode: "00000", count: 0 },
    { postcode: "", count: 0 },
  ])("$postcode serves $count commune(s)", ({ postcode, count }) => {
    expect(geography().communesForPostcode(postcode)).toHaveLength(count);
  });

  it.each<{ postcode: string; name: string; code: string | undefined }>([
    { postcode: "01400", name: "l'abergement-clemenciat", code: "01001" },
    { postcode: "01400", name: "Chatillon sur Chalaronne", code: "01093" },
    { postcode: "75007", name: "PARIS", code: "75056" },
    { postcode: "42000", name: "st etienne", code: "42218" },
    { postcode: "01400", name: "Bourg-en-Bresse", code: undefined },
    { postcode: "00000", name: "Paris", code: undefined },
  ])("findCommuneByPostcode($postcode, $name) → $code", ({ postcode, name, code }) => {
    expect(geography().findCommuneByPostcode(postcode, name)?.code).toBe(code);
  });
});

describe("préfectures", () => {
  it("gives Ain its préfecture and sous-préfectures", () => {
    expect(geography().prefecturesOf("01")).toEqual([
      { id: "01053", label: "Préfecture de l'Ain - Bourg-en-Bresse", departement: "01", kind: "prefecture", commune: "01053" },
      { id: "01034", label: "Sous-préfecture de Belley", departement: "01", kind: "sous-prefecture", commune: "01034" },
      { id: "01173", label: "Sous-préfecture de Gex", departement: "01", kind: "sous-prefecture", commune: "01173" },
      { id: "01269", label: "Sous-préfecture de Nantua", departement: "01", kind: "sous-prefecture", commune: "01269" },
    ]);
  });

  it("names the Paris préfecture de police", () => {
    expect(geography().prefecturesOf("75")).toEqual([
      { id: "75056", label: "Préfecture de police de Paris", departement: "75", kind: "prefecture", commune: "75056" },
    ]);
  });

  it.each<{ departement: string; label: string }>([
    { departement: "01", label: "Préfecture de l'Ain - Bourg-en-Bresse" },
    { departement: "80", label: "Préfecture de la Somme - Amiens" },
    { departement: "13", label: "Préfecture des Bouches-du-Rhône - Marseille" },
    { departement: "59", label: "Préfecture du Nord - Lille" },
    { departement: "28", label: "Préfecture d'Eure-et-Loir - Chartres" },
    { departement: "77", label: "Préfecture de Seine-et-Marne - Melun" },
    { departement: "974", label: "Préfecture de La Réunion - Saint-Denis" },
    { departement: "976", label: "Préfecture de Mayotte - Mamoudzou" },
  ])("préfecture of $departement: $label", ({ departement, label }) => {
    const [first] = geography().prefecturesOf(departement);
    expect(first).toMatchObject({ kind: "prefecture", label });
  });

  it.each<{ id: string; label: string }>([
    { id: "13004", label: "Sous-préfecture d'Arles" },
    { id: "76351", label: "Sous-préfecture du Havre" },
    { id: "27016", label: "Sous-préfecture des Andelys" },
    { id: "72154", label: "Sous-préfecture de La Flèche" },
    { id: "94038", label: "Sous-préfecture de L'Haÿ-les-Roses" },
    { id: "67180", label: "Sous-préfecture de Haguenau" },
  ])("sous-préfecture $id: $label", ({ id, label }) => {
    expect(geography().prefecture(id)).toMatchObject({ kind: "sous-prefecture", label });
  });

  it("has one préfecture per département except the territories without a préfet, and unique ids", () => {
    const all = geography().prefectures();
    const withPrefecture = all.filter((p) => p.kind === "prefecture").map((p) => p.departement);
    const expected = geography()
      .departements()
      .map((d) => d.code)
      .filter((code) => !["984", "986", "987", "988", "989"].includes(code));
    expect(withPrefecture).toEqual(expected);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    expect(geography().prefecturesOf("988")).toEqual([]);
  });

  it("finds every préfecture back by its id", () => {
    for (const p of geography().prefectures()) expect(geography().prefecture(p.id)).toEqual(p);
    expect(geography().prefecture("00000")).toBeUndefined();
  });
});
