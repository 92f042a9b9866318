import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem, userInfo } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PDFDocument } from "pdf-lib";
import pg from "pg";
import { HttpUser, PASSWORD, STEP1_PERTE, STEP2, STEP3 } from "./http.ts";
import { productionCommand } from "./production.ts";

/**
 * `npm run bench` (after `npm run build`): figures, not assertions. Three kinds of process:
 *  - the service, as production runs it: dist/ (no TypeScript at run time) in bench/server.mjs,
 *    with a few routes of its own (the bare write, seeding), on PostgreSQL (DATABASE_URL: a
 *    database of its own is created on that server, then dropped) or else PGlite;
 *  - the load: autocannon 9 in a child process (bench/load.mjs), journeys in another (bench/journeys.ts);
 *  - this one, which drives them and reads the service's memory from /proc.
 * Each figure is printed as a ratio to a ceiling measured in the same run, next to its target.
 *
 *   BENCH_SECONDS (5) per run · BENCH_PAIR_ROUNDS (3): the dashboard and /sante, the step and the bare write, measured
 *   in turn that many times, the median ratio kept (drift between runs cancels) · BENCH_USERS (8) virtual users of the journeys · BENCH_JOURNEY_SECONDS (15)
 *   BENCH_ROWS (1,000,000 on PostgreSQL, 100,000 on PGlite) · BENCH_CPU_PROF=1: the service writes a
 *   CPU profile into bench/profiles/ (`--cpu-prof`) when it stops · BENCH_ONLY=uploads: only the memory of the
 *   uploads (and the rest figures), or BENCH_ONLY=pages,uploads,journeys,volume,backoffice (any of them) ·
 *   BENCH_BACKOFFICE_RUNS (200) calls of each back-office query (issue 9), on the LARGE requests ·
 *   BENCH_NODE_FLAGS: more Node flags for the service (experiments) · BENCH_MMAP_THRESHOLD (65536, as
 *   `npm run start:prod`): glibc's MALLOC_MMAP_THRESHOLD_ for the service. The service's other flags and
 *   environment are those of `npm run start:prod`, read from package.json (bench/production.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PAIR_ROUNDS = Math.max(1, Number(process.env.BENCH_PAIR_ROUNDS ?? 3));
const USERS = Number(process.env.BENCH_USERS ?? 8);
const JOURNEY_SECONDS = Number(process.env.BENCH_JOURNEY_SECONDS ?? 15);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 50); // five drafts per user (the quota of open drafts)
const SERVER_URL = process.env.DATABASE_URL;
const LARGE = Number(process.env.BENCH_ROWS ?? (SERVER_URL ? 1_000_000 : 100_000));
const SMALL = 1_000;
const ONLY = new Set((process.env.BENCH_ONLY ?? "pages,uploads,journeys,volume,backoffice").split(",").map((s) => s.trim()));
const runs = (part: "pages" | "uploads" | "journeys" | "volume" | "backoffice") => ONLY.has(part);
const BACKOFFICE_RUNS = Number(process.env.BENCH_BACKOFFICE_RUNS ?? 200);
const port = 3800 + (process.pid % 100);
const base = `http://127.0.0.1:${port}`;
const work = mkdtempSync(join(tmpdir(), "permis-bench-"));

/* ---- the database and the service ---- */

