import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { insertAccount } from "../../src/db/repositories/accounts.ts";
import { outbox } from "../../src/db/schema.ts";
import { createServerDatabase, serverUrl } from "../helpers/db.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

/**
 * A real service process is killed (SIGKILL) after it committed an account change and its
 * mail, while the mail is on its way to the SMTP server. After a restart on the same
 * database, the mail is delivered exactly once.
 */
let smtp: TestSmtp;
let dataDir: string | undefined;
let server: { url: string; drop(): Promise<void> } | undefined;
const EMAIL = "crash@example.fr";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const open = (): Promise<Database> => (server ? openDatabase({ url: server.url, poolSize: 2 }) : openDatabase({ dataDir: dataDir! }));

function startService(port: number): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: server?.url ?? "",
      DATA_DIR: dataDir ?? "",
      SMTP_URL: smtp.url,
      OUTBOX_LEASE_SECONDS: "2",
      FRANCECONNECT_ISSUER: "http://127.0.0.1:9/fc", // no demonstration provider needed here
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return child;
}

async function waitUntilUp(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/sante`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("service did not start");
}

const killed = (child: ChildProcess) => new Promise<void>((resolve) => child.once("exit", () => resolve()));

beforeAll(async () => {
  smtp = await startSmtp();
  if (serverUrl) server = await createServerDatabase();
  else dataDir = mkdtempSync(join(tmpdir(), "permis-crash-"));
  const db = await open();
  await db.migrate();
  await insertAccount(db.db, { kind: "particulier", status: "pending", familyName: "Panne", givenName: "Yves", email: EMAIL, activationDeadline: new Date(Date.now() + 3_600_000) });
  await db.close();
}, 60_000);

afterAll(async () => {
  await smtp.close();
  await server?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("a process killed between the write and the delivery", () => {
  it("delivers the mail exactly once after restart", async () => {
    const port = await freePort();
    smtp.mode = "hold"; // the SMTP server takes the message but never confirms it
    const first = startService(port);
    await waitUntilUp(port);

    // "Recevoir un nouveau mél d'activation": updates the account and queues the mail in one transaction.
    const form = await fetch(`http://127.0.0.1:${port}/compte/activation/renvoyer`);
    const cookie = form.headers.get("set-cookie")!.split(";")[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const sent = await fetch(`http://127.0.0.1:${port}/compte/activation/renvoyer`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, email: EMAIL }).toString(),
    });
    expect(sent.status).toBe(200);

    // Wait until the worker is in the middle of the SMTP exchange, then kill the process.
    for (let i = 0; i < 100 && smtp.held() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(smtp.held()).toBeGreaterThan(0);
    first.kill("SIGKILL");
    await killed(first);
    expect(smtp.received.filter((m) => m.to.includes(EMAIL))).toHaveLength(0);

    smtp.mode = "accept";
    const second = startService(port);
    try {
      await waitUntilUp(port);
      const mail = await smtp.waitFor((m) => m.to.includes(EMAIL), 20_000);
      expect(mail.subject).toBe("Activez votre compte — Permis de conduire");
      await new Promise((r) => setTimeout(r, 3000)); // a duplicate would show up by now
      expect(smtp.received.filter((m) => m.to.includes(EMAIL))).toHaveLength(1);
    } finally {
      second.kill("SIGTERM");
      await killed(second);
    }

    const db = await open();
    try {
      const rows = await db.db.select().from(outbox).where(eq(outbox.recipient, EMAIL));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).toBe("sent");
      expect(rows[0]!.attempts).toBe(2);
    } finally {
      await db.close();
    }
  }, 90_000);
});
