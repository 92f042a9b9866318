import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, randomUUID, type DecipherGCM, type KeyObject } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { PassThrough, Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type * as S3 from "@aws-sdk/client-s3";
import type { Upload as S3Upload } from "@aws-sdk/lib-storage";
import { collectGarbage } from "./memory.ts";

/**
 * Documents (scans, photos, PDFs) live in object storage, encrypted at rest with AES-256-GCM:
 * a folder by default, an S3-compatible bucket in production. The store only ever sees
 * ciphertext; the IV and the authentication tag of each object are returned to the caller,
 * which keeps them in the database next to the document's row.
 */

/** Per-object encryption parameters, base64: a 12-byte IV and a 16-byte GCM authentication tag. */
export interface Encryption {
  iv: string;
  tag: string;
}

export interface DocumentStorage {
  readonly kind: "folder" | "s3";
  /** Encrypts the stream with AES-256-GCM (fresh random 12-byte IV per object) and stores the ciphertext under `key`.
   *  Never buffers the whole content in memory (stream through). If the source stream errors (e.g. the upload was cut
   *  because it exceeded a size limit), nothing remains stored under `key` and the promise rejects with that error.
   *  Resolves with the plaintext size and the IV + GCM auth tag (kept by the caller in the database, not in the object). */
  put(key: string, content: Readable): Promise<{ size: number; encryption: Encryption }>;
  /** A stream of the decrypted content; the stream errors if the ciphertext or tag was tampered with. Rejects if the key does not exist.
   *  GCM authenticates at the end: bytes are delivered as they are decrypted, so a consumer must treat an error
   *  of the stream as the failure of the whole read (e.g. abort the HTTP response), never keep a partial result. */
  get(key: string, encryption: Encryption): Promise<Readable>;
  /** Removes the object; no error if it does not exist. */
  delete(key: string): Promise<void>;
}

export interface S3Options {
  /** Unset: AWS itself; set for another S3-compatible provider (`https://s3.example.fr`). */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`; most non-AWS providers want it. */
  forcePathStyle: boolean;
}

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Keys are like `documents/<uuid>/<uuid>`: segments of [A-Za-z0-9_-] joined by single slashes. */
const STORAGE_KEY = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;
const MAX_KEY_LENGTH = 512;
/**
 * What each stage of a put (counter, cipher, file) may hold before it pushes back on the
 * upload: 16 kB rather than Node's 64 kB, so fifty uploads at once hold a few Mo, not tens.
 */
const STAGE_BYTES = 16 * 1024;

/**
 * Where a folder-stored object lies, and how to decrypt it: for a worker thread of this process
 * that reads the object itself (the inspection worker), rather than receive it from the main
 * thread chunk by chunk. The key is a KeyObject (its bytes stay outside the JavaScript heap; it
 * crosses to a worker through postMessage). The reader must authenticate (decipher.final())
 * before it trusts any byte, as the stream of `get` does at its end.
 */
export interface LocalObject {
  path: string;
  key: KeyObject;
  iv: Buffer;
  tag: Buffer;
}

const LOCAL = Symbol("local object");

/** The local object behind a stream returned by a folder storage's `get`; undefined for any other stream. */
export function localObject(stream: unknown): LocalObject | undefined {
  return typeof stream === "object" && stream !== null ? (stream as { [LOCAL]?: LocalObject })[LOCAL] : undefined;
}

/** Parses STORAGE_ENCRYPTION_KEY: 64 hex characters = 32 bytes; throws an Error with a clear message otherwise. */
export function parseEncryptionKey(hex: string): Buffer {
  // The message never quotes the value: it is a secret.
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(
      `STORAGE_ENCRYPTION_KEY must be exactly 64 hexadecimal characters (a 32-byte AES-256 key, e.g. from \`openssl rand -hex 32\`); got ${hex.length} characters`,
    );
  }
  return Buffer.from(hex, "hex");
}

/**
 * Stores each object as a file `<dir>/<key>`. A put writes to a temporary file in the same
 * folder (flushed to disk) and renames it into place once complete, so a reader never sees a
 * partial object and a failed put leaves nothing behind.
 */
