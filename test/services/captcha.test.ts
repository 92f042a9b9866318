import { readFileSync } from "node:fs";
import { count } from "drizzle-orm";
import sharp from "sharp";
import { solveChallenge, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captchas } from "../../src/db/schema.ts";
import { Captcha, CAPTCHA_LIFETIME_MS, IMAGE_HEIGHT, IMAGE_WIDTH, MEDIA_FETCH_LIMIT } from "../../src/services/captcha.ts";
import { renderAudio, renderImage } from "../../src/services/captcha-media.ts";
import { ManualClock } from "../helpers/clock.ts";
import { testDatabase, type TestDatabase } from "../helpers/db.ts";

const SECRET = "test-captcha-secret-0123456789-abcdefghij";
/** Easier proofs than in production, so the suite stays quick (the HTTP test solves a real one). */
const EASY = { altchaCost: 100, altchaCounter: [50, 400] as const };

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db.dispose());

const rows = async () => (await db.db.select({ n: count() }).from(captchas))[0]!.n;

const clipFiles = Array.from({ length: 10 }, (_, d) => readFileSync(new URL(`../../assets/captcha-audio/${d}.wav`, import.meta.url)));
/** The data chunk of a shipped clip (after its 44-byte header, as the old captcha sent it). */
const clipData = (d: number) => clipFiles[d]!.subarray(44);

const RUN = 64;
const [B1, B2] = [0x01000193, 0x5bd1e995];
const power = (b: number) => Array.from({ length: RUN }).reduce<number>((p) => Math.imul(p, b), 1);
const [P1, P2] = [power(B1), power(B2)];

/** Calls `each` with a 53-bit rolling hash of every RUN-byte window of `buf` (two 32-bit Rabin–Karp hashes). */
function eachWindow(buf: Buffer, each: (key: number, start: number) => boolean | void): boolean {
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < buf.length; i++) {
    h1 = (Math.imul(h1, B1) + buf[i]!) | 0;
    h2 = (Math.imul(h2, B2) + buf[i]!) | 0;
    if (i >= RUN) {
      h1 = (h1 - Math.imul(buf[i - RUN]!, P1)) | 0;
      h2 = (h2 - Math.imul(buf[i - RUN]!, P2)) | 0;
    }
    if (i >= RUN - 1 && each((h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff), i - RUN + 1) === true) return true;
  }
  return false;
}

interface Runs {
  keys: Set<number>;
  buffers: Buffer[];
}

/** Every RUN-byte run of `buffers`, by hash. */
function runsOf(buffers: Buffer[]): Runs {
  const keys = new Set<number>();
  for (const b of buffers) eachWindow(b, (key) => void keys.add(key));
  return { keys, buffers };
}

/** Whether `b` holds a RUN-byte run of `runs` (a hash hit is checked against the bytes). */
function sharesRun(b: Buffer, runs: Runs): boolean {
  return eachWindow(b, (key, start) => runs.keys.has(key) && runs.buffers.some((x) => x.includes(b.subarray(start, start + RUN))));
}

/**
 * The review's solver: finds each shipped clip in the audio by searching 256 bytes of it (taken
 * where it is loudest), and reads the digits in the order found. Undefined when it finds none.
 */
function byteSearchSolver(wav: Buffer): string | undefined {
  const found: Array<{ at: number; digit: number }> = [];
  for (let d = 0; d < 10; d++) {
    const data = clipData(d);
    let loudest = 0;
    for (let i = 0; i + 1 < data.length; i += 2) if (Math.abs(data.readInt16LE(i)) > Math.abs(data.readInt16LE(loudest))) loudest = i;
    const start = Math.max(0, loudest - 128);
    const probe = data.subarray(start, start + 256);
    for (let at = wav.indexOf(probe); at !== -1; at = wav.indexOf(probe, at + 1)) found.push({ at, digit: d });
  }
  return found.length ? found.sort((a, b) => a.at - b.at).map((f) => f.digit).join("") : undefined;
}

