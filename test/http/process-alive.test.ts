import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { insertAccount } from "../../src/db/repositories/accounts.ts";
import { hashSecret } from "../../src/services/passwords.ts";
import { createServerDatabase, serverUrl } from "../helpers/db.ts";
import { GOOD_PASSWORD } from "../helpers/flows.ts";

/**
 * Issue 6 §1, at the process level: a sign-in whose destination holds a CR used to throw
 * ERR_INVALID_CHAR inside the session store's callback, and the real process exited. The
 * service is started as in production (`src/main.ts`), driven over HTTP, and must stay up.
 */
const IDENTIFIER = "yvivant0001";
let dataDir: string | undefined;
let server: { url: string; drop(): Promise<void> } | undefined;
let child: ChildProcess | undefined;
let port: number;
let exited = false;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  if (serverUrl) server = await createServerDatabase();
  else dataDir = mkdtempSync(join(tmpdir(), "permis-alive-"));
  const db = server ? await openDatabase({ url: server.url, poolSize: 2 }) : await openDatabase({ dataDir: dataDir! });
  await db.migrate();
  await insertAccount(db.db, {
    kind: "particulier",
    status: "active",
    familyName: "Vivant",
    givenName: "Yves",
    email: "yves.vivant@example.fr",
    identifier: IDENTIFIER,
    sex: "M",
    passwordHash: await hashSecret(GOOD_PASSWORD),
    activatedAt: new Date(),
  });
  await db.close();

  port = await freePort();
  child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: server?.url ?? "",
      DATA_DIR: dataDir ?? "",
      STORAGE_DIR: mkdtempSync(join(tmpdir(), "permis-alive-storage-")),
      FRANCECONNECT_ISSUER: "http://127.0.0.1:9/fc", // no demonstration provider needed here
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.once("exit", () => {
    exited = true;
  });
  for (let i = 0; i < 600 && !exited; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/sante`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("service did not start");
}, 120_000);

afterAll(async () => {
  if (child && !exited) {
    const gone = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  }
  await server?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** The cookies of a response, as a Cookie header. */
const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");

describe("a hostile sign-in destination does not stop the service", () => {
  it.each(["/\r", "/\r\n", "/%0D"])("signs in with returnTo=%j, is sent home, and the process is still up", async (returnTo) => {
    const base = `http://127.0.0.1:${port}`;
    const form = await fetch(`${base}/connexion?retour=${encodeURIComponent(returnTo)}`);
    expect(form.status).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const res = await fetch(`${base}/connexion`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(form) },
      body: new URLSearchParams({ _csrf: token.replace(/&amp;/g, "&"), identifier: IDENTIFIER, password: GOOD_PASSWORD, returnTo }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(returnTo === "/%0D" ? "/%0D" : "/mon-espace");
    await new Promise((r) => setTimeout(r, 200));
    expect(exited).toBe(false);
    expect((await fetch(`${base}/sante`)).status).toBe(200);
  });
});
