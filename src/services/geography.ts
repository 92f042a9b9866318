import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The official French geography the request forms need: countries (INSEE codes), départements
 * and collectivités d'outre-mer, birth communes, the postcode ↔ commune check and the
 * préfectures / sous-préfectures an applicant can be attached to.
 *
 * Sources, both versioned with the project: the `@etalab/decoupage-administratif` package
 * (INSEE's code officiel géographique with La Poste's postcodes) and src/data/insee-pays-2025.csv.
 * Everything is read once, on first use, and only the fields below are kept.
 */

/** A country or territory of birth: INSEE code ("99350") and French name ("Maroc"). */
export interface Country {
  code: string;
  name: string;
}

/** A département, or a collectivité d'outre-mer ("975"...), with its région code. */
export interface Departement {
  code: string;
  name: string;
  region: string;
}

/** A commune (or an arrondissement municipal of Paris, Lyon or Marseille). */
export interface Commune {
  code: string;
  name: string;
  departement: string;
  postcodes: string[];
}

/** A place of attachment: the préfecture of a département or one of its sous-préfectures. */
export interface Prefecture {
  /** INSEE code of the commune the office is in. */
  id: string;
  label: string;
  departement: string;
  kind: "prefecture" | "sous-prefecture";
  commune: string;
}

export interface Geography {
  /** Every country and territory, sorted by French name, France first. */
  countries(): Country[];
  country(code: string): Country | undefined;
  /** Départements and COM in the official order: 01…19, 2A, 2B, 21…95, then the DROM (971…976), then the COM (975…). */
  departements(): Departement[];
  departement(code: string): Departement | undefined;
  /**
   * Birth communes of a département: current communes plus, for Paris, Lyon and Marseille, their
   * arrondissements municipaux (e.g. "Paris 7e Arrondissement", code 75107), sorted by name.
   */
  birthCommunes(departement: string): Commune[];
  /**
   * Finds a birth commune by name in a département, ignoring case, accents, hyphens/apostrophes/spaces
   * differences, and "Saint"/"St" abbreviations ("st etienne" → Saint-Étienne, 42). Undefined if none or ambiguous.
   */
  findBirthCommune(departement: string, name: string): Commune | undefined;
  /** Current communes served by a postcode ("75007" → Paris 75056, not its arrondissement). */
  communesForPostcode(postcode: string): Commune[];
  /** The commune of `postcode` whose name matches `name` (same normalisation as above), or undefined (none or ambiguous). */
  findCommuneByPostcode(postcode: string, name: string): Commune | undefined;
  /** Préfecture (chef-lieu) then sous-préfectures (chefs-lieux of the other arrondissements) of each département, in département order. */
  prefectures(): Prefecture[];
  prefecturesOf(departement: string): Prefecture[];
  prefecture(id: string): Prefecture | undefined;
}

let instance: Geography | undefined;

/**
 * The geography, shared. Nothing is read until a form first needs it (a process that serves only
 * pages without places never loads it); it is then read and indexed once (~8 MB of heap). The
 * communes come from the compact file `npm run build` writes next to the built code (1.3 MB of
 * text, only the fields below), or else from the package's 8.6 MB JSON, parsed once.
 */
export function geography(): Geography {
  instance ??= lazyGeography(loadGeography);
  return instance;
}

/** A Geography that loads the real one on its first query. */
function lazyGeography(load: () => Geography): Geography {
  let loaded: Geography | undefined;
  const get = () => (loaded ??= load());
  return {
    countries: () => get().countries(),
    country: (code) => get().country(code),
    departements: () => get().departements(),
    departement: (code) => get().departement(code),
    birthCommunes: (departement) => get().birthCommunes(departement),
    findBirthCommune: (departement, name) => get().findBirthCommune(departement, name),
    communesForPostcode: (postcode) => get().communesForPostcode(postcode),
    findCommuneByPostcode: (postcode, name) => get().findCommuneByPostcode(postcode, name),
    prefectures: () => get().prefectures(),
    prefecturesOf: (departement) => get().prefecturesOf(departement),
    prefecture: (id) => get().prefecture(id),
  };
}

