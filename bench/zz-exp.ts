import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { HttpUser, PASSWORD, STEP1_PERTE, STEP2 } from "./http.ts";
const url = new URL(process.env.DATABASE_URL!);
if (!url.username) url.username = userInfo().username;
const admin = new pg.Client({ connectionString: url.toString() });
await admin.connect();
const name = `permis_exp_${process.pid}`;
await admin.query(`CREATE DATABASE ${name}`);
url.pathname = `/${name}`;
const port = 3900;
const base = `http://127.0.0.1:${port}`;
const flags = (process.env.FLAGS ?? "--max-semi-space-size=2 --optimize-for-size").split(" ").filter(Boolean);
const server = spawn(process.execPath, [...flags, "bench/server.mjs"], { env: { ...process.env, MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "65536", NODE_ENV: "development", PORT: String(port), LOG_LEVEL: "silent", DATABASE_URL: url.toString(), STORAGE_DIR: mkdtempSync(join(tmpdir(), "p-")), BENCH_BARE_DATA: "{}" }, stdio: ["ignore", "pipe", "inherit"] });
await new Promise((r) => createInterface({ input: server.stdout! }).once("line", r));
const seed = (await (await fetch(`${base}/bench/seed`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ users: 1, password: PASSWORD }) })).json()) as { identifiers: string[] };
const user = new HttpUser(base);
await user.signIn(seed.identifiers[0]!, PASSWORD);
for (let i = 0; i < 3; i++) { const d = await user.newDraft(STEP1_PERTE); await user.post(`/demandes/${d}/etape/2`, STEP2); }
const load = (path: string, headers: Record<string, string> = {}, duration = 5) => new Promise<string>((res, rej) => execFile(process.execPath, ["bench/load.mjs", JSON.stringify({ url: base + path, connections: 32, duration, headers })], (e, out) => (e ? rej(e) : res(out.trim()))));
const extra = process.env.ACCEPT ? { "accept-encoding": process.env.ACCEPT } : {};
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
let peak = 0; const rest = rss(); const iv = setInterval(() => (peak = Math.max(peak, rss())), 50);
await load("/sante", {}, 1); await load("/mon-espace", { cookie: user.cookieHeader(), ...extra }, 1);
for (let i = 0; i < Number(process.env.ROUNDS ?? 2); i++) {
  const s = JSON.parse(await load("/sante"));
  const d = JSON.parse(await load("/mon-espace", { cookie: user.cookieHeader(), ...extra }));
  console.log(`sante ${s.perSecond} p99 ${s.p99} | dash ${d.perSecond} p50 ${d.p50} p99 ${d.p99} ${JSON.stringify(d.statuses)} | ratio ${(d.perSecond / s.perSecond).toFixed(3)}`);
}
clearInterval(iv); console.log(`rss rest ${rest.toFixed(0)} peak ${peak.toFixed(0)}`);
server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.end();
