import { createHmac, hkdfSync, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { createChallenge, verifySolution, type Challenge, type Solution } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import type { Db } from "../db/client.ts";
import { countCaptchaFetch, spendCaptcha } from "../db/repositories/captchas.ts";
import type { Clock } from "./clock.ts";

/**
 * The sign-up captcha. Two ways through, both accessible and self-hosted:
 *
 * - With JavaScript, a proof of work (ALTCHA: `altcha-lib` here, the `altcha` widget in the
 *   page): the browser spends about a second of computation, the person does nothing.
 * - Without, a code of digits shown as an image and spoken as audio, both made afresh at each
 *   fetch (captcha-media.ts), each fetched at most a few times.
 *
 * Showing a challenge costs nothing: the code's challenge is a token signed with HMAC-SHA-256
 * (id, expiry), carried by the form; its answer is derived from the id with another key. The
 * database is written only when a challenge is used: one row to spend it (once, right or wrong),
 * one per kind of media fetched (a counter). Keys are derived from SESSION_SECRET with HKDF.
 */
export const CAPTCHA_LENGTH = 6;
/** The size of the code's image, in pixels (the page states it, so that nothing moves as it loads). */
export const IMAGE_WIDTH = 300;
export const IMAGE_HEIGHT = 100;
/**
 * The image's and the audio's maker, with fontkit, the font and the recorded digits, loaded at the
 * first fetch of either, not at start: most visitors never ask for them (docs/PERFORMANCE.md).
 */
const media = () => import("./captcha-media.ts");
/** No time pressure (RGAA): a challenge lasts half an hour. */
export const CAPTCHA_LIFETIME_MS = 30 * 60 * 1000;
/** Fetches of the image, and of the audio, of one challenge. */
export const MEDIA_FETCH_LIMIT = 5;
/** The proof-of-work algorithm (its workers are served to the browser with the widget). */
export const ALTCHA_ALGORITHM = "PBKDF2/SHA-256";
/** The payload of the widget is some 700 characters; anything much longer is not one. */
const MAX_ALTCHA_PAYLOAD = 4096;

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
const TOKEN = new RegExp(`^(${UUID})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})$`);
const UUID_ONLY = new RegExp(`^${UUID}$`);

export type MediaResult = { kind: "ok"; body: Buffer } | { kind: "unknown" } | { kind: "exhausted" };

export interface CaptchaOptions {
  /** PBKDF2 iterations per try. */
  altchaCost?: number;
  /** The solution's counter is drawn in [min, max]: the number of tries the browser makes. */
  altchaCounter?: readonly [number, number];
}

interface Token {
  id: string;
  expiresAt: Date;
}

export class Captcha {
  private readonly tokenKey: Buffer;
  private readonly answerKey: Buffer;
  private readonly mediaKey: Buffer;
  private readonly altchaSecret: string;
  private readonly altchaKeySecret: string;
  private readonly altchaCost: number;
  private readonly altchaCounter: readonly [number, number];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    secret: string,
    options: CaptchaOptions = {},
  ) {
    const key = (purpose: string) => Buffer.from(hkdfSync("sha256", secret, "permis-en-ligne/captcha", purpose, 32));
    this.tokenKey = key("token");
    this.answerKey = key("answer");
    this.mediaKey = key("media");
    this.altchaSecret = key("altcha-challenge").toString("hex");
    this.altchaKeySecret = key("altcha-key").toString("hex");
    this.altchaCost = options.altchaCost ?? 1000;
    this.altchaCounter = options.altchaCounter ?? [4000, 8000];
  }

  /* ---- The code (image and audio) ---- */

  /** A new challenge, as the token the form carries. Nothing is stored. */
  create(): string {
    const id = randomUUID();
    const expires = Math.floor((this.clock.now().getTime() + CAPTCHA_LIFETIME_MS) / 1000);
    return `${id}.${expires}.${this.sign(id, expires)}`;
  }

  /** The code of a live challenge (drawn in its image and spoken in its audio). */
  answer(token: string): string | undefined {
    const t = this.parse(token);
    return t ? this.answerOf(t.id) : undefined;
  }

  async image(token: string): Promise<MediaResult> {
    const t = this.parse(token);
    if (!t) return { kind: "unknown" };
    if (!(await this.fetchAllowed(t, "image"))) return { kind: "exhausted" };
    return { kind: "ok", body: await (await media()).renderImage(this.answerOf(t.id)) };
  }

  async audio(token: string): Promise<MediaResult> {
    const t = this.parse(token);
    if (!t) return { kind: "unknown" };
    if (!(await this.fetchAllowed(t, "audio"))) return { kind: "exhausted" };
    return { kind: "ok", body: (await media()).renderAudio(this.answerOf(t.id)) };
  }

  /** True when `typed` is the challenge's code; the challenge is spent either way. */
  async verify(token: string, typed: string): Promise<boolean> {
    const t = this.parse(token);
    if (!t) return false;
    if (!(await spendCaptcha(this.db, t.id, t.expiresAt))) return false;
    const expected = Buffer.from(this.answerOf(t.id));
    const given = Buffer.from(typed.replace(/\s+/g, ""));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /* ---- The proof of work (ALTCHA) ---- */

  /** A signed challenge for the widget; nothing is stored. */
  async altchaChallenge(): Promise<Challenge> {
    const [min, max] = this.altchaCounter;
    return createChallenge({
      algorithm: ALTCHA_ALGORITHM,
      cost: this.altchaCost,
      counter: randomInt(min, max + 1),
      deriveKey,
      expiresAt: new Date(this.clock.now().getTime() + CAPTCHA_LIFETIME_MS),
      data: { challengeId: randomUUID() },
      hmacSignatureSecret: this.altchaSecret,
      hmacKeySignatureSecret: this.altchaKeySecret,
    });
  }

  /** True when `payload` (the widget's field) solves one of our live challenges, the first time. */
  async verifyAltcha(payload: string): Promise<boolean> {
    if (payload.length > MAX_ALTCHA_PAYLOAD) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
    } catch {
      return false;
    }
    if (!isPayload(parsed)) return false;
    const { challenge, solution } = parsed;
    const { expiresAt, data, algorithm } = challenge.parameters;
    const challengeId = data?.challengeId;
    if (algorithm !== ALTCHA_ALGORITHM || typeof expiresAt !== "number" || typeof challengeId !== "string" || !UUID_ONLY.test(challengeId)) return false;
    if (expiresAt * 1000 <= this.clock.now().getTime()) return false;
    let verified: boolean;
    try {
      const result = await verifySolution({
        challenge,
        solution,
        deriveKey,
        hmacSignatureSecret: this.altchaSecret,
        hmacKeySignatureSecret: this.altchaKeySecret,
      });
      verified = result.verified;
    } catch {
      return false;
    }
    // Spent only once verified: a forged payload writes nothing.
    return verified && spendCaptcha(this.db, challengeId, new Date(expiresAt * 1000));
  }

  /* ---- Internals ---- */

  private sign(id: string, expires: number): string {
    return createHmac("sha256", this.tokenKey).update(`captcha/v1/${id}/${expires}`).digest("base64url");
  }

  /** The id and expiry of a token we signed that has not expired; undefined otherwise. */
  private parse(token: string): Token | undefined {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const [, id, expiresText, signature] = m as unknown as [string, string, string, string];
    const expires = Number(expiresText);
    const expected = Buffer.from(this.sign(id, expires));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const expiresAt = new Date(expires * 1000);
    return expiresAt.getTime() > this.clock.now().getTime() ? { id, expiresAt } : undefined;
  }

  private answerOf(id: string): string {
    const mac = createHmac("sha256", this.answerKey).update(id).digest();
    return String(mac.readUIntBE(0, 6) % 10 ** CAPTCHA_LENGTH).padStart(CAPTCHA_LENGTH, "0");
  }

  /** Counts this fetch under an id derived from the challenge's and the media's kind. */
  private async fetchAllowed(t: Token, kind: "image" | "audio"): Promise<boolean> {
    const h = createHmac("sha256", this.mediaKey).update(`${t.id}/${kind}`).digest("hex");
    const counterId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    return (await countCaptchaFetch(this.db, counterId, t.expiresAt)) <= MEDIA_FETCH_LIMIT;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPayload(v: unknown): v is { challenge: Challenge; solution: Solution } {
  return (
    isObject(v) &&
    isObject(v.challenge) &&
    isObject(v.challenge.parameters) &&
    typeof v.challenge.signature === "string" &&
    isObject(v.solution) &&
    typeof v.solution.counter === "number" &&
    typeof v.solution.derivedKey === "string"
  );
}
