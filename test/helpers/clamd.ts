import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { PNG } from "./requests.ts";

/**
 * A real ClamAV daemon for tests. No signature can be downloaded here: the test writes its
 * own database, the EICAR test file's signatures (a hash of the whole file, and its bytes
 * anywhere in a file, so that an image carrying it is caught too), and a clamd.conf
 * listening on a Unix socket and on 127.0.0.1. When clamd is not installed this throws: the
 * antivirus tests fail rather than skip (.ci/run installs clamav-daemon).
 */

/** The EICAR anti-virus test file, made at run time so that no antivirus flags this source. */
export const EICAR = Buffer.from(
  Buffer.from("WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo=", "base64").toString("latin1"),
  "latin1",
);

/** A valid 1×1 PNG whose text chunk ("Comment") holds the EICAR string: a well-formed image that is "infected". */
export function infectedPng(): Buffer {
  const data = Buffer.concat([Buffer.from("Comment\0", "latin1"), EICAR]);
  const type = Buffer.from("tEXt", "latin1");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  // After the signature (8 bytes) and IHDR (25 bytes).
  return Buffer.concat([PNG.subarray(0, 33), length, type, data, crc, PNG.subarray(33)]);
}

const CLAMD_PATHS = ["/usr/sbin/clamd", "/usr/bin/clamd", "/usr/local/sbin/clamd"];

export interface TestClamd {
  socket: string;
  host: string;
  port: number;
  /** Stops the daemon (clamd "down"); start() brings it back on the same socket and port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answersPing(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    let reply = "";
    socket.setTimeout(2000);
    socket.on("connect", () => socket.write("zPING\0"));
    socket.on("data", (chunk) => (reply += chunk.toString("latin1")));
    socket.on("end", () => resolve(reply.startsWith("PONG")));
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startClamd(): Promise<TestClamd> {
  const binary = CLAMD_PATHS.find((p) => existsSync(p));
  if (!binary) throw new Error("clamd est introuvable : installez clamav-daemon (apt-get install clamav-daemon), comme le fait .ci/run");
  const dir = await mkdtemp(join(tmpdir(), "permis-clamd-"));
  const socket = join(dir, "clamd.sock");
  const port = await freePort();
  const md5 = createHash("md5").update(EICAR).digest("hex");
  await writeFile(join(dir, "eicar.hdb"), `${md5}:${EICAR.length}:Eicar-Test-Signature\n`);
  await writeFile(join(dir, "eicar.ndb"), `Eicar-Test-Signature-Embedded:0:*:${EICAR.toString("hex")}\n`);
  await writeFile(
    join(dir, "clamd.conf"),
    [
      `LocalSocket ${socket}`,
      `TCPSocket ${port}`,
      "TCPAddr 127.0.0.1",
      `DatabaseDirectory ${dir}`,
      `TemporaryDirectory ${dir}`,
      "Foreground yes",
      // Its own log file: clamd locks it, so two daemons (two test files at once) must not share one.
      `LogFile ${join(dir, "clamd.log")}`,
      "StreamMaxLength 25M",
      "",
    ].join("\n"),
  );
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn(binary!, ["-c", join(dir, "clamd.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    let stderr = "";
    proc.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-2000)));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`clamd s'est arrêté au démarrage : ${stderr}`);
      if (existsSync(socket) && (await answersPing(socket))) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    proc.kill("SIGKILL");
    throw new Error(`clamd n'a pas répondu à temps : ${stderr}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    await rm(socket, { force: true });
  }

  await start();
  return {
    socket,
    host: "127.0.0.1",
    port,
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
