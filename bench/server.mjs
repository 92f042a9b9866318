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
import { saveDraftData } from "../dist/db/repositories/requests.js";
import { hashSecret } from "../dist/services/passwords.js";
import { buildApp } from "../dist/web/app.js";

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
  const [{ n }] = rows(await db.execute(sql`SELECT count(*)::int AS n FROM requests`));
  const total = Math.min(wanted, n + chunk);
  if (total > n) {
    await db.execute(sql`
      INSERT INTO requests (account_id, motif, state, data, number, created_at, updated_at)
      SELECT f.ids[1 + g % 1000], 'perte',
             CASE WHEN g % 3 = 0 THEN 'envoyee' ELSE 'brouillon' END,
             '{"motif":{"beneficiaire":"moi","pour":"majeur"},"step2":{"prenom1":"Camille","nomNaissance":"Martin"}}'::jsonb,
             CASE WHEN g % 3 = 0 THEN 'BANC-' || g ELSE NULL END,
             now() - make_interval(secs => g), now()
      FROM generate_series(${n + 1}::int, ${total}::int) g,
           (SELECT array_agg(id) AS ids FROM accounts WHERE email LIKE 'remplissage%@bench.invalid') f`);
    await db.execute(sql`ANALYZE requests`);
    await db.execute(sql`ANALYZE accounts`);
  }
  const [{ m }] = rows(await db.execute(sql`SELECT count(*)::int AS m FROM requests`));
  return { requests: m, seconds: (performance.now() - started) / 1000 };
});

app.get("/bench/memory", async () => process.memoryUsage());

services.outbox.start();
services.scheduler.start();
await app.listen({ port: config.port, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, database: services.database.kind })}\n`);

const stop = async () => {
  await app.close();
  await services.outbox.stop();
  await services.scheduler.stop();
  await services.database.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
