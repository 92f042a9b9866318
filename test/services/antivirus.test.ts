import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { claimDueScans, insertDocument, insertRequest } from "../../src/db/repositories/requests.ts";
import { accounts, requestDocuments } from "../../src/db/schema.ts";
import { AntivirusWorker, scanRetrySeconds } from "../../src/jobs/antivirus-worker.ts";
import { ClamdScanner, ScannerUnavailable } from "../../src/services/antivirus.ts";
import { folderStorage } from "../../src/services/storage.ts";
import { EICAR, infectedPng, startClamd, type TestClamd } from "../helpers/clamd.ts";
import { ManualClock } from "../helpers/clock.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";
import { PNG } from "../helpers/requests.ts";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

/** The clamd client (INSTREAM over a Unix socket and TCP) and the scanning worker, against a real clamd. */

let clamd: TestClamd;
let db: TestDatabase;
let storageDir: string;
beforeAll(async () => {
  clamd = await startClamd();
  db = await testDatabase();
  storageDir = await mkdtemp(join(tmpdir(), "permis-av-"));
}, 180_000);
afterAll(async () => {
  await clamd?.close();
  await db?.dispose();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const stream = (bytes: Buffer) => Readable.from([bytes]);

describe("the clamd client", () => {
  it("passes a clean file and names the signature of the EICAR test file, over the Unix socket", async () => {
    const scanner = new ClamdScanner({ socket: clamd.socket });
    expect(await scanner.scan(stream(PNG))).toEqual({ clean: true });
    expect(await scanner.scan(stream(EICAR))).toEqual({ clean: false, signature: expect.stringContaining("Eicar-Test-Signature") });
  });

  it("finds the EICAR string inside a well-formed image, and scans a 10 Mo file in several chunks, over TCP", async () => {
    const scanner = new ClamdScanner({ host: clamd.host, port: clamd.port });
    const verdict = await scanner.scan(stream(infectedPng()));
    expect(verdict.clean).toBe(false);
    const big = randomBytes(10 * 1024 * 1024);
    const chunks = Array.from({ length: 160 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536));
    expect(await scanner.scan(Readable.from(chunks))).toEqual({ clean: true });
  });

  it("throws ScannerUnavailable when clamd does not answer (no socket, closed port)", async () => {
    await expect(new ClamdScanner({ socket: join(storageDir, "nothing.sock") }).scan(stream(PNG))).rejects.toBeInstanceOf(ScannerUnavailable);
    await expect(new ClamdScanner({ host: "127.0.0.1", port: 1 }, 5000).scan(stream(PNG))).rejects.toBeInstanceOf(ScannerUnavailable);
  });

  it("reads CLAMD_SOCKET, or CLAMD_HOST with CLAMD_PORT (3310 by default); none: no antivirus", () => {
    expect(loadConfig({ CLAMD_SOCKET: "/run/clamav/clamd.ctl" }).clamd).toEqual({ socket: "/run/clamav/clamd.ctl" });
    expect(loadConfig({ CLAMD_HOST: "clamav.internal" }).clamd).toEqual({ host: "clamav.internal", port: 3310 });
    expect(loadConfig({ CLAMD_HOST: "clamav.internal", CLAMD_PORT: "3311" }).clamd).toEqual({ host: "clamav.internal", port: 3311 });
    expect(loadConfig({ CLAMD_SOCKET: " ", CLAMD_HOST: "" }).clamd).toBeUndefined();
    expect(() => loadConfig({ CLAMD_HOST: "clamav.internal", CLAMD_PORT: "99999" })).toThrow(/CLAMD_PORT/);
  });
});

describe("the scanning worker", () => {
  const key = "a".repeat(64);
  const storage = () => folderStorage(storageDir, Buffer.from(key, "hex"));
  let requestId: string;

  beforeAll(async () => {
    const [account] = await db.db
      .insert(accounts)
      .values({ kind: "particulier", status: "active", familyName: "Essai", givenName: "Antivirus", email: "antivirus@example.fr" })
      .returning();
    requestId = (await insertRequest(db.db, { accountId: account!.id, motif: "fabrication_perte", data: {}, now: new Date() })).id;
  });

  async function pendingDocument(content: Buffer, now: Date) {
    const storageKey = `documents/${requestId}/${randomBytes(8).toString("hex")}`;
    const stored = await storage().put(storageKey, stream(content));
    return insertDocument(db.db, {
      requestId,
      piece: "identite",
      fileName: "piece.png",
      mime: "image/png",
      size: stored.size,
      pages: 1,
      storageKey,
      iv: stored.encryption.iv,
      tag: stored.encryption.tag,
      createdAt: now,
      scanStatus: "pending",
      scanNextAt: now,
    });
  }
  const rowOf = async (id: string) => (await db.db.select().from(requestDocuments).where(eq(requestDocuments.id, id)))[0]!;
  const storedFiles = async () => (await readdir(join(storageDir, "documents", requestId)).catch(() => [] as string[])).length;

  it("marks a clean file clean, and deletes an infected one from storage, keeping its row as infected", async () => {
    const clock = new ManualClock();
    const clean = await pendingDocument(PNG, clock.now());
    const infected = await pendingDocument(infectedPng(), clock.now());
    const before = await storedFiles();
    const worker = new AntivirusWorker(db.db, storage(), new ClamdScanner({ socket: clamd.socket }), clock);
    expect(await worker.runOnce()).toBe(2);
    expect((await rowOf(clean.id)).scanStatus).toBe("clean");
    expect((await rowOf(infected.id)).scanStatus).toBe("infected");
    expect(await storedFiles()).toBe(before - 1);
    await expect(storage().get(infected.storageKey, { iv: infected.iv, tag: infected.tag })).rejects.toThrow();
  });

  it("keeps a file pending while clamd is down, retries it with back-off, and passes it once clamd is back", async () => {
    const clock = new ManualClock();
    const doc = await pendingDocument(PNG, clock.now());
    const worker = new AntivirusWorker(db.db, storage(), new ClamdScanner({ socket: clamd.socket }, 5000), clock);
    await clamd.stop();
    try {
      expect(await worker.runOnce()).toBe(1);
      let row = await rowOf(doc.id);
      expect(row.scanStatus).toBe("pending");
      expect(row.scanAttempts).toBe(1);
      expect(row.scanNextAt.getTime() - clock.now().getTime()).toBe(scanRetrySeconds(1) * 1000);
      expect(await worker.runOnce()).toBe(0); // not due yet
      clock.advance(scanRetrySeconds(1) * 1000);
      expect(await worker.runOnce()).toBe(1);
      row = await rowOf(doc.id);
      expect(row.scanStatus).toBe("pending");
      expect(row.scanNextAt.getTime() - clock.now().getTime()).toBe(scanRetrySeconds(2) * 1000);
    } finally {
      await clamd.start();
    }
    clock.advance(scanRetrySeconds(2) * 1000);
    expect(await worker.runOnce()).toBe(1);
    expect((await rowOf(doc.id)).scanStatus).toBe("clean");
  });

  it("backs off from 15 s up to 10 minutes", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(scanRetrySeconds)).toEqual([15, 30, 60, 120, 240, 480, 600, 600]);
  });

  it("shares the work between instances: a claimed file is left to its worker until its lease ends (a crashed one)", async () => {
    const clock = new ManualClock();
    const doc = await pendingDocument(PNG, clock.now());
    // Instance A claims the file, then dies before giving a verdict.
    const claimed = await claimDueScans(db.db, clock.now(), 120, 10);
    expect(claimed.map((d) => d.id)).toContain(doc.id);
    const b = new AntivirusWorker(db.db, storage(), new ClamdScanner({ socket: clamd.socket }), clock, { leaseSeconds: 120 });
    expect(await b.runOnce()).toBe(0);
    expect((await rowOf(doc.id)).scanStatus).toBe("pending");
    clock.advance(121_000);
    expect(await b.runOnce()).toBe(1);
    expect((await rowOf(doc.id)).scanStatus).toBe("clean");
  });

  it("never claims one file twice when two workers run at once", async () => {
    const clock = new ManualClock();
    const docs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => pendingDocument(PNG, clock.now())));
    const [a, b] = await Promise.all([claimDueScans(db.db, clock.now(), 120, 4), claimDueScans(db.db, clock.now(), 120, 4)]);
    const ids = [...a!, ...b!].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(docs.map((d) => d.id).sort());
    clock.advance(121_000);
    const worker = new AntivirusWorker(db.db, storage(), new ClamdScanner({ socket: clamd.socket }), clock, { batchSize: 10 });
    expect(await worker.runOnce()).toBe(6);
  });
});