describe("the code's challenge: a signed token, nothing stored until used", () => {
  it("makes tokens that cost no row, whose code only the server knows", async () => {
    const captcha = new Captcha(db.db, new ManualClock(), SECRET);
    const before = await rows();
    const tokens = Array.from({ length: 200 }, () => captcha.create());
    expect(await rows()).toBe(before);
    expect(new Set(tokens).size).toBe(200);
    for (const token of tokens.slice(0, 5)) {
      expect(captcha.answer(token)).toMatch(/^[0-9]{6}$/);
      expect(token).not.toContain(captcha.answer(token)!.slice(0, 6));
    }
    // Another secret derives other codes and refuses our tokens.
    const other = new Captcha(db.db, new ManualClock(), "another-secret-0123456789-abcdefghijklmn");
    expect(other.answer(tokens[0]!)).toBeUndefined();
  });

  it("accepts the right code once, and spends a challenge even on a wrong code", async () => {
    const captcha = new Captcha(db.db, new ManualClock(), SECRET);
    const token = captcha.create();
    const answer = captcha.answer(token)!;
    expect(await captcha.verify(token, answer.replace(/(...)/, "$1 "))).toBe(true); // spaces are ignored
    expect(await captcha.verify(token, answer)).toBe(false); // replay
    const other = captcha.create();
    const right = captcha.answer(other)!;
    expect(await captcha.verify(other, right === "000000" ? "111111" : "000000")).toBe(false);
    expect(await captcha.verify(other, right)).toBe(false);
  });

  it("refuses a tampered or expired token, and writes nothing for it", async () => {
    const clock = new ManualClock();
    const captcha = new Captcha(db.db, clock, SECRET);
    const token = captcha.create();
    const answer = captcha.answer(token)!;
    const [id, expires, signature] = token.split(".") as [string, string, string];
    const before = await rows();
    const forged = [
      `${id}.${Number(expires) + 3600}.${signature}`, // a longer life
      `${id.replace(/^./, (c) => (c === "a" ? "b" : "a"))}.${expires}.${signature}`, // another id
      `${id}.${expires}.${signature.replace(/^./, (c) => (c === "A" ? "B" : "A"))}`,
      id, // the old form: a bare id
      `${token}x`,
      "",
    ];
    for (const f of forged) {
      expect(captcha.answer(f)).toBeUndefined();
      expect(await captcha.image(f)).toEqual({ kind: "unknown" });
      expect(await captcha.verify(f, answer)).toBe(false);
    }
    expect(await rows()).toBe(before);
    clock.advance(CAPTCHA_LIFETIME_MS + 1000);
    expect(captcha.answer(token)).toBeUndefined();
    expect(await captcha.audio(token)).toEqual({ kind: "unknown" });
    expect(await captcha.verify(token, answer)).toBe(false);
    expect(await rows()).toBe(before);
  });

  it("serves the image and the audio a few times each, then refuses", async () => {
    const captcha = new Captcha(db.db, new ManualClock(), SECRET);
    const token = captcha.create();
    for (let i = 0; i < MEDIA_FETCH_LIMIT; i++) expect((await captcha.image(token)).kind).toBe("ok");
    expect(await captcha.image(token)).toEqual({ kind: "exhausted" });
    expect((await captcha.audio(token)).kind).toBe("ok"); // counted apart
    // Still answerable: the person may have read it.
    expect(await captcha.verify(token, captcha.answer(token)!)).toBe(true);
  });
});

