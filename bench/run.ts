import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { saveDraftData } from "../src/db/repositories/requests.ts";
import { startTestApp } from "../test/helpers/app.ts";
import { Browser } from "../test/helpers/client.ts";
import { createActiveAccount, GOOD_PASSWORD } from "../test/helpers/flows.ts";
import { STEP1_PERTE, STEP2 } from "../test/helpers/requests.ts";

/**
 * `npm run bench`: figures, not assertions. Everything runs in this one process, against the
 * same database (PGlite, or the server of DATABASE_URL), so each figure is read as a ratio to
 * its baseline measured in the same run:
 *  1. a wizard step (POST /demandes/:id/etape/2: session, CSRF, form parsing, domain
 *     validation, draft write, redirect) against a bare route doing the same database write;
 *  2. the memory of 20 simultaneous uploads of an 11 Mo PDF, against the memory at rest.
 */
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const CONCURRENCY = 8;

const t = await startTestApp({
  env: { STORAGE_DIR: `/tmp/permis-bench-${process.pid}` },
  // The bare route: the same write as a step, with none of the page machinery.
  extend: (app, services) =>
    app.post("/bench/bare/:id", async (request) => {
      const { id } = request.params as { id: string };
      await saveDraftData(services.database.db, id, { motif: { beneficiaire: "moi", pour: "majeur" }, step1: STEP1_PERTE, step2: STEP2 }, new Date());
      return { ok: true };
    }),
});
const port = 3900 + (process.pid % 100);
const base = `http://127.0.0.1:${port}`;
await t.app.listen({ port, host: "127.0.0.1" });

// A signed-in user with a draft whose step 1 is done.
const http = new Browser(t.app, "192.0.2.250");
const identifier = await createActiveAccount(t, http, { email: "bench@example.fr" });
await http.get("/connexion");
await http.post("/connexion", { identifier, password: GOOD_PASSWORD });
await http.get("/demandes/nouvelle");
const created = await http.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
const id = created.url.split("/")[2]!;
await http.post(`/demandes/${id}/etape/1`, STEP1_PERTE);
const page = await http.get(`/demandes/${id}/etape/2`);
const cookie = `permis_session=${http.cookie("permis_session")}`;
const stepBody = new URLSearchParams({ _csrf: page.csrf!, ...STEP2 }).toString();

interface Run {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
}

async function load(send: () => Promise<Response>, expected: number): Promise<Run> {
  const latencies: number[] = [];
  const end = performance.now() + DURATION_MS;
  const worker = async () => {
    while (performance.now() < end) {
      const start = performance.now();
      const res = await send();
      await res.arrayBuffer();
      if (res.status !== expected) throw new Error(`unexpected status ${res.status}`);
      latencies.push(performance.now() - start);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: pct(50), p99: pct(99) };
}

const step = () =>
  fetch(`${base}/demandes/${id}/etape/2`, { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: stepBody });
const bare = () => fetch(`${base}/bench/bare/${id}`, { method: "POST" });

await load(bare, 200); // warm-up
await load(step, 303);
const bareRun = await load(bare, 200);
const stepRun = await load(step, 303);

/* ---- 20 simultaneous uploads of an 11 Mo PDF ---- */

async function bigPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage([595, 842]).drawText("Justificatif de domicile", { x: 50, y: 800, size: 12 });
  // An uncompressed, incompressible stream brings the file just under 11 Mo.
  doc.context.register(doc.context.stream(randomBytes(11 * 1024 * 1024 - 64 * 1024)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
const file = await bigPdf();
const filePath = join(tmpdir(), `permis-bench-${process.pid}.pdf`);
writeFileSync(filePath, file);
const drafts: string[] = [];
for (let i = 0; i < 20; i++) {
  await http.get("/demandes/nouvelle");
  const d = await http.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
  drafts.push(d.url.split("/")[2]!);
}
const token = (await http.get(`/demandes/${drafts[0]}/etape/1`)).csrf!;
// The uploads come from another process: only the service's memory is measured here.
const uploadAll = () =>
  new Promise<number[]>((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "bench/upload-client.ts", filePath, base, cookie, token, ...drafts], (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as number[]),
    );
  });
global.gc?.();
const rest = process.memoryUsage();
let peak = rest.rss;
let peakHeap = rest.heapUsed + rest.external;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
}, 5);
const started = performance.now();
const statuses = await uploadAll();
const uploadSeconds = (performance.now() - started) / 1000;
clearInterval(sampler);

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} Mo`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
console.log(`\nPermis de conduire — benchmark (${t.db.kind}, ${CONCURRENCY} concurrent clients, ${DURATION_MS / 1000} s per run)\n`);
console.log("1. Wizard step POST vs bare route doing the same database write");
console.table({
  "bare route (baseline)": { "req/s": bareRun.perSecond.toFixed(0), p50: ms(bareRun.p50), p99: ms(bareRun.p99), requests: bareRun.requests },
  "step 2 POST": { "req/s": stepRun.perSecond.toFixed(0), p50: ms(stepRun.p50), p99: ms(stepRun.p99), requests: stepRun.requests },
});
console.log(`   throughput ratio step/bare: ${(stepRun.perSecond / bareRun.perSecond).toFixed(2)} — p99 ratio step/bare: ${(stepRun.p99 / bareRun.p99).toFixed(2)}\n`);
console.log(`2. 20 simultaneous uploads of a ${mb(file.length)} PDF (statuses: ${[...new Set(statuses)].join(", ")}, ${uploadSeconds.toFixed(1)} s)`);
console.table({
  "at rest (baseline)": { rss: mb(rest.rss), "heap+external": mb(rest.heapUsed + rest.external) },
  "peak during uploads": { rss: mb(peak), "heap+external": mb(peakHeap) },
});
console.log(`   peak rss growth: ${mb(peak - rest.rss)} for ${mb(file.length * 20)} uploaded (ratio ${((peak - rest.rss) / (file.length * 20)).toFixed(2)})\n`);

await t.close();
process.exit(0);
