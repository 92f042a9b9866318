// The service under measure, as production runs it: the built JavaScript of dist/ (`npm run
// build`), no TypeScript compiled at run time, its workers started as src/main.ts starts them
// (without the demonstration identity provider, which production does not run). Plus routes
// that exist only in this process, for the benchmark (never in the product):
//   POST /bench/bare/:id   the ceiling of a step POST: the same database write, nothing else;
//   POST /bench/seed       active accounts, photo codes and fiscal stamps for the virtual users;
//   POST /bench/fill       other people's requests, up to a total, in one INSERT … SELECT generate_series.
// Plain JavaScript on purpose: the measured process loads no TypeScript loader.
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import process from "node:process";
// The drizzle-orm the built service uses (bundled by scripts/build.ts), not a second copy.
import { sql } from "../dist/vendor/drizzle-orm.js";
import { createServices } from "../dist/compose.js";
import { loadConfig } from "../dist/config.js";
import { insertAccount } from "../dist/db/repositories/accounts.js";
import { countByState, findByKey, listQueue, searchByName } from "../dist/db/repositories/backoffice.js";
import { saveDraftData } from "../dist/db/repositories/requests.js";
import { COUNT_CAP } from "../dist/services/backoffice.js";
import { hashSecret } from "../dist/services/passwords.js";
import { buildApp } from "../dist/web/app.js";

/** Instruction services the filled requests are spread over (the back-office's queues). */
const BENCH_SERVICES = 10;
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const BARE_DATA = JSON.parse(process.env.BENCH_BARE_DATA ?? "{}");

const config = loadConfig();
const services = await createServices(config, {});
const app = await buildApp(services, {});
const db = services.database.db;
const rows = (result) => result.rows;

app.post("/bench/bare/:id", async (request) => {
  await saveDraftData(db, request.params.id, BARE_DATA, new Date());
  return { ok: true };
});

let seeded = 0;
app.post("/bench/seed", async (request) => {
  const { users = 0, codes = 0, stamps = 0, password } = request.body ?? {};
  const passwordHash = await hashSecret(password);
  const identifiers = [];
  for (let i = 0; i < users; i++) {
    const n = seeded++;
    // IDENTIFIER_PATTERN: letters then 4 digits; the letters count the thousands.
    const identifier = `bench${String.fromCharCode(97 + Math.floor(n / 10000))}${String(n % 10000).padStart(4, "0")}`;
    await insertAccount(db, {
      kind: "particulier",
      status: "active",
      familyName: "Banc",
      givenName: "Essai",
      email: `${identifier}@bench.invalid`,
      identifier,
      sex: "F",
      passwordHash,
      activatedAt: new Date(),
    });
    identifiers.push(identifier);
  }
  const photoCodes = [];
  if (codes > 0) {
    const { provider } = await services.photoCodes.addProvider({ name: "Studio Banc", kind: "photographe", address: "1 rue de la Paix", postcode: "75002", commune: "Paris" });
    for (let i = 0; i < codes; i++) {
      const result = await services.photoCodes.deposit(provider, PNG, PNG);
      if (!result.ok) throw new Error(result.error);
      photoCodes.push(result.code);
    }
  }
  const stampNumbers = stamps > 0 ? await services.stamps.issue(stamps, new Date()) : [];
  return { identifiers, photoCodes, stamps: stampNumbers };
});