/**
 * Normalisation used for name matching: lower case, no accents or ligatures, every run of
 * other characters (hyphens, apostrophes, spaces, dots, parentheses) as one space, and the
 * abbreviations "St"/"Ste" spelt out. "St-Étienne" and "saint etienne" both give "saint etienne".
 */
export function normalizePlaceName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/\bst\b/g, "saint")
    .replace(/\bste\b/g, "sainte");
}

/** Key two names must share to match: the normalised name without any space ("Saint Etienne" = "Saint-Étienne" = "SaintEtienne"). */
function matchKey(name: string): string {
  return normalizePlaceName(name).replace(/ /g, "");
}

/* ---- Loading ---- */

/** The fields read from the package's JSON files (the rest is dropped). */
interface RawDepartement {
  code: string;
  nom: string;
  region: string;
  chefLieu: string;
  typeLiaison: number;
  zone: "metro" | "drom" | "com";
}

interface RawCommune {
  code: string;
  nom: string;
  departement: string;
  type: "commune-actuelle" | "commune-deleguee" | "commune-associee" | "arrondissement-municipal";
  typeLiaison?: number;
  codesPostaux?: string[];
}

interface RawArrondissement {
  code: string;
  departement: string;
  chefLieu: string;
}

const COUNTRIES_FILE = new URL("../data/insee-pays-2025.csv", import.meta.url);
/** Written by `npm run build` (scripts/build.ts) into dist/data: see compactCommunes. */
const COMPACT_COMMUNES_FILE = new URL("../data/communes.tsv", import.meta.url);
const FRANCE = "99100";

/**
 * Territories given no préfecture: the TAAF (the package puts their chef-lieu in
 * Saint-Pierre-et-Miquelon, 97502, which is wrong), Clipperton (uninhabited), and Wallis-et-Futuna,
 * French Polynesia and New Caledonia, where the State is represented by an administrateur
 * supérieur or a haut-commissaire, not a préfet (and driving licences are a local matter).
 */
const NO_PREFECTURE = new Set(["984", "986", "987", "988", "989"]);

/** "de " + a département's name, by its INSEE article type (TNCC), e.g. "de l'Ain", "des Bouches-du-Rhône". */
const DEPARTEMENT_OF = ["de ", "d'", "du ", "de la ", "des ", "de l'", "des ", "de las ", "de los "];

function ofDepartement(d: RawDepartement): string {
  return (DEPARTEMENT_OF[d.typeLiaison] ?? "de ") + d.nom;
}

/** "de " + a commune's name, whose article (if any) is part of the name: "du Havre", "des Andelys", "de La Flèche", "d'Arles". */
function ofCommune(name: string, typeLiaison: number | undefined): string {
  switch (typeLiaison) {
    case 1:
      return `d'${name}`;
    case 2:
      return name.startsWith("Le ") ? `du ${name.slice(3)}` : `de ${name}`;
    case 4:
      return name.startsWith("Les ") ? `des ${name.slice(4)}` : `de ${name}`;
    default:
      return `de ${name}`;
  }
}

/** Sort key giving the official order: metropolitan départements with Corsica in place of 20, then DROM, then COM. */
function departementRank(d: RawDepartement): string {
  const zone = { metro: 0, drom: 1, com: 2 }[d.zone];
  return `${zone}:${d.code.replace(/^2([AB])$/, "20$1")}`;
}

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), "utf8")) as T;
}

function readCountries(): Country[] {
  const countries: Country[] = [];
  readFileSync(COUNTRIES_FILE, "utf8")
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === "" || line.startsWith("#")) return;
      const match = /^(99\d{3});(.+)$/.exec(line.trim());
      if (!match) throw new Error(`insee-pays-2025.csv, line ${index + 1}: expected "code;libellé", got "${line}"`);
      countries.push(Object.freeze({ code: match[1]!, name: match[2]!.trim() }));
    });
  return countries;
}

function etalabDataDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@etalab/decoupage-administratif/package.json")), "data");
}

/**
 * The communes this service uses (current communes and arrondissements municipaux), one a line:
 * code, name, département, "a" for an arrondissement, INSEE article type, postcodes joined by
 * commas, tab-separated. About 1.3 MB instead of the package's 8.6 MB of JSON.
 */