describe("the image", () => {
  it("is a PNG of grey pixels with no SVG in it, different at every fetch", async () => {
    const first = await renderImage("314159");
    const second = await renderImage("314159");
    expect(first.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    for (const text of ["<svg", "<path", "314159"]) expect(first.includes(text)).toBe(false);
    const [a, b] = await Promise.all([first, second].map((png) => sharp(png).raw().toBuffer({ resolveWithObject: true })));
    expect([a!.info.width, a!.info.height]).toEqual([IMAGE_WIDTH, IMAGE_HEIGHT]);
    // The same digits, drawn twice: no pixel grid to match (most pixels differ).
    let differing = 0;
    for (let i = 0; i < a!.data.length; i++) if (Math.abs(a!.data[i]! - b!.data[i]!) > 8) differing++;
    expect(differing / a!.data.length).toBeGreaterThan(0.3);
    // Ink on a light ground: the digits are there to be read.
    const dark = [...a!.data].filter((v) => v < 110).length / a!.data.length;
    expect(dark).toBeGreaterThan(0.04);
    expect(dark).toBeLessThan(0.5);
    // Small enough for a phone on a slow network (a 16-level palette: was 44 kB in RGB).
    expect(first.length).toBeLessThan(20_000);
  });
});

describe("the audio", () => {
  it("shares no 64-byte run with another challenge of the same digits, nor with the shipped clips", () => {
    const code = "907214";
    const first = renderAudio(code);
    const second = renderAudio(code);
    expect(first.toString("ascii", 0, 4)).toBe("RIFF");
    expect(first.toString("ascii", 8, 12)).toBe("WAVE");
    expect(first.length).toBeGreaterThan(100_000);
    const clips = runsOf(clipFiles);
    // The detector finds a run when there is one (a clip's 64 bytes inside other bytes).
    expect(sharesRun(Buffer.concat([Buffer.from("x"), clipData(7).subarray(1000, 1000 + RUN), Buffer.from("y")]), clips)).toBe(true);
    expect(sharesRun(first, clips)).toBe(false);
    expect(sharesRun(second, clips)).toBe(false);
    expect(sharesRun(second, runsOf([first]))).toBe(false);
  }, 90_000);

  it("defeats the solver that searches the shipped clips' bytes (which reads a plain concatenation)", () => {
    const code = "583026";
    const plain = Buffer.concat([clipFiles[0]!.subarray(0, 44), ...[...code].map((d) => clipData(Number(d)))]);
    expect(byteSearchSolver(plain)).toBe(code);
    for (let i = 0; i < 3; i++) expect(byteSearchSolver(renderAudio(code))).toBeUndefined();
  });
});

describe("the proof of work (ALTCHA)", { timeout: 60_000 }, () => {
  async function solved(captcha: Captcha): Promise<{ challenge: Challenge; payload: string }> {
    const challenge = await captcha.altchaChallenge();
    const solution = await solveChallenge({ challenge, deriveKey });
    expect(solution).not.toBeNull();
    const payload = Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString("base64");
    return { challenge, payload };
  }

  it("makes challenges that cost no row, signed and expiring", async () => {
    const clock = new ManualClock();
    const captcha = new Captcha(db.db, clock, SECRET, EASY);
    const before = await rows();
    const challenge = await captcha.altchaChallenge();
    expect(await rows()).toBe(before);
    expect(challenge.parameters.algorithm).toBe("PBKDF2/SHA-256");
    expect(challenge.parameters.expiresAt).toBe(Math.floor((clock.now().getTime() + CAPTCHA_LIFETIME_MS) / 1000));
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts a valid solution once and refuses its replay", async () => {
    const captcha = new Captcha(db.db, new ManualClock(), SECRET, EASY);
    const { payload } = await solved(captcha);
    expect(await captcha.verifyAltcha(payload)).toBe(true);
    expect(await captcha.verifyAltcha(payload)).toBe(false);
    // Another instance (same secret, same database) refuses it too.
    expect(await new Captcha(db.db, new ManualClock(), SECRET, EASY).verifyAltcha(payload)).toBe(false);
  });

  it("lets only one of many simultaneous submissions of one proof through", async () => {
    const captcha = new Captcha(db.db, new ManualClock(), SECRET, EASY);
    const { payload } = await solved(captcha);
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => captcha.verifyAltcha(payload)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const token = captcha.create();
    const typed = await Promise.all(Array.from({ length: 12 }, () => captcha.verify(token, captcha.answer(token)!)));
    expect(typed.filter(Boolean)).toHaveLength(1);
  });

  it("refuses an expired challenge", async () => {
    const clock = new ManualClock();
    const captcha = new Captcha(db.db, clock, SECRET, EASY);
    const { payload } = await solved(captcha);
    clock.advance(CAPTCHA_LIFETIME_MS + 1000);
    expect(await captcha.verifyAltcha(payload)).toBe(false);
  });

  it("refuses tampered challenges and solutions, and forged or malformed payloads, writing nothing", async () => {
    const captcha = new Captcha(db.db, new ManualClock(), SECRET, EASY);
    const { challenge, payload } = await solved(captcha);
    const decoded = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as {
      challenge: { parameters: Record<string, unknown>; signature: string };
      solution: { counter: number; derivedKey: string };
    };
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
    const tampered = [
      { ...decoded, challenge: { ...decoded.challenge, parameters: { ...decoded.challenge.parameters, expiresAt: Number(challenge.parameters.expiresAt) + 86_400 } } },
      { ...decoded, challenge: { ...decoded.challenge, parameters: { ...decoded.challenge.parameters, data: { challengeId: crypto.randomUUID() } } } },
      { ...decoded, challenge: { ...decoded.challenge, signature: "0".repeat(64) } },
      { ...decoded, solution: { ...decoded.solution, derivedKey: "00".repeat(32) } },
      { challenge: null, solution: null, test: true }, // the widget's test mode
    ];
    // A challenge made and solved with another secret.
    const stranger = await solved(new Captcha(db.db, new ManualClock(), "another-secret-0123456789-abcdefghijklmn", EASY));
    const before = await rows();
    const refused = [...tampered.map(encode), stranger.payload, "", "%%%", "x".repeat(5000), encode("text"), encode([1, 2])];
    expect(await Promise.all(refused.map((p) => captcha.verifyAltcha(p)))).toEqual(refused.map(() => false));
    expect(await rows()).toBe(before);
    // The genuine payload still works: nothing above spent it.
    expect(await captcha.verifyAltcha(payload)).toBe(true);
  });
});
