import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { HttpUser, PASSWORD, STEP1_PERTE, STEP2 } from "./http.ts";
import { productionCommand } from "./production.ts";

/**
 * `node --import tsx bench/profile-page.ts dashboard|step` (after `npm run build`, with DATABASE_URL):
 * one page under load, alone, with the service writing a CPU profile (`--cpu-prof`) into
 * bench/profiles/; then prints its heaviest functions (bench/profile-top.ts).
 */
const which = process.argv[2] === "step" ? "step" : "dashboard";
const url = new URL(process.env.DATABASE_URL!);
if (!url.username) url.username = process.env.PGUSER || userInfo().username;
const admin = new pg.Client({ connectionString: url.toString() });
await admin.connect();
const name = `permis_profile_${process.pid}`;
await admin.query(`CREATE DATABASE ${name}`);
url.pathname = `/${name}`;
const port = 3700 + (process.pid % 100);
const base = `http://127.0.0.1:${port}`;
const production = productionCommand();
// The flags of `npm run start:prod`, or BENCH_NODE_FLAGS instead (experiments).
const flags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(" ").filter(Boolean) : production.flags;
const server = spawn(process.execPath, [...flags, "--cpu-prof", "--cpu-prof-dir", "bench/profiles", "bench/server.mjs"], {
  env: { ...process.env, ...production.env, NODE_ENV: "development", PORT: String(port), LOG_LEVEL: "silent", DATABASE_URL: url.toString(), STORAGE_DIR: mkdtempSync(join(tmpdir(), "permis-profile-")), BENCH_BARE_DATA: "{}" },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise((resolve) => createInterface({ input: server.stdout! }).once("line", resolve));
const seed = (await (await fetch(`${base}/bench/seed`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ users: 1, password: PASSWORD }) })).json()) as { identifiers: string[] };
const user = new HttpUser(base);
await user.signIn(seed.identifiers[0]!, PASSWORD);
const draft = await user.newDraft(STEP1_PERTE);
await user.post(`/demandes/${draft}/etape/2`, STEP2);
await user.get(`/demandes/${draft}/etape/2`);
const config =
  which === "dashboard"
    ? { url: `${base}/mon-espace`, connections: 32, duration: 10, headers: { cookie: user.cookieHeader() } }
    : {
        url: `${base}/demandes/${draft}/etape/2`,
        connections: 8,
        duration: 10,
        method: "POST",
        headers: { cookie: user.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: user.csrf!, ...STEP2 }).toString(),
      };
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
const before = rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
const result = await new Promise<string>((resolve, reject) =>
  execFile(process.execPath, ["bench/load.mjs", JSON.stringify(config)], { encoding: "utf8" }, (error, out) => (error ? reject(error) : resolve(out))),
);
clearInterval(sampler);
console.log(`${result.trim()}\nservice RSS: ${before.toFixed(0)} Mo before, ${peak.toFixed(0)} Mo peak (${flags.join(" ")})`);
server.kill("SIGTERM");
await new Promise((resolve) => server.once("exit", resolve));
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
