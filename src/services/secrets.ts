import { createHash, randomBytes, randomInt } from "node:crypto";

/** Random tokens for links sent by mail; only their SHA-256 is stored. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** n decimal digits, uniformly drawn. */
export function randomDigits(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

export { randomInt };