export function folderStorage(dir: string, encryptionKey: Buffer): DocumentStorage {
  const key = checkEncryptionKey(encryptionKey);
  const keyObject = createSecretKey(key);
  const root = resolve(dir);
  const pathOf = (storageKey: string): string => {
    checkStorageKey(storageKey);
    const path = resolve(root, storageKey);
    // Defence in depth: the key syntax already excludes "..", absolute paths and odd characters.
    if (!path.startsWith(root + sep)) throw new Error("Invalid storage key: outside the storage folder");
    return path;
  };
  return {
    kind: "folder",
    async put(storageKey, content) {
      const path = pathOf(storageKey);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // Valid keys contain no ".", so a temporary name never collides with an object.
      const temporary = `${path}.${randomUUID()}.tmp`;
      const encrypting = encrypt(key);
      try {
        await pipeline(content, encrypting.counter, encrypting.cipher, createWriteStream(temporary, { flags: "wx", mode: 0o600, flush: true, highWaterMark: STAGE_BYTES }));
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return encrypting.result();
    },
    async get(storageKey, encryption) {
      const path = pathOf(storageKey);
      const decipher = decrypt(key, encryption);
      const file = await open(path, "r"); // rejects (ENOENT) when the object does not exist
      if (!(await file.stat()).isFile()) {
        await file.close();
        throw Object.assign(new Error("No object under this storage key"), { code: "ENOENT" });
      }
      const local: LocalObject = { path, key: keyObject, iv: Buffer.from(encryption.iv, "base64"), tag: Buffer.from(encryption.tag, "base64") };
      return Object.assign(decrypted(file.createReadStream(), decipher), { [LOCAL]: local });
    },
    async delete(storageKey) {
      await rm(pathOf(storageKey), { force: true });
    },
  };
}

/** Parts of a multipart upload; one part at a time bounds the memory held per upload to about two parts. */
const S3_PART_BYTES = 5 * 1024 * 1024;
const S3_PARTS_IN_FLIGHT = 1;

/**
 * Stores each object in an S3-compatible bucket. Uploads go through `@aws-sdk/lib-storage`
 * (multipart beyond one part, a single PUT otherwise), so the length need not be known in
 * advance. A failed upload is aborted; the bucket should also carry a lifecycle rule that
 * aborts incomplete multipart uploads, for the case where the abort itself cannot reach S3.
 */
export function s3Storage(options: S3Options, encryptionKey: Buffer): DocumentStorage {
  const key = checkEncryptionKey(encryptionKey);
  const { bucket } = options;
  // The AWS SDK (about 35 Mo resident once loaded) is loaded by the first operation, never by a
  // service that stores in a folder.
  let sdk: Promise<{ client: S3.S3Client; s3: typeof S3; Upload: typeof S3Upload }> | undefined;
  const load = () =>
    (sdk ??= Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]).then(([s3, { Upload }]) => ({
      s3,
      Upload,
      client: new s3.S3Client({
        endpoint: options.endpoint,
        region: options.region,
        forcePathStyle: options.forcePathStyle,
        credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
        // GCM already authenticates every byte end to end; the SDK's default extra checksums
        // (CRC32 headers, trailers) are refused by several S3-compatible providers.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
    })));
  const remove = async (storageKey: string) => {
    const { client, s3 } = await load();
    await client.send(new s3.DeleteObjectCommand({ Bucket: bucket, Key: storageKey }));
  };
  return {
    kind: "s3",
    async put(storageKey, content) {
      checkStorageKey(storageKey);
      const { client, Upload } = await load();
      const encrypting = encrypt(key);
      const body = new PassThrough();
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: storageKey, Body: body, ContentType: "application/octet-stream" },
        partSize: S3_PART_BYTES,
        queueSize: S3_PARTS_IN_FLIGHT,
      });
      // The upload fails on a source error (its body errors): lib-storage then aborts the
      // multipart upload. When the upload fails first, stop the source rather than let it stall.
      const uploading = upload.done().catch((error: unknown) => {
        body.destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      });
      const piping = pipeline(content, encrypting.counter, encrypting.cipher, body);
      const [piped, uploaded] = await Promise.allSettled([piping, uploading]);
      if (piped.status === "rejected") {
        // The source's error wins over the upload's (which may only say the abort failed).
        if (uploaded.status === "fulfilled") await remove(storageKey).catch(() => {});
        throw piped.reason;
      }
      if (uploaded.status === "rejected") throw uploaded.reason;
      return encrypting.result();
    },
    async get(storageKey, encryption) {
      checkStorageKey(storageKey);
      const decipher = decrypt(key, encryption);
      const { client, s3 } = await load();
      const object = await client.send(new s3.GetObjectCommand({ Bucket: bucket, Key: storageKey })); // rejects (NoSuchKey)
      if (!(object.Body instanceof Readable)) throw new Error("S3 GetObject returned no Node.js stream");
      return decrypted(object.Body, decipher);
    },
    async delete(storageKey) {
      checkStorageKey(storageKey);
      await remove(storageKey);
    },
  };
}

