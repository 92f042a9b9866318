import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  folderStorage,
  parseEncryptionKey,
  s3Storage,
  type DocumentStorage,
  type Encryption,
  type S3Options,
} from "../../src/services/storage.ts";

/** s3rver (a local S3-compatible server, CommonJS) ships no typings: the little we use. */
interface S3rver {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer: Server;
}
const S3rver = createRequire(import.meta.url)("s3rver") as new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rver;

const MB = 1024 * 1024;
const encryptionKey = randomBytes(32);
const otherEncryptionKey = randomBytes(32);

/** One adapter under test, with raw access to what it stored. */
interface Harness {
  storage: DocumentStorage;
  /** The same place, read with another encryption key. */
  withOtherKey: DocumentStorage;
  /** The stored bytes (ciphertext), or undefined when there is no object. */
  readRaw(key: string): Promise<Buffer | undefined>;
  writeRaw(key: string, bytes: Buffer): Promise<void>;
  /** Every stored name (files for the folder, object keys for S3), temporary files included. */
  listAll(): Promise<string[]>;
  /** S3 only: the requests the server received ("METHOD /path?query"). */
  requests?: string[];
  close(): Promise<void>;
}

async function startFolder(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "storage-folder-"));
  const missing = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  };
  return {
    storage: folderStorage(dir, encryptionKey),
    withOtherKey: folderStorage(dir, otherEncryptionKey),
    readRaw: (key) => readFile(join(dir, key)).catch(missing),
    writeRaw: (key, bytes) => writeFile(join(dir, key), bytes),
    listAll: async () => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

async function startS3(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "storage-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory: dir, silent: true });
  const { port } = await server.run();
  const requests: string[] = [];
  server.httpServer.on("request", (request: { method?: string; url?: string }) => requests.push(`${request.method} ${request.url}`));
  const options: S3Options = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    bucket: "documents-test",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
  };
  const client = new S3Client({
    endpoint: options.endpoint,
    region: options.region,
    forcePathStyle: true,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
  return {
    storage: s3Storage(options, encryptionKey),
    withOtherKey: s3Storage(options, otherEncryptionKey),
    async readRaw(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
        return Buffer.from(await object.Body!.transformToByteArray());
      } catch (error) {
        if ((error as Error).name === "NoSuchKey") return undefined;
        throw error;
      }
    },
    async writeRaw(key, bytes) {
      await client.send(new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: bytes }));
    },
    async listAll() {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: options.bucket }));
      return (listed.Contents ?? []).map((o) => o.Key!);
    },
    requests,
    async close() {
      client.destroy();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const newKey = () => `documents/${randomUUID()}/${randomUUID()}`;
const flipFirstByte = (bytes: Buffer) => Buffer.concat([Buffer.from([bytes[0]! ^ 0x01]), bytes.subarray(1)]);

/** `total` random bytes in 64 KiB chunks, then `failWith` if given; `onChunk` sees each chunk as it is produced. */
function generated(total: number, options: { failWith?: Error; onChunk?: (chunk: Buffer) => void | Promise<void> } = {}): Readable {
  return Readable.from(
    (async function* () {
      for (let sent = 0; sent < total; ) {
        const chunk = randomBytes(Math.min(64 * 1024, total - sent));
        sent += chunk.length;
        await options.onChunk?.(chunk);
        yield chunk;
      }
      if (options.failWith) throw options.failWith;
    })(),
    { objectMode: false },
  );
}

/**
 * Live memory (JS heap + buffers): a full collection, exposed the way Jest does it, then a short
 * wait since buffers are released by a background thread; the lowest of a few readings.
 */
async function liveMemory(readings = 2): Promise<number> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  let lowest = Infinity;
  for (let i = 0; i < readings; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const usage = process.memoryUsage();
    lowest = Math.min(lowest, usage.heapUsed + usage.external);
  }
  return lowest;
}

const adapters: Array<{ name: string; start: () => Promise<Harness> }> = [
  { name: "folder", start: startFolder },
  { name: "s3 (s3rver)", start: startS3 },
];

