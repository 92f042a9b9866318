import type { Executor } from "../db/client.ts";
import { searchProviders, type PhotoProvider } from "../db/repositories/photo-codes.ts";
import { findActiveProvidersByPostcodes, findActiveProvidersByText } from "../db/repositories/photographers.ts";
import { normalizePlaceName, type Commune, type Geography } from "./geography.ts";

/**
 * "Savoir où faire une photo numérique" (seed 001): the approved photographers and booths near
 * a postcode or a commune — those of the commune first, then those of its département, then
 * any other whose name or commune contains what was typed.
 */
export type Proximity = "commune" | "departement" | "autre";

export interface ProviderMatch {
  provider: PhotoProvider;
  proximity: Proximity;
}

export interface PhotographerSearch {
  /** The communes the query designates (several for a postcode shared by communes, or a name used in several départements). */
  communes: Array<{ name: string; departement: string; departementName: string }>;
  results: ProviderMatch[];
}

const MAX_RESULTS = 50;
const POSTCODE = /^\d{5}$/;
const RANK: Record<Proximity, number> = { commune: 0, departement: 1, autre: 2 };

const key = (name: string) => normalizePlaceName(name).replace(/ /g, "");

/** Communes of every département by normalised name, built once per geography (about 35 000 names). */
const nameIndexes = new WeakMap<Geography, Map<string, Commune[]>>();
function communesNamed(geo: Geography, name: string): Commune[] {
  let index = nameIndexes.get(geo);
  if (!index) {
    index = new Map();
    for (const d of geo.departements()) {
      for (const c of geo.birthCommunes(d.code)) {
        const k = key(c.name);
        const list = index.get(k);
        if (list) list.push(c);
        else index.set(k, [c]);
      }
    }
    nameIndexes.set(geo, index);
  }
  return index.get(key(name)) ?? [];
}

/** The communes a query designates: a 5-digit postcode, or a commune's name (any spelling of hyphens, accents, "St"). */
export function placesOf(geo: Geography, query: string): Commune[] {
  const q = query.trim();
  if (q === "") return [];
  if (POSTCODE.test(q)) return geo.communesForPostcode(q);
  if (/^\d+$/.test(q)) return [];
  return communesNamed(geo, q);
}

/** Where a provider is: its commune (by postcode and name) and département. */
function placeOf(geo: Geography, p: PhotoProvider): { communeKey: string; departement: string | undefined } {
  const commune = geo.findCommuneByPostcode(p.postcode, p.commune) ?? geo.communesForPostcode(p.postcode)[0];
  return { communeKey: key(p.commune), departement: commune?.departement };
}

export async function searchPhotographers(db: Executor, geo: Geography, query: string): Promise<PhotographerSearch> {
  const q = query.trim();
  const communes = placesOf(geo, q);
  const departements = [...new Set(communes.map((c) => c.departement))];
  // Arrondissements ("Paris 7e Arrondissement") count as their city for the providers, who give the city's name.
  const communeKeys = new Set(communes.flatMap((c) => [key(c.name), key(c.name.replace(/\s+\d+(er|e)\s+arrondissement$/i, ""))]));

  const found = new Map<string, PhotoProvider>();
  const add = (rows: PhotoProvider[]) => rows.forEach((r) => found.set(r.id, r));
  if (departements.length > 0) {
    const postcodes = new Set(departements.flatMap((d) => geo.birthCommunes(d).flatMap((c) => c.postcodes)));
    add(await findActiveProvidersByPostcodes(db, [...postcodes], MAX_RESULTS));
  }
  if (q === "" || !POSTCODE.test(q)) {
    if (/^\d+$/.test(q)) add(await findActiveProvidersByPostcodePrefix(db, q));
    else add(await findActiveProvidersByText(db, q, MAX_RESULTS));
  }

  const results = [...found.values()]
    .map((provider): ProviderMatch => {
      if (departements.length === 0) return { provider, proximity: "autre" };
      const place = placeOf(geo, provider);
      const sameDepartement = place.departement !== undefined && departements.includes(place.departement);
      return { provider, proximity: sameDepartement && communeKeys.has(place.communeKey) ? "commune" : sameDepartement ? "departement" : "autre" };
    })
    .sort((a, b) => RANK[a.proximity] - RANK[b.proximity] || a.provider.postcode.localeCompare(b.provider.postcode) || a.provider.name.localeCompare(b.provider.name, "fr"))
    .slice(0, MAX_RESULTS);

  return {
    communes: communes.map((c) => ({ name: c.name, departement: c.departement, departementName: geo.departement(c.departement)?.name ?? c.departement })),
    results,
  };
}

/** The beginning of a postcode ("75", "690"): every provider whose postcode starts with it. */
function findActiveProvidersByPostcodePrefix(db: Executor, prefix: string): Promise<PhotoProvider[]> {
  return searchProviders(db, prefix, MAX_RESULTS);
}