// At most `chunk` rows a call (the service closes a connection silent for 30 s): the driver calls again.
app.post("/bench/fill", async (request) => {
  const { total: wanted, chunk = 100_000 } = request.body;
  const started = performance.now();
  await db.execute(sql`
    INSERT INTO accounts (kind, status, family_name, given_name, email)
    SELECT 'particulier', 'active', 'Remplissage', 'Banc', 'remplissage' || g || '@bench.invalid' FROM generate_series(1, 1000) g
    ON CONFLICT DO NOTHING`);
  await db.execute(sql`
    INSERT INTO instruction_services (id, name)
    SELECT 'banc-' || s, 'Service de banc ' || s FROM generate_series(0, ${BENCH_SERVICES - 1}) s
    ON CONFLICT DO NOTHING`);
  const [{ n }] = rows(await db.execute(sql`SELECT count(*)::int AS n FROM requests`));
  const total = Math.min(wanted, n + chunk);
  if (total > n) {
    // Row g: a draft when g % 10 < 3, else sent, in the state of g % 10 (the back-office's queues),
    // to the service (g / 10) % BENCH_SERVICES, with its nom de naissance ("MARTIN" one row in
    // 97, else one of 50,000 names), a NEPH once instructed, sent g seconds ago.
    await db.execute(sql`
      INSERT INTO requests (account_id, motif, state, data, number, created_at, updated_at,
                            sent_at, service_id, search_name, neph, frozen, state_changed_at)
      SELECT f.ids[1 + g % 1000], CASE WHEN g % 2 = 0 THEN 'perte' ELSE 'vol' END, st,
             '{"motif":{"beneficiaire":"moi","pour":"majeur"},"step2":{"prenom1":"Camille","nomNaissance":"Martin"}}'::jsonb,
             CASE WHEN st <> 'brouillon' THEN 'BANC-' || g END,
             now() - make_interval(secs => g), now(),
             CASE WHEN st <> 'brouillon' THEN now() - make_interval(secs => g) END,
             CASE WHEN st <> 'brouillon' THEN 'banc-' || ((g / 10) % ${BENCH_SERVICES}) END,
             CASE WHEN st <> 'brouillon' THEN nom END,
             CASE WHEN st IN ('en_instruction', 'validee') THEN lpad(g::text, 12, '0') END,
             CASE WHEN st <> 'brouillon' THEN jsonb_build_object('content', jsonb_build_object('etatCivil', jsonb_build_object('nomNaissance', nom, 'prenoms', jsonb_build_array('Camille')))) END,
             CASE WHEN st <> 'brouillon' THEN now() - make_interval(secs => g) END
      FROM generate_series(${n + 1}::int, ${total}::int) g
           CROSS JOIN LATERAL (SELECT (ARRAY['brouillon', 'brouillon', 'brouillon', 'envoyee', 'verification_images', 'en_instruction', 'a_completer',
                                             CASE WHEN g % 20 < 10 THEN 'rejet_images' ELSE 'rejet_instruction' END, 'validee', 'validee'])[1 + g % 10] AS st,
                                      CASE WHEN g % 97 = 0 THEN 'MARTIN' ELSE 'NOM' || (g % 50000) END AS nom) x,
           (SELECT array_agg(id) AS ids FROM accounts WHERE email LIKE 'remplissage%@bench.invalid') f`);
    await db.execute(sql`ANALYZE requests`);
    await db.execute(sql`ANALYZE accounts`);
  }
  const [{ m }] = rows(await db.execute(sql`SELECT count(*)::int AS m FROM requests`));
  return { requests: m, seconds: (performance.now() - started) / 1000 };
});

app.get("/bench/memory", async () => process.memoryUsage());

/**
 * The back-office's queries (src/db/repositories/backoffice.ts) on the filled requests, each run
 * `runs` times in a row with changing keys (service, name, number, NEPH), timed here (the
 * repository call: SQL building, round trips, rows), then once more with its main statement
 * recorded and explained (EXPLAIN ANALYZE, BUFFERS).
 */
