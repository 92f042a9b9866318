import { PDFDocument } from "pdf-lib";
import { HttpUser, PASSWORD, STEP1_PERTE, STEP2, STEP3 } from "./http.ts";

/**
 * Complete journeys, in a process of their own: each virtual user signs in, files a request
 * through the 7 steps (a digital photo code, two uploads, a fiscal stamp) and sends it, again and
 * again until the time is up. Prints, as JSON, the journeys completed and each step's latencies
 * (a step: its POST and the page it leads to, as a browser shows it).
 */
interface VirtualUser {
  identifier: string;
  photoCodes: string[];
  stamps: string[];
}
const { base, users, seconds } = JSON.parse(process.argv[2]!) as { base: string; users: VirtualUser[]; seconds: number };

const doc = await PDFDocument.create();
for (let i = 0; i < 2; i++) doc.addPage([595, 842]).drawText(`Carte d'identité, page ${i + 1}`, { x: 50, y: 800, size: 12 });
const identite = new Blob([new Uint8Array(await doc.save())], { type: "application/pdf" });
const domicile = new Blob(
  [new Uint8Array(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"))],
  { type: "image/png" },
);

const latencies: Record<string, number[]> = {};
const errors: string[] = [];
let journeys = 0;

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  (latencies[name] ??= []).push(performance.now() - start);
  return result;
}

function expect(page: { url: string; status: number }, ending: string, what: string): void {
  if (!page.url.endsWith(ending)) throw new Error(`${what}: ${page.status} ${page.url}`);
}

async function journey(user: VirtualUser, code: string, stamp: string): Promise<void> {
  const http = new HttpUser(base);
  await timed("connexion", () => http.signIn(user.identifier, PASSWORD));
  const id = await timed("1. motif", () => http.newDraft());
  expect(await timed("1. étape 1", () => http.post(`/demandes/${id}/etape/1`, STEP1_PERTE)), "/etape/2", "step 1");
  expect(await timed("2. état civil", () => http.post(`/demandes/${id}/etape/2`, STEP2)), "/etape/3", "step 2");
  expect(await timed("3. adresse", () => http.post(`/demandes/${id}/etape/3`, STEP3)), "/etape/4", "step 3");
  expect(await timed("4. photo", () => http.post(`/demandes/${id}/etape/4`, { photoOption: "numerique", codePhoto: code, action: "suivant" })), "/etape/5", "step 4");
  expect(await timed("5. pièce 1 (PDF)", () => http.upload(id, "identite", identite, "cni.pdf")), "/etape/5", "upload 1");
  expect(await timed("5. pièce 2 (image)", () => http.upload(id, "domicile", domicile, "facture.png")), "/etape/5", "upload 2");
  expect(await timed("5. timbre", () => http.post(`/demandes/${id}/etape/5`, { numeroTimbre: stamp, action: "suivant" })), "/etape/6", "step 5");
  expect(await timed("6-7. envoi", () => http.post(`/demandes/${id}/envoyer`, { attestation: "oui" })), "/etape/7", "send");
}

const end = performance.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  users.map(async (user) => {
    while (performance.now() < end && user.photoCodes.length > 0 && user.stamps.length > 0) {
      try {
        await journey(user, user.photoCodes.pop()!, user.stamps.pop()!);
        journeys++;
      } catch (error) {
        errors.push((error as Error).message);
        if (errors.length > 20) return;
      }
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
const steps = Object.fromEntries(Object.entries(latencies).map(([name, list]) => [name, { count: list.length, p50: pct(list, 50), p99: pct(list, 99) }]));
process.stdout.write(`${JSON.stringify({ journeys, seconds: elapsed, perSecond: journeys / elapsed, steps, errors: errors.slice(0, 5) })}\n`);