for (const adapter of adapters) {
  describe(`document storage: ${adapter.name} adapter`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await adapter.start();
    });
    afterAll(async () => {
      await h?.close();
    });

    it("round-trips a small text, reporting its size and a fresh 12-byte IV and 16-byte tag", async () => {
      const key = newKey();
      const text = "Permis de conduire — pièce justificative n° 1\n";
      const stored = await h.storage.put(key, Readable.from([Buffer.from(text, "utf8")]));
      expect(stored.size).toBe(Buffer.byteLength(text, "utf8"));
      expect(Buffer.from(stored.encryption.iv, "base64")).toHaveLength(12);
      expect(Buffer.from(stored.encryption.tag, "base64")).toHaveLength(16);
      expect((await buffer(await h.storage.get(key, stored.encryption))).toString("utf8")).toBe(text);

      const again = await h.storage.put(newKey(), Readable.from([Buffer.from(text, "utf8")]));
      expect(again.encryption.iv).not.toBe(stored.encryption.iv);
    });

    it("round-trips an empty document", async () => {
      const key = newKey();
      const stored = await h.storage.put(key, Readable.from([]));
      expect(stored.size).toBe(0);
      expect(await buffer(await h.storage.get(key, stored.encryption))).toHaveLength(0);
    });

    it("round-trips a 12 MB random document (several S3 parts) byte for byte", async () => {
      const key = newKey();
      const data = randomBytes(12 * MB + 12345);
      const chunks = Array.from({ length: Math.ceil(data.length / 100_000) }, (_, i) => data.subarray(i * 100_000, (i + 1) * 100_000));
      const stored = await h.storage.put(key, Readable.from(chunks));
      expect(stored.size).toBe(data.length);
      expect(sha256(await buffer(await h.storage.get(key, stored.encryption)))).toBe(sha256(data));
    });

    it("stores ciphertext, never the plaintext", async () => {
      const key = newKey();
      const plaintext = Buffer.from("NOM: DUPONT; PRÉNOM: Jeanne; NÉ(E) LE 01/02/1990 ".repeat(200), "utf8");
      await h.storage.put(key, Readable.from([plaintext]));
      const raw = await h.readRaw(key);
      expect(raw).toBeDefined();
      expect(raw).toHaveLength(plaintext.length); // GCM: same length, the tag is kept outside
      expect(raw!.equals(plaintext)).toBe(false);
      expect(raw!.includes(Buffer.from("DUPONT"))).toBe(false);
    });

    it("makes the read stream error when the ciphertext was tampered with", async () => {
      const key = newKey();
      const stored = await h.storage.put(key, Readable.from([randomBytes(100_000)]));
      await h.writeRaw(key, flipFirstByte((await h.readRaw(key))!));
      await expect(buffer(await h.storage.get(key, stored.encryption))).rejects.toThrow(/authenticate/);
    });

    it("makes the read stream error with a wrong tag or IV, and rejects malformed ones", async () => {
      const key = newKey();
      const stored = await h.storage.put(key, Readable.from([Buffer.from("contenu")]));
      const wrongTag: Encryption = { ...stored.encryption, tag: flipFirstByte(Buffer.from(stored.encryption.tag, "base64")).toString("base64") };
      await expect(buffer(await h.storage.get(key, wrongTag))).rejects.toThrow(/authenticate/);
      const wrongIv: Encryption = { ...stored.encryption, iv: randomBytes(12).toString("base64") };
      await expect(buffer(await h.storage.get(key, wrongIv))).rejects.toThrow(/authenticate/);
      const shortTag: Encryption = { ...stored.encryption, tag: Buffer.from(stored.encryption.tag, "base64").subarray(0, 8).toString("base64") };
      await expect(h.storage.get(key, shortTag)).rejects.toThrow(/tag/);
      await expect(h.storage.get(key, { ...stored.encryption, iv: "" })).rejects.toThrow(/IV/);
    });

    it("cannot be read with another encryption key", async () => {
      const key = newKey();
      const stored = await h.storage.put(key, Readable.from([Buffer.from("contenu confidentiel")]));
      await expect(buffer(await h.withOtherKey.get(key, stored.encryption))).rejects.toThrow(/authenticate/);
    });

    it("leaves nothing when the source stream errors mid-way, and rejects with that error", async () => {
      for (const size of [100_000, 6 * MB]) {
        // 6 MB: past the first S3 part, so a multipart upload was started and must be aborted.
        const key = newKey();
        const cut = new Error("Fichier trop volumineux");
        await expect(h.storage.put(key, generated(size, { failWith: cut }))).rejects.toBe(cut);
        await expect(h.storage.get(key, { iv: randomBytes(12).toString("base64"), tag: randomBytes(16).toString("base64") })).rejects.toThrow();
        expect(await h.readRaw(key)).toBeUndefined();
        const name = key.split("/").at(-1)!;
        expect((await h.listAll()).filter((stored) => stored.includes(name))).toEqual([]);
        if (h.requests && size > 5 * MB) {
          // The multipart upload was aborted. (s3rver answers 405 to AbortMultipartUpload, which it
          // does not implement; the adapter tolerates it: the source's error is the one reported.)
          expect(h.requests.filter((r) => r.startsWith(`DELETE /documents-test/${key}?`) && r.includes("uploadId="))).toHaveLength(1);
        }
      }
    });

    it("deletes: a get after delete rejects, and deleting a missing key is fine", async () => {
      const key = newKey();
      const stored = await h.storage.put(key, Readable.from([Buffer.from("à supprimer")]));
      await h.storage.delete(key);
      await expect(h.storage.get(key, stored.encryption)).rejects.toThrow();
      expect(await h.readRaw(key)).toBeUndefined();
      await expect(h.storage.delete(key)).resolves.toBeUndefined();
      await expect(h.storage.delete(newKey())).resolves.toBeUndefined();
    });

    it("rejects invalid keys (path traversal, absolute paths, other characters)", async () => {
      const encryption: Encryption = { iv: randomBytes(12).toString("base64"), tag: randomBytes(16).toString("base64") };
      const invalid = ["", "/etc/passwd", "../secret", "documents/../../secret", "documents/./a", "documents//a", "documents/a/", "a.b", "a b", "a\\b", "é", "a\0b", "x".repeat(513)];
      for (const key of invalid) {
        await expect(h.storage.put(key, Readable.from([Buffer.from("x")])), JSON.stringify(key)).rejects.toThrow(/Invalid storage key/);
        await expect(h.storage.get(key, encryption), JSON.stringify(key)).rejects.toThrow(/Invalid storage key/);
        await expect(h.storage.delete(key), JSON.stringify(key)).rejects.toThrow(/Invalid storage key/);
      }
      expect((await h.listAll()).filter((name) => !/^[0-9a-f-]{36}$/.test(name.split("/").at(-1)!))).toEqual([]);
    });

    it("streams: 30 MB from a generator go through with bounded memory and come back intact", async () => {
      const key = newKey();
      const total = 30 * MB;
      const before = await liveMemory(5);
      let peak = 0;
      let produced = 0;
      const hash = createHash("sha256");
      const source = generated(total, {
        async onChunk(chunk) {
          hash.update(chunk);
          produced += chunk.length;
          if (produced % MB === 0) {
            peak = Math.max(peak, (await liveMemory()) - before);
          }
        },
      });
      const stored = await h.storage.put(key, source);
      expect(stored.size).toBe(total);
      // Measured: about 1 MB for the folder, about 10 MB for S3 (lib-storage holds one 5 MiB part
      // while it gathers the next). Holding the whole content would take at least 30 MB.
      expect(peak).toBeLessThan(20 * MB);

      const readBack = createHash("sha256");
      for await (const chunk of await h.storage.get(key, stored.encryption)) readBack.update(chunk as Buffer);
      expect(readBack.digest("hex")).toBe(hash.digest("hex"));
    });
  });
}

