import { and, asc, eq, ilike, inArray, or } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { photoProviders } from "../schema.ts";
import type { PhotoProvider } from "./photo-codes.ts";

/** Searches of the public list of approved photographers and booths ("Savoir où faire une photo numérique"). */

/** Active providers whose postcode is one of `postcodes` (the postcodes of a département, for instance). */
export async function findActiveProvidersByPostcodes(db: Executor, postcodes: readonly string[], limit: number): Promise<PhotoProvider[]> {
  if (postcodes.length === 0) return [];
  return db
    .select()
    .from(photoProviders)
    .where(and(eq(photoProviders.active, true), inArray(photoProviders.postcode, [...postcodes])))
    .orderBy(asc(photoProviders.postcode), asc(photoProviders.name))
    .limit(limit);
}

/** Active providers whose commune or name contains `text` (case-insensitive; LIKE wildcards in `text` are taken literally). */
export async function findActiveProvidersByText(db: Executor, text: string, limit: number): Promise<PhotoProvider[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(photoProviders)
    .where(and(eq(photoProviders.active, true), or(ilike(photoProviders.commune, pattern), ilike(photoProviders.name, pattern))))
    .orderBy(asc(photoProviders.postcode), asc(photoProviders.name))
    .limit(limit);
}