let databaseUrl: string | undefined;
let admin: pg.Client | undefined;
const benchDb = `permis_bench_${process.pid}`;
if (SERVER_URL) {
  const url = new URL(SERVER_URL);
  if (!url.username) url.username = process.env.PGUSER || userInfo().username;
  admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${benchDb}`);
  url.pathname = `/${benchDb}`;
  databaseUrl = url.toString();
}

const bareData = { motif: { beneficiaire: "moi", pour: "majeur" }, step1: STEP1_PERTE, step2: STEP2 };
const profile = process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", "--cpu-prof-dir", "bench/profiles"] : [];
// The flags and environment of `npm run start:prod` (see docs/PERFORMANCE.md, "Memory").
const production = productionCommand();
const server: ChildProcess = spawn(process.execPath, [...production.flags, ...(process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean), ...profile, "bench/server.mjs"], {
  env: {
    ...process.env,
    ...production.env,
    ...(process.env.BENCH_MMAP_THRESHOLD ? { MALLOC_MMAP_THRESHOLD_: process.env.BENCH_MMAP_THRESHOLD } : {}),
    NODE_ENV: "development",
    PORT: String(port),
    LOG_LEVEL: "silent",
    STORAGE_DIR: join(work, "storage"),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: "", DATA_DIR: join(work, "pglite") }),
    BENCH_BARE_DATA: JSON.stringify(bareData),
  },
  stdio: ["ignore", "pipe", "inherit"],
});
// The driver failing must not leave the service running.
process.on("exit", () => server.kill("SIGTERM"));
const ready = await new Promise<{ pid: number; database: string }>((resolve, reject) => {
  server.once("exit", (code) => reject(new Error(`the service stopped (${code})`)));
  createInterface({ input: server.stdout! }).once("line", (line) => resolve(JSON.parse(line) as { pid: number; database: string }));
});

/** The service's resident memory, from the kernel (what a container limit counts). */
function rss(): number {
  const status = readFileSync(`/proc/${ready.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
const peakDuring = async <T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> => {
  peak = rss();
  const result = await work();
  return { result, peak: Math.max(peak, rss()) };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * "At rest" after work: the service gives memory back once its event loop has been quiet for 2 s
 * (src/services/memory.ts, sampled every second), so a figure at rest is read 4 s after the work.
 */
const REST_MS = 4000;

await sleep(3000);
const restFresh = rss();

/** The service's own breakdown (process.memoryUsage(), no forced GC), at a few moments of the run. */
const breakdowns: Record<string, Record<string, number>> = {};
async function breakdown(moment: string): Promise<void> {
  const res = await fetch(`${base}/bench/memory`).catch(() => undefined);
  if (res?.ok) breakdowns[moment] = (await res.json()) as Record<string, number>;
}
await breakdown("au repos (démarré)");

async function benchPost<T>(path: string, body: unknown): Promise<T> {
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  // A kept-alive connection the service closed while idle: sent again (nothing was processed).
  const res = await fetch(`${base}${path}`, init).catch(() => fetch(`${base}${path}`, init));
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function child(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
}

interface Run {
  perSecond: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
}
/** What a browser sends besides its cookie: the page comes back compressed (brotli at quality 1, src/web/static.ts). */
const BROWSER_ENCODINGS = "gzip, deflate, br, zstd";

/** autocannon, in its own process. */
async function load(path: string, connections: number, options: { method?: string; cookie?: string; body?: string; seconds?: number; acceptEncoding?: string } = {}): Promise<Run> {
  const config = {
    url: `${base}${path}`,
    connections,
    duration: options.seconds ?? SECONDS,
    method: options.method ?? "GET",
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      ...(options.acceptEncoding ? { "accept-encoding": options.acceptEncoding } : {}),
    },
    ...(options.body ? { body: options.body } : {}),
  };
  return JSON.parse(await child(["bench/load.mjs", JSON.stringify(config)])) as Run;
}

/* ---- users and their drafts ---- */

const seed = await benchPost<{ identifiers: string[]; photoCodes: string[]; stamps: string[] }>("/bench/seed", {
  users: 2 + UPLOADS / 5 + USERS,
  codes: USERS * 20,
  stamps: USERS * 20,
  password: PASSWORD,
});
const [dashboardUser, stepUser, ...others] = seed.identifiers;
const uploadUsers = others.slice(0, UPLOADS / 5);
const journeyUsers = others.slice(UPLOADS / 5).map((identifier, i) => ({
  identifier,
  photoCodes: seed.photoCodes.slice(i * 20, (i + 1) * 20),
  stamps: seed.stamps.slice(i * 20, (i + 1) * 20),
}));
/** Other people's requests, up to `total`, 100,000 per call. */
async function fill(total: number): Promise<{ requests: number }> {
  for (;;) {
    const done = await benchPost<{ requests: number }>("/bench/fill", { total });
    if (done.requests >= total) return done;
  }
}
const filled = await fill(SMALL);

// The dashboard's user has three drafts with their état civil (names in the list).
const reader = new HttpUser(base);
await reader.signIn(dashboardUser!, PASSWORD);
for (let i = 0; i < 3; i++) {
  const id = await reader.newDraft(STEP1_PERTE);
  await reader.post(`/demandes/${id}/etape/2`, STEP2);
}
const dashboardCookie = reader.cookieHeader();
const dashboardPage = await reader.get("/mon-espace");
if (dashboardPage.status !== 200 || !dashboardPage.body.includes("DUPONT")) throw new Error("the dashboard does not show the drafts");

// The step's user: a draft whose step 1 is done; step 2 is posted again and again.
const writer = new HttpUser(base);
await writer.signIn(stepUser!, PASSWORD);
const stepDraft = await writer.newDraft(STEP1_PERTE);
await writer.get(`/demandes/${stepDraft}/etape/2`);
const stepCookie = writer.cookieHeader();
const stepBody = new URLSearchParams({ _csrf: writer.csrf!, ...STEP2 }).toString();

/* ---- 1. dashboard vs /sante, step vs bare write, with 1,000 requests in the database ---- */

interface Figures {
  rows: number;
  sante: Run;
  dashboard: Run;
  /** The same page as a browser asks for it (Accept-Encoding): compressed. */
  dashboardCompressed: Run;
  bare: Run;
  step: Run;
  /** The ratios of the PAIR_ROUNDS rounds (the figures above are those of the median round). */
  dashboardRatios: number[];
  stepRatios: number[];
  peak: number;
}
async function pageFigures(rows: number): Promise<Figures> {
  // Warm-up (JIT, pools, caches), not counted.
  await load("/sante", 32, { seconds: 1 });
  await load("/mon-espace", 32, { cookie: dashboardCookie, seconds: 1 });
  await load(`/demandes/${stepDraft}/etape/2`, 8, { method: "POST", cookie: stepCookie, body: stepBody, seconds: 1 });
  const { result, peak } = await peakDuring(async () => {
    const dashboard = await paired(
      () => load("/mon-espace", 32, { cookie: dashboardCookie }),
      () => load("/sante", 32),
    );
    const dashboardCompressed = await load("/mon-espace", 32, { cookie: dashboardCookie, acceptEncoding: BROWSER_ENCODINGS });
    const step = await paired(
      () => load(`/demandes/${stepDraft}/etape/2`, 8, { method: "POST", cookie: stepCookie, body: stepBody }),
      () => load(`/bench/bare/${stepDraft}`, 8, { method: "POST" }),
    );
    return {
      sante: dashboard.ceiling,
      dashboard: dashboard.figure,
      dashboardRatios: dashboard.ratios,
      dashboardCompressed,
      bare: step.ceiling,
      step: step.figure,
      stepRatios: step.ratios,
    };
  });
  return { rows, ...result, peak };
}

/**
 * A figure and its ceiling measured in turn, PAIR_ROUNDS times: the round whose ratio is the
 * median. On a shared 2-core host the same route's throughput drifts by a third from one
 * minute to the next; pairs taken seconds apart, and their median, cancel most of the drift.
 */
async function paired(figure: () => Promise<Run>, ceiling: () => Promise<Run>): Promise<{ figure: Run; ceiling: Run; ratios: number[] }> {
  const rounds: Array<{ figure: Run; ceiling: Run; ratio: number }> = [];
  for (let i = 0; i < PAIR_ROUNDS; i++) {
    const c = await ceiling();
    const f = await figure();
    rounds.push({ figure: f, ceiling: c, ratio: f.perSecond / c.perSecond });
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  return { figure: median.figure, ceiling: median.ceiling, ratios: rounds.map((r) => r.ratio) };
}
const small = runs("pages") ? await pageFigures(filled.requests) : undefined;

/* ---- 2. memory: 50 simultaneous uploads of an 11 Mo PDF ---- */

async function bigPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage([595, 842]).drawText("Justificatif de domicile", { x: 50, y: 800, size: 12 });
  // An uncompressed, incompressible stream brings the file just under 11 Mo.
  doc.context.register(doc.context.stream(randomBytes(11 * 1024 * 1024 - 64 * 1024)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}
const file = runs("uploads") ? await bigPdf() : Buffer.alloc(0);
const filePath = join(work, "justificatif.pdf");
writeFileSync(filePath, file);
const targets: Array<{ cookie: string; token: string; draft: string }> = [];
const uploaders: Array<{ user: HttpUser; draft: string }> = [];
for (const identifier of runs("uploads") ? uploadUsers : []) {
  const user = new HttpUser(base);
  await user.signIn(identifier, PASSWORD);
  for (let i = 0; i < 5; i++) {
    const draft = await user.newDraft(STEP1_PERTE);
    await user.post(`/demandes/${draft}/etape/2`, STEP2);
    await user.post(`/demandes/${draft}/etape/3`, STEP3);
    const five = await user.post(`/demandes/${draft}/etape/4`, { photoOption: "classique", action: "suivant" });
    if (!five.url.endsWith("/etape/5")) throw new Error(`upload draft not at step 5 (${five.url})`);
    targets.push({ cookie: user.cookieHeader(), token: user.csrf!, draft });
    uploaders.push({ user, draft });
  }
}
await sleep(REST_MS);
const restBeforeUploads = rss();
await breakdown("avant les envois");
const uploadStarted = performance.now();
const uploads = runs("uploads")
  ? await peakDuring(async () => JSON.parse(await child(["--import", "tsx", "bench/upload-client.ts", filePath, base, JSON.stringify(targets)])) as string[])
  : undefined;
const uploadSeconds = (performance.now() - uploadStarted) / 1000;
if (uploads) await breakdown("juste après les envois");
let stored = 0;
for (const { user, draft } of uploaders) if ((await user.get(`/demandes/${draft}/etape/5`)).body.includes("facture.pdf")) stored++;

/* ---- 3. complete journeys ---- */

const journeys = !runs("journeys")
  ? undefined
  : await peakDuring(
  async () =>
    JSON.parse(await child(["--import", "tsx", "bench/journeys.ts", JSON.stringify({ base, users: journeyUsers, seconds: JOURNEY_SECONDS })])) as {
      journeys: number;
      perSecond: number;
      seconds: number;
      steps: Record<string, { count: number; p50: number; p99: number }>;
      errors: string[];
    },
);

/* ---- 4. the same pages with LARGE requests in the database ---- */

const fillStarted = performance.now();
const grown = runs("volume") || runs("backoffice") ? await fill(LARGE) : filled;
if (databaseUrl && (runs("volume") || runs("backoffice"))) {
  // Vacuumed now, so that autovacuum (woken by a million inserted rows) does not share the cores with the measures.
  const direct = new pg.Client({ connectionString: databaseUrl });
  await direct.connect();
  await direct.query("VACUUM ANALYZE requests, accounts");
  await direct.end();
}
const fillSeconds = (performance.now() - fillStarted) / 1000;
const large = runs("volume") ? await pageFigures(grown.requests) : undefined;

/* ---- 5. the back-office's queries with LARGE requests (issue 9) ---- */

interface BackofficeFigures {
  requests: number;
  sent: number;
  services: number;
  results: Record<string, { runs: number; rowsPerCall: number; p50: number; p95: number; max: number; plan: string[] }>;
}
const backoffice = runs("backoffice") ? await benchPost<BackofficeFigures>("/bench/backoffice", { runs: BACKOFFICE_RUNS }) : undefined;
await sleep(REST_MS);
const restAfter = rss();
await breakdown("au repos après tout");

clearInterval(sampler);
server.kill("SIGTERM");
await new Promise((resolve) => server.once("exit", resolve));
if (admin) {
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
  await admin.end();
}
rmSync(work, { recursive: true, force: true });

/* ---- report ---- */

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} Mo`;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const ok = (pass: boolean) => (pass ? "atteint" : "NON atteint");
const line = (r: Run) => ({ "req/s": r.perSecond.toFixed(0), p50: ms(r.p50), p99: ms(r.p99), statuts: Object.entries(r.statuses).map(([k, v]) => `${k}×${v}`).join(" ") });
const dashRatio = (f: Figures) => f.dashboard.perSecond / f.sante.perSecond;
const stepRatio = (f: Figures) => f.step.perSecond / f.bare.perSecond;

console.log(`\nPermis de conduire — benchmark: ${ready.database}, ${cpus().length} cœurs (${cpus()[0]?.model ?? "?"}), ${mb(totalmem())} de mémoire, Node ${process.version}, ${SECONDS} s par mesure, le service en dist/ (JavaScript construit)\n`);
if (small) {
  console.log(`1. Pages, ${small.rows.toLocaleString("fr-FR")} demandes en base (autocannon, processus séparé)`);
  console.table({
    "GET /sante (plafond, 32 connexions)": line(small.sante),
    "GET /mon-espace (32 connexions)": line(small.dashboard),
    "GET /mon-espace compressée (brotli, comme pour un navigateur)": line(small.dashboardCompressed),
    "POST écriture nue (plafond, 8 clients)": line(small.bare),
    "POST étape 2 (8 clients)": line(small.step),
  });
  const rounds = (ratios: number[]) => (ratios.length > 1 ? ` [médiane de ${ratios.length} manches alternées : ${ratios.map((r) => r.toFixed(2)).join(", ")}]` : "");
  console.log(`   tableau de bord / sante : ${dashRatio(small).toFixed(2)}${rounds(small.dashboardRatios)} (objectif ≥ 0,3 : ${ok(dashRatio(small) >= 0.3)}), p99 ${ms(small.dashboard.p99)} (objectif ≤ 20 ms : ${ok(small.dashboard.p99 <= 20)}); compressée : ${(small.dashboardCompressed.perSecond / small.sante.perSecond).toFixed(2)}, p99 ${ms(small.dashboardCompressed.p99)}`);
  console.log(`   étape / écriture nue : ${stepRatio(small).toFixed(2)}${rounds(small.stepRatios)} (objectif ≥ 0,5 : ${ok(stepRatio(small) >= 0.5)}), p99 ${ms(small.step.p99)} (objectif ≤ 50 ms : ${ok(small.step.p99 <= 50)})\n`);
}

console.log("2. Mémoire du service (RSS, /proc)");
console.table({
  "au repos (démarré, rien servi)": { rss: mb(restFresh), objectif: "≤ 200 Mo", résultat: ok(restFresh <= 200 * 1024 * 1024) },
  ...(small ? { "pic sous la charge des pages (1)": { rss: mb(small.peak), objectif: "≤ 300 Mo", résultat: ok(small.peak <= 300 * 1024 * 1024) } } : {}),
  ...(uploads
    ? {
        [`avant ${UPLOADS} envois`]: { rss: mb(restBeforeUploads), objectif: "", résultat: "" },
        [`pic pendant ${UPLOADS} envois de ${(file.length / 1e6).toFixed(1)} Mo`]: { rss: mb(uploads.peak), objectif: "≤ 256 Mo", résultat: ok(uploads.peak <= 256 * 1024 * 1024) },
      }
    : {}),
  ...(journeys ? { "pic pendant les parcours (3)": { rss: mb(journeys.peak), objectif: "", résultat: "" } } : {}),
  ...(large ? { [`pic sous la charge des pages, ${large.rows.toLocaleString("fr-FR")} demandes (4)`]: { rss: mb(large.peak), objectif: "", résultat: "" } } : {}),
  "au repos après tout": { rss: mb(restAfter), objectif: "≤ 200 Mo", résultat: ok(restAfter <= 200 * 1024 * 1024) },
});
console.table(Object.fromEntries(Object.entries(breakdowns).map(([moment, m]) => [moment, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, mb(v)]))])));
if (uploads) {
  console.log(`   envois : ${stored}/${UPLOADS} fichiers enregistrés en ${uploadSeconds.toFixed(1)} s (réponses : ${[...new Set(uploads.result.map((s) => s.split(" ")[0]))].join(", ")})\n`);
}

if (journeys) {
  console.log(`3. Parcours complets (connexion → 7 étapes, 2 pièces → envoyée), ${journeyUsers.length} utilisateurs virtuels, processus séparé`);
  console.log(`   ${journeys.result.journeys} parcours en ${journeys.result.seconds.toFixed(1)} s : ${journeys.result.perSecond.toFixed(2)} parcours/s${journeys.result.errors.length ? ` — erreurs : ${journeys.result.errors.join(" | ")}` : ""}`);
  console.table(Object.fromEntries(Object.entries(journeys.result.steps).map(([name, s]) => [name, { nombre: s.count, p50: ms(s.p50), p99: ms(s.p99) }])));
}

if (small && large) {
  console.log(`\n4. Coût selon le volume : ${small.rows.toLocaleString("fr-FR")} puis ${large.rows.toLocaleString("fr-FR")} demandes en base (remplies en ${fillSeconds.toFixed(0)} s, INSERT … SELECT generate_series${databaseUrl ? ", puis VACUUM ANALYZE" : ""})`);
  console.table({
    [`tableau de bord, ${small.rows.toLocaleString("fr-FR")}`]: { ...line(small.dashboard), "ratio au plafond": dashRatio(small).toFixed(2) },
    [`tableau de bord, ${large.rows.toLocaleString("fr-FR")}`]: { ...line(large.dashboard), "ratio au plafond": dashRatio(large).toFixed(2) },
    [`POST étape 2, ${small.rows.toLocaleString("fr-FR")}`]: { ...line(small.step), "ratio au plafond": stepRatio(small).toFixed(2) },
    [`POST étape 2, ${large.rows.toLocaleString("fr-FR")}`]: { ...line(large.step), "ratio au plafond": stepRatio(large).toFixed(2) },
  });
  console.log(
    `   grand / petit : tableau de bord ${(large.dashboard.perSecond / small.dashboard.perSecond).toFixed(2)}, étape ${(large.step.perSecond / small.step.perSecond).toFixed(2)} (objectif : ≈ 1,0)`,
  );
}
if (backoffice) {
  console.log(
    `\n5. Back-office (issue 9) : ${backoffice.requests.toLocaleString("fr-FR")} demandes dont ${backoffice.sent.toLocaleString("fr-FR")} envoyées, ${backoffice.services} services ; ${BACKOFFICE_RUNS} appels de chaque requête, l'un après l'autre, mesurés dans le service (appel du dépôt src/db/repositories/backoffice.ts)`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(backoffice.results).map(([name, r]) => [name, { lignes: r.rowsPerCall.toFixed(1), médiane: ms(r.p50), p95: ms(r.p95), max: ms(r.max), "p95 ≤ 20 ms": ok(r.p95 <= 20) }]),
    ),
  );
  if (process.env.BENCH_PLANS !== "0") {
    for (const [name, r] of Object.entries(backoffice.results)) console.log(`\n   EXPLAIN (ANALYZE, BUFFERS) — ${name}\n${r.plan.map((l) => `     ${l}`).join("\n")}`);
  }
}
if (profile.length) console.log("\n   profil CPU du service : bench/profiles/*.cpuprofile (Chrome DevTools › Performance, ou speedscope)");
process.exit(0);