describe("storage encryption key", () => {
  it("parses 64 hexadecimal characters into 32 bytes", () => {
    const hex = "00112233445566778899aabbccddeeffFFEEDDCCBBAA99887766554433221100";
    const key = parseEncryptionKey(hex);
    expect(key).toHaveLength(32);
    expect(key.toString("hex")).toBe(hex.toLowerCase());
  });

  it("rejects anything else with a clear message that does not quote the value", () => {
    const invalid = ["", "00", "0".repeat(63), "0".repeat(65), "g".repeat(64), ` ${"0".repeat(63)}`, `${"0".repeat(64)}\n`, "secret-passphrase-of-any-length"];
    for (const value of invalid) {
      expect(() => parseEncryptionKey(value), JSON.stringify(value)).toThrow(/STORAGE_ENCRYPTION_KEY must be exactly 64 hexadecimal characters/);
    }
    try {
      parseEncryptionKey("secret-passphrase-of-any-length");
    } catch (error) {
      expect((error as Error).message).not.toContain("secret-passphrase");
    }
  });

  it("is required to be 32 bytes by both adapters", () => {
    expect(() => folderStorage(tmpdir(), randomBytes(16))).toThrow(/32 bytes/);
    expect(() => s3Storage({ region: "us-east-1", bucket: "b", accessKeyId: "a", secretAccessKey: "s", forcePathStyle: true }, randomBytes(31))).toThrow(/32 bytes/);
  });
});

describe("memory once the stores stop", () => {
  it("collects the whole heap once, a moment after a burst of stores ends; a small store alone makes no collection", async () => {
    const { PerformanceObserver, constants } = await import("node:perf_hooks");
    const dir = await mkdtemp(join(tmpdir(), "permis-settle-"));
    try {
      const storage = folderStorage(dir, randomBytes(32));
      const majors: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(entry.startTime);
      });
      observer.observe({ entryTypes: ["gc"] });
      const settled = () => new Promise((resolve) => setTimeout(resolve, 1600));
      // 5 Mo: more than the bytes between two young collections, so the settling one follows.
      await storage.put("settle/a", Readable.from(Array.from({ length: 5 }, () => randomBytes(1024 * 1024))));
      const burst = performance.now();
      await settled();
      expect(majors.some((at) => at >= burst + 900)).toBe(true);
      // Then 512 kB alone (a small upload): no full collection for it.
      await storage.put("settle/b", Readable.from([randomBytes(512 * 1024)]));
      const small = performance.now();
      await settled();
      observer.disconnect();
      expect(majors.filter((at) => at >= small)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