export function compactCommunes(): string {
  const lines: string[] = [];
  for (const raw of readJson<RawCommune[]>(etalabDataDir(), "communes.json")) {
    if (raw.type !== "commune-actuelle" && raw.type !== "arrondissement-municipal") continue;
    const kind = raw.type === "arrondissement-municipal" ? "a" : "c";
    lines.push([raw.code, raw.nom, raw.departement, kind, raw.typeLiaison ?? "", (raw.codesPostaux ?? []).join(",")].join("\t"));
  }
  return `${lines.join("\n")}\n`;
}

function readCompactCommunes(): RawCommune[] {
  let text: string;
  try {
    text = readFileSync(COMPACT_COMMUNES_FILE, "utf8");
  } catch {
    text = compactCommunes();
  }
  const communes: RawCommune[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [code, nom, departement, kind, liaison, postcodes] = line.split("\t");
    communes.push({
      code: code!,
      nom: nom!,
      departement: departement!,
      type: kind === "a" ? "arrondissement-municipal" : "commune-actuelle",
      ...(liaison ? { typeLiaison: Number(liaison) } : {}),
      codesPostaux: postcodes ? postcodes.split(",") : [],
    });
  }
  return communes;
}

function loadGeography(): Geography {
  const dataDir = etalabDataDir();
  const collator = new Intl.Collator("fr");
  const byName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);

  const countries = readCountries().sort((a, b) => (a.code === FRANCE ? -1 : b.code === FRANCE ? 1 : byName(a, b)));

  const rawDepartements = readJson<RawDepartement[]>(dataDir, "departements.json")
    .map((d) => ({ d, rank: departementRank(d) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .map(({ d }) => d);
  const departements = rawDepartements.map((d) => Object.freeze({ code: d.code, name: d.nom, region: d.region }));

  // Current communes (served by postcodes) and arrondissements municipaux (birth places only).
  const postcodes = new Map<string, string>();
  /** The one stored copy of a postcode string (JSON.parse makes one per occurrence). */
  const intern = (p: string): string => {
    const known = postcodes.get(p);
    if (known !== undefined) return known;
    postcodes.set(p, p);
    return p;
  };
  const communes = new Map<string, Commune>();
  const liaison = new Map<string, number | undefined>();
  const birth = new Map<string, Commune[]>(departements.map((d) => [d.code, []]));
  const byPostcode = new Map<string, Commune[]>();
  for (const raw of readCompactCommunes()) {
    const codes = (raw.codesPostaux ?? []).map(intern);
    const commune: Commune = Object.freeze({
      code: raw.code,
      name: raw.nom,
      departement: raw.departement,
      postcodes: Object.freeze(codes) as string[],
    });
    birth.get(raw.departement)?.push(commune);
    if (raw.type === "arrondissement-municipal") continue;
    communes.set(raw.code, commune);
    liaison.set(raw.code, raw.typeLiaison);
    for (const p of codes) {
      const served = byPostcode.get(p);
      if (served) served.push(commune);
      else byPostcode.set(p, [commune]);
    }
  }
  for (const list of birth.values()) list.sort(byName);

  // Préfecture (chef-lieu of the département), then sous-préfectures (chefs-lieux of the other arrondissements).
  const chefsLieux = new Map<string, string[]>();
  for (const a of readJson<RawArrondissement[]>(dataDir, "arrondissements.json")) {
    const list = chefsLieux.get(a.departement);
    if (list) list.push(a.chefLieu);
    else chefsLieux.set(a.departement, [a.chefLieu]);
  }
  const prefectures: Prefecture[] = [];
  for (const d of rawDepartements) {
    const seat = communes.get(d.chefLieu);
    if (NO_PREFECTURE.has(d.code) || seat?.departement !== d.code) continue;
    // A COM that is a single commune (Saint-Barthélemy, Saint-Martin) is not named twice.
    const place = seat.name === d.nom ? "" : ` - ${seat.name}`;
    const label = d.code === "75" ? "Préfecture de police de Paris" : `Préfecture ${ofDepartement(d)}${place}`;
    prefectures.push({ id: seat.code, label, departement: d.code, kind: "prefecture", commune: seat.code });
    const sous = [...new Set(chefsLieux.get(d.code))]
      .filter((code) => code !== seat.code)
      .map((code) => communes.get(code))
      .filter((c): c is Commune => c?.departement === d.code)
      .sort(byName);
    for (const c of sous) {
      const label = `Sous-préfecture ${ofCommune(c.name, liaison.get(c.code))}`;
      prefectures.push({ id: c.code, label, departement: d.code, kind: "sous-prefecture", commune: c.code });
    }
  }
  prefectures.forEach((p) => Object.freeze(p));

  return new IndexedGeography(countries, departements, birth, byPostcode, prefectures);
}

/* ---- Queries ---- */

/** A département code as typed: "2a" → "2A", " 01 " → "01". */
function departementCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The only entry of `list` whose name has the key of `name`; undefined when none or several. */
function uniqueMatch(list: readonly Commune[], name: string): Commune | undefined {
  const key = matchKey(name);
  if (key === "") return undefined;
  const found = list.filter((c) => matchKey(c.name) === key);
  return found.length === 1 ? found[0] : undefined;
}

class IndexedGeography implements Geography {
  readonly #countries: readonly Country[];
  readonly #countryByCode: ReadonlyMap<string, Country>;
  readonly #departements: readonly Departement[];
  readonly #departementByCode: ReadonlyMap<string, Departement>;
  readonly #birth: ReadonlyMap<string, readonly Commune[]>;
  /** Per département, built on first search: match key → commune, or null when several communes share it. */
  readonly #birthKeys = new Map<string, Map<string, Commune | null>>();
  readonly #byPostcode: ReadonlyMap<string, readonly Commune[]>;
  readonly #prefectures: readonly Prefecture[];
  readonly #prefectureById: ReadonlyMap<string, Prefecture>;
  readonly #prefecturesByDepartement: ReadonlyMap<string, readonly Prefecture[]>;

  constructor(
    countries: Country[],
    departements: Departement[],
    birth: Map<string, Commune[]>,
    byPostcode: Map<string, Commune[]>,
    prefectures: Prefecture[],
  ) {
    this.#countries = countries;
    this.#countryByCode = new Map(countries.map((c) => [c.code, c]));
    this.#departements = departements;
    this.#departementByCode = new Map(departements.map((d) => [d.code, d]));
    this.#birth = birth;
    this.#byPostcode = byPostcode;
    this.#prefectures = prefectures;
    this.#prefectureById = new Map(prefectures.map((p) => [p.id, p]));
    this.#prefecturesByDepartement = new Map(
      departements.map((d) => [d.code, prefectures.filter((p) => p.departement === d.code)]),
    );
  }

  countries(): Country[] {
    return [...this.#countries];
  }

  country(code: string): Country | undefined {
    return this.#countryByCode.get(code.trim());
  }

  departements(): Departement[] {
    return [...this.#departements];
  }

  departement(code: string): Departement | undefined {
    return this.#departementByCode.get(departementCode(code));
  }

  birthCommunes(departement: string): Commune[] {
    return [...(this.#birth.get(departementCode(departement)) ?? [])];
  }

  findBirthCommune(departement: string, name: string): Commune | undefined {
    const code = departementCode(departement);
    const communes = this.#birth.get(code);
    if (!communes) return undefined;
    let keys = this.#birthKeys.get(code);
    if (!keys) {
      keys = new Map();
      for (const c of communes) {
        const key = matchKey(c.name);
        keys.set(key, keys.has(key) ? null : c);
      }
      this.#birthKeys.set(code, keys);
    }
    return keys.get(matchKey(name)) ?? undefined;
  }

  communesForPostcode(postcode: string): Commune[] {
    return [...(this.#byPostcode.get(postcode.trim()) ?? [])];
  }

  findCommuneByPostcode(postcode: string, name: string): Commune | undefined {
    return uniqueMatch(this.#byPostcode.get(postcode.trim()) ?? [], name);
  }

  prefectures(): Prefecture[] {
    return [...this.#prefectures];
  }

  prefecturesOf(departement: string): Prefecture[] {
    return [...(this.#prefecturesByDepartement.get(departementCode(departement)) ?? [])];
  }

  prefecture(id: string): Prefecture | undefined {
    return this.#prefectureById.get(id.trim());
  }
}
