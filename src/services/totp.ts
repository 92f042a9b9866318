import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomInt } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import QRCode from "qrcode";
import { sha256 } from "./secrets.ts";

/**
 * The agents' second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps) through the
 * `otpauth` library, and single-use recovery codes. A code is accepted within one step either
 * side of the server's time; the step it matched is returned so that the caller can refuse any
 * code of that step or an earlier one afterwards (replay).
 */
export const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one (clock drift of the agent's phone). */
const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
export const TOTP_ISSUER = "Permis de conduire - agents";

function totp(secretBase32: string, label = "agent"): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new random secret (160 bits, base32, as authenticator apps expect). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The time step of an instant. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of the step containing `at` (tests, demonstration). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

/** Six digits, spaces allowed ("123 456"). */
export function normaliseTotpCode(input: string): string | undefined {
  const code = input.replace(/\s+/g, "");
  return /^\d{6}$/.test(code) ? code : undefined;
}

/** The step the code belongs to (within the window around `now`), or undefined when wrong or expired. */
export function matchTotp(secretBase32: string, code: string, now: Date): number | undefined {
  const normalised = normaliseTotpCode(code);
  if (!normalised) return undefined;
  const delta = totp(secretBase32).validate({ token: normalised, timestamp: now.getTime(), window: TOTP_WINDOW });
  return delta === null ? undefined : totpStep(now) + delta;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, label: string): string {
  return totp(secretBase32, label).toString();
}

/** The QR code of the URI as an SVG document (drawn by the server: no script, no external request). */
export async function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}

/** "ABCD-EFGH-JK": letters and digits that cannot be confused (no I, L, O, 0, 1). */
const RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    let raw = "";
    for (let j = 0; j < 12; j++) raw += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    codes.push(`${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`);
  }
  return codes;
}

/** Upper-cased, without separators; undefined when it cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | undefined {
  const raw = input.toUpperCase().replace(/[\s-]+/g, "");
  return raw.length === 12 && [...raw].every((c) => RECOVERY_ALPHABET.includes(c)) ? raw : undefined;
}

/** Only this hash is stored (the codes are random, 59 bits: a fast hash is enough, attempts are rate limited). */
export function hashRecoveryCode(input: string): string | undefined {
  const raw = normaliseRecoveryCode(input);
  return raw ? sha256(`agent-recovery:${raw}`) : undefined;
}

/**
 * Encrypts TOTP secrets at rest (AES-256-GCM) with a key derived from the service's storage key:
 * a copy of the database alone does not give the agents' second factor away.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKeyHex: string) {
    this.key = Buffer.from(hkdfSync("sha256", Buffer.from(masterKeyHex, "hex"), "", "permis-en-ligne totp secrets", 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `v1.${iv.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}.${data.toString("base64url")}`;
  }

  open(sealed: string): string | undefined {
    const [version, iv, tag, data] = sealed.split(".");
    if (version !== "v1" || !iv || !tag || data === undefined) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}
