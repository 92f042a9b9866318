import type { Db } from "../db/client.ts";
import { countProviders, searchProviders } from "../db/repositories/photo-codes.ts";
import type { PhotoCodeService } from "./photo-codes.ts";
import type { LocalStampService } from "./stamps.ts";

/**
 * Demonstration data for development only (never in production): a few fictitious approved
 * photographers, a photo code and fiscal stamps, so that every journey can be tried locally.
 */
export const DEMO_PROVIDERS = [
  { name: "Studio Photo République (démonstration)", kind: "photographe", address: "12 place de la République", postcode: "75003", commune: "Paris" },
  { name: "Cabine photo Gare de Lyon (démonstration)", kind: "cabine", address: "Place Louis-Armand", postcode: "75012", commune: "Paris" },
  { name: "Photo Bellecour (démonstration)", kind: "photographe", address: "3 rue de la Barre", postcode: "69002", commune: "Lyon" },
  { name: "Cabine photo Vieux-Port (démonstration)", kind: "cabine", address: "Quai des Belges", postcode: "13001", commune: "Marseille" },
  { name: "Studio Capitole (démonstration)", kind: "photographe", address: "8 rue Lafayette", postcode: "31000", commune: "Toulouse" },
  { name: "Photo Mende Centre (démonstration)", kind: "photographe", address: "5 rue Basse", postcode: "48000", commune: "Mende" },
] as const;

/** A 1×1 PNG standing for a photo or a signature in demonstration deposits. */
const DEMO_IMAGE = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

export async function seedDemoProviders(db: Db, photoCodes: PhotoCodeService): Promise<void> {
  if ((await countProviders(db)) > 0) return;
  for (const provider of DEMO_PROVIDERS) await photoCodes.addProvider(provider);
}

/** A new photo code deposited by the first demonstration photographer. */
export async function demoPhotoCode(db: Db, photoCodes: PhotoCodeService): Promise<string> {
  await seedDemoProviders(db, photoCodes);
  const [provider] = await searchProviders(db, "", 1);
  if (!provider) throw new Error("no photographer");
  const result = await photoCodes.deposit(provider, DEMO_IMAGE, DEMO_IMAGE);
  if (!result.ok) throw new Error(result.error);
  return result.code;
}

export async function demoStamp(stamps: LocalStampService, now: Date): Promise<string> {
  const [number] = await stamps.issue(1, now);
  return number!;
}
