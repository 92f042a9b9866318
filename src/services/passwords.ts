import { argon2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

/**
 * Password and secret-answer hashing with Node's built-in argon2id (OWASP parameters:
 * 19 MiB, 2 passes, 1 lane), stored in the PHC string format so parameters can evolve.
 */
const argon2Async = promisify(argon2);

export interface Argon2Params {
  memory: number;
  passes: number;
  parallelism: number;
}

export const DEFAULT_ARGON2: Argon2Params = { memory: 19_456, passes: 2, parallelism: 1 };
const TAG_LENGTH = 32;

async function derive(secret: string, salt: Buffer, p: Argon2Params, tagLength: number): Promise<Buffer> {
  return argon2Async("argon2id", {
    message: Buffer.from(secret.normalize("NFC"), "utf8"),
    nonce: salt,
    parallelism: p.parallelism,
    tagLength,
    memory: p.memory,
    passes: p.passes,
  });
}

export async function hashSecret(secret: string, params: Argon2Params = DEFAULT_ARGON2): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, params, TAG_LENGTH);
  const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(hash)}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m) return false;
  const [, memory, passes, parallelism, salt, hash] = m as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, "base64");
  const actual = await derive(
    secret,
    Buffer.from(salt, "base64"),
    { memory: Number(memory), passes: Number(passes), parallelism: Number(parallelism) },
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random secret, verified when the account does not exist, so that an
 * unknown identifier takes as long to refuse as a wrong password.
 */
let decoy: Promise<string> | undefined;
export async function verifyDecoy(secret: string): Promise<false> {
  decoy ??= hashSecret(randomBytes(16).toString("hex"));
  await verifySecret(secret, await decoy);
  return false;
}
