import type { Db } from "../db/client.ts";
import { countProviders, searchProviders } from "../db/repositories/photo-codes.ts";
import type { AgentRole } from "../domain/actors.ts";
import type { AgentService } from "./agents.ts";
import type { Geography } from "./geography.ts";
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

/**
 * The photo and signature of demonstration deposits: a drawn silhouette on the photo's grey
 * background (35 × 45 mm at 10 px/mm) and a scribble, so that an agent trying the image check
 * sees a photo and a signature, not a dot. Drawn once per process (sharp, from SVG: shapes only,
 * no font).
 */
const PHOTO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="350" height="450" viewBox="0 0 350 450">
  <rect width="350" height="450" fill="#d9dde3"/>
  <ellipse cx="175" cy="185" rx="78" ry="98" fill="#6b7280"/>
  <path d="M40 450 C50 330 110 300 175 300 C240 300 300 330 310 450 Z" fill="#4b5563"/>
  <path d="M20 20 L330 430 M330 20 L20 430" stroke="#ffffff" stroke-opacity="0.35" stroke-width="6"/>
</svg>`;
const SIGNATURE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150" viewBox="0 0 400 150">
  <rect width="400" height="150" fill="#ffffff"/>
  <path d="M30 100 C60 20 80 20 90 90 C100 140 120 40 150 60 C170 75 160 110 190 95 C220 80 230 40 260 70 C280 90 300 100 370 60"
        fill="none" stroke="#111827" stroke-width="5" stroke-linecap="round"/>
</svg>`;
let demoImagesMade: Promise<{ photo: Buffer; signature: Buffer }> | undefined;

export function demoImages(): Promise<{ photo: Buffer; signature: Buffer }> {
  demoImagesMade ??= (async () => {
    const { default: sharp } = await import("sharp");
    const [photo, signature] = await Promise.all([PHOTO_SVG, SIGNATURE_SVG].map((svg) => sharp(Buffer.from(svg)).png({ palette: true }).toBuffer()));
    return { photo: photo!, signature: signature! };
  })();
  return demoImagesMade;
}

export async function seedDemoProviders(db: Db, photoCodes: PhotoCodeService): Promise<void> {
  if ((await countProviders(db)) > 0) return;
  for (const provider of DEMO_PROVIDERS) await photoCodes.addProvider(provider);
}

/** A new photo code deposited by the first demonstration photographer. */
export async function demoPhotoCode(db: Db, photoCodes: PhotoCodeService): Promise<string> {
  await seedDemoProviders(db, photoCodes);
  const [provider] = await searchProviders(db, "", 1);
  if (!provider) throw new Error("no photographer");
  const { photo, signature } = await demoImages();
  const result = await photoCodes.deposit(provider, photo, signature);
  if (!result.ok) throw new Error(result.error);
  return result.code;
}

export async function demoStamp(stamps: LocalStampService, now: Date): Promise<string> {
  const [number] = await stamps.issue(1, now);
  return number!;
}

/* ------------------------------------------------------------------ agents (issue 9 §2) */

/** The demonstration services instructeurs: every préfecture is mapped to one of them (see seedDemoAgents). */
export const DEMO_SERVICES = [
  { id: "cert-nord", name: "CERT Nord" },
  { id: "cert-sud", name: "CERT Sud" },
] as const;

/** Départements 01 to 49 (Corsica excluded) go to CERT Nord; the others, Corsica and outre-mer to CERT Sud. */
export function demoServiceOf(departement: string): "cert-nord" | "cert-sud" {
  return /^\d{2}$/.test(departement) && Number(departement) < 50 ? "cert-nord" : "cert-sud";
}

/** Password of every demonstration agent (development only, published in README). */
export const DEMO_AGENT_PASSWORD = "demo-agent-permis";

export interface DemoAgent {
  email: string;
  givenName: string;
  familyName: string;
  role: AgentRole;
  serviceIds: readonly string[];
  /** Their TOTP secret (base32), already enrolled, published in README. */
  totpSecret: string;
}

/** One agent per role and service, two agents on both services, and an administrator. */
export const DEMO_AGENTS: readonly DemoAgent[] = [
  { email: "images@demo.permis.localhost", givenName: "Inès", familyName: "IMAGES", role: "images", serviceIds: ["cert-nord", "cert-sud"], totpSecret: "VIEAAUEISSZ7ZPKVVF3UBL5CTYCHHNT7" },
  { email: "instruction@demo.permis.localhost", givenName: "Ismaël", familyName: "INSTRUCTION", role: "instruction", serviceIds: ["cert-nord", "cert-sud"], totpSecret: "TN3BLN6U2363GHIM4J7LJR4AZAWMEHG7" },
  { email: "images.nord@demo.permis.localhost", givenName: "Nadia", familyName: "NORD", role: "images", serviceIds: ["cert-nord"], totpSecret: "TUGBRCJIDJVWZ7J3RH7C52GXXW3V63XL" },
  { email: "instruction.nord@demo.permis.localhost", givenName: "Noé", familyName: "NORD", role: "instruction", serviceIds: ["cert-nord"], totpSecret: "LP76PPER6PRPWYAAAHIZ4PWFKUPJZCS4" },
  { email: "images.sud@demo.permis.localhost", givenName: "Sofia", familyName: "SUD", role: "images", serviceIds: ["cert-sud"], totpSecret: "4VRLQMDUPPXNMWTYZ64YWQOU6AJRPAI2" },
  { email: "instruction.sud@demo.permis.localhost", givenName: "Samuel", familyName: "SUD", role: "instruction", serviceIds: ["cert-sud"], totpSecret: "EAUWZS2L4Z44T2FF45H6VWMX67JLG4NB" },
  { email: "admin@demo.permis.localhost", givenName: "Alice", familyName: "ADMIN", role: "admin", serviceIds: [], totpSecret: "NO56O66JYJXHDKE3IAVFZRIMV3H73IUV" },
];

/**
 * Development only: the two demonstration services (every préfecture mapped, by département) and
 * the demonstration agents with their known password and TOTP secret. Idempotent: what exists
 * is kept as it is.
 */
export async function seedDemoAgents(agents: AgentService, places: Geography): Promise<void> {
  const existing = new Set((await agents.services()).map((s) => s.id));
  for (const service of DEMO_SERVICES) {
    if (existing.has(service.id)) continue;
    await agents.createService(service);
    for (const p of places.prefectures()) if (demoServiceOf(p.departement) === service.id) await agents.mapPrefecture(p.id, service.id);
  }
  for (const demo of DEMO_AGENTS) {
    if (await agents.findByEmail(demo.email)) continue;
    const created = await agents.create({ ...demo, password: DEMO_AGENT_PASSWORD });
    if (created.ok) await agents.provisionTotp(created.agent.id, demo.totpSecret);
  }
}