function checkEncryptionKey(key: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new Error(`The storage encryption key must be ${KEY_BYTES} bytes (AES-256)`);
  return Buffer.from(key); // a private copy
}

function checkStorageKey(storageKey: string): void {
  if (storageKey.length > MAX_KEY_LENGTH || !STORAGE_KEY.test(storageKey)) {
    throw new Error("Invalid storage key: segments of [A-Za-z0-9_-] separated by single slashes expected");
  }
}

/**
 * The bytes of every put go through small buffers (socket reads, parser slices, cipher output)
 * that die at once but live outside V8's heap: V8 collects them only once tens of Mo of them
 * have piled up (its external-memory trigger), which fifty simultaneous uploads reach in a blink.
 * Every COLLECT_EVERY bytes stored (all puts together), the young generation is collected (about
 * a millisecond with the 2 Mo semi-space of `npm run start:prod`), which frees them; every
 * FULL_EVERY-th time, the whole heap (15–25 ms), for the buffers of uploads in flight that
 * outlived two young collections; and once the stores stop, the whole heap once (SETTLE_MS).
 * 50 simultaneous 11.5 Mo uploads on the host of docs/PERFORMANCE.md §2's third pass: peak
 * 262–278 → 255 Mo, at rest after them 201–215 → 189–195 Mo (every 8 Mo, no settling → every 4 Mo
 * and settling). `gc` is exposed to a fresh context only (memory.ts), never to this one's code.
 */
const COLLECT_EVERY = 4 * 1024 * 1024;
/** One collection in eight is a full one: buffers of uploads in flight outlive two young collections and reach the old generation. */
const FULL_EVERY = 8;
/**
 * Once nothing has been stored for this long, and at least COLLECT_EVERY bytes were stored since
 * the last full collection, the whole heap is collected once: the buffers of the last uploads
 * would otherwise stay resident until some later collection, which an idle instance never makes.
 * (A small upload, or a slow one pausing early, makes none.)
 */
const SETTLE_MS = 1000;
let sinceCollect = 0;
let sinceFull = 0;
let collections = 0;
let settle: NodeJS.Timeout | undefined;
function collectFull(): void {
  sinceFull = 0;
  collectGarbage("major");
}
function collected(bytes: number): void {
  sinceFull += bytes;
  if (sinceFull >= COLLECT_EVERY) {
    settle ??= setTimeout(collectFull, SETTLE_MS).unref();
    // Re-armed by every chunk (a fired timer is armed again): it fires once the stores have stopped.
    settle.refresh();
  }
  sinceCollect += bytes;
  if (sinceCollect < COLLECT_EVERY) return;
  sinceCollect = 0;
  collections++;
  if (collections % FULL_EVERY === 0) collectFull();
  else collectGarbage("minor");
}

/** A cipher with a fresh IV, preceded by a counter of plaintext bytes; `result()` once the pipeline is done. */
function encrypt(key: Buffer) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES, highWaterMark: STAGE_BYTES });
  let size = 0;
  const counter = new Transform({
    highWaterMark: STAGE_BYTES,
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      collected(chunk.length);
      callback(null, chunk);
    },
  });
  const result = () => ({
    size,
    encryption: { iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") },
  });
  return { counter, cipher, result };
}

/** Checks the stored parameters before any I/O, so that a malformed row rejects rather than streams. */
function decrypt(key: Buffer, encryption: Encryption) {
  const iv = Buffer.from(encryption.iv, "base64");
  const tag = Buffer.from(encryption.tag, "base64");
  if (iv.length !== IV_BYTES) throw new Error(`Invalid encryption IV: ${IV_BYTES} bytes expected`);
  // A fixed tag length: GCM would otherwise accept truncated (weaker) tags.
  if (tag.length !== TAG_BYTES) throw new Error(`Invalid encryption tag: ${TAG_BYTES} bytes expected`);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return decipher;
}

/** The ciphertext through the decipher; any error (read, authentication) destroys the returned stream with it. */
function decrypted(ciphertext: Readable, decipher: DecipherGCM): Readable {
  void pipeline(ciphertext, decipher).catch(() => {
    // Already reported to the reader: pipeline destroys `decipher` with the error.
  });
  return decipher;
}