app.post("/bench/backoffice", async (request) => {
  const { runs = 100 } = request.body ?? {};
  const [{ total }] = rows(await db.execute(sql`SELECT max(number_g)::int AS total FROM (SELECT substr(number, 6)::int AS number_g FROM requests WHERE number LIKE 'BANC-%' ORDER BY created_at ASC LIMIT 1) t`));
  // Row g of the fill (see /bench/fill): sent when g % 10 >= 3, a NEPH when g % 10 is 5, 8 or 9.
  const spread = (i, residues) => {
    const g = 1 + ((i * 7919 * 10) % Math.max(10, total - 20));
    return g - (g % 10) + residues[i % residues.length];
  };
  const services = Array.from({ length: BENCH_SERVICES }, (_, i) => `banc-${i}`);
  const svc = (i) => services[i % services.length];
  const deep = new Map();
  for (const service of services) {
    const [row] = rows(await db.execute(sql`SELECT sent_at, id FROM requests WHERE service_id = ${service} AND state = 'envoyee' ORDER BY sent_at, id OFFSET 2000 LIMIT 1`));
    if (row) deep.set(service, { sentAt: new Date(row.sent_at), id: row.id });
  }
  const now = Date.now();
  const day = 24 * 3600 * 1000;
  const queries = {
    "file d'un service : 50 premiers (envoyée)": (x, i) => listQueue(x, [svc(i)], { states: ["envoyee"] }, undefined, 50),
    "file d'un service : page après 2 000 (curseur)": (x, i) => listQueue(x, [svc(i)], { states: ["envoyee"] }, deep.get(svc(i)), 50),
    "file de l'administrateur : tous services (en instruction)": (x) => listQueue(x, "all", { states: ["en_instruction"] }, undefined, 50),
    "file filtrée : 2 états, motif vol, 2 jours": (x, i) =>
      listQueue(x, [svc(i)], { states: ["en_instruction", "a_completer"], motifs: ["vol"], from: new Date(now - 6 * day), to: new Date(now - 4 * day) }, undefined, 50),
    "recherche par numéro": (x, i) => findByKey(x, [svc(Math.floor(spread(i, [3, 4, 5, 6, 7, 8, 9]) / 10))], { number: `BANC-${spread(i, [3, 4, 5, 6, 7, 8, 9])}` }),
    "recherche par NEPH": (x, i) => findByKey(x, "all", { neph: String(spread(i, [5, 8, 9])).padStart(12, "0") }),
    "recherche par nom de naissance (rare)": (x, i) => searchByName(x, "all", `NOM${(i * 7919) % 50000}`, { states: [] }, undefined, 50),
    "recherche par nom de naissance (MARTIN, 1 sur 97)": (x) => searchByName(x, "all", "MARTIN", { states: [] }, undefined, 50),
    [`compteurs des files d'un service (jusqu'à ${COUNT_CAP}, comme la page)`]: (x, i) => countByState(x, [svc(i)], COUNT_CAP),
  };
  const results = {};
  for (const [name, query] of Object.entries(queries)) {
    await query(db, 0); // warm (plan cache, buffers)
    const times = [];
    let found = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await query(db, i);
      times.push(performance.now() - started);
      found += Array.isArray(result) ? result.length : 1;
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    // The statements of one call, recorded; the last one is the query itself (scopes read the service list first).
    const statements = [];
    const recording = new Proxy(db, {
      get(target, key) {
        if (key === "execute") return (q) => (statements.push(q), target.execute(q));
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await query(recording, 1);
    const main = statements.at(-1);
    const plan = main ? rows(await db.execute(sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${main}`)).map((r) => r["QUERY PLAN"]) : [];
    results[name] = { runs, rowsPerCall: found / runs, p50: at(0.5), p95: at(0.95), max: times.at(-1), plan };
  }
  const [{ requests: count, sent }] = rows(await db.execute(sql`SELECT count(*)::int AS requests, count(sent_at)::int AS sent FROM requests`));
  return { requests: count, sent, services: services.length, results };
});

services.outbox.start();
services.scheduler.start();
services.memory.start();
await app.listen({ port: config.port, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, database: services.database.kind })}\n`);

const stop = async () => {
  await app.close();
  await services.outbox.stop();
  await services.scheduler.stop();
  services.memory.stop();
  await services.database.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
