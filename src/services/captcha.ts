import { readFileSync } from "node:fs";
import svgCaptcha from "svg-captcha";
import type { Db } from "../db/client.ts";
import { consumeCaptcha, findCaptchaAnswer, insertCaptcha } from "../db/repositories/captchas.ts";
import type { Clock } from "./clock.ts";
import { randomDigits } from "./secrets.ts";

/**
 * An accessible captcha that needs no third party and no JavaScript: a code of digits
 * drawn as an image (paths, not text) and spoken as a WAV file. Challenges live in
 * PostgreSQL and are checked once.
 */
export const CAPTCHA_LENGTH = 6;
const CAPTCHA_LIFETIME_MS = 30 * 60 * 1000;
/** svg-captcha's default export draws a given text (its typings only declare `create`). */
const drawCaptcha = svgCaptcha as unknown as (text: string, options: Parameters<typeof svgCaptcha.create>[0]) => string;

export class Captcha {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async create(): Promise<string> {
    return insertCaptcha(this.db, randomDigits(CAPTCHA_LENGTH), new Date(this.clock.now().getTime() + CAPTCHA_LIFETIME_MS));
  }

  async image(id: string): Promise<string | undefined> {
    const answer = await findCaptchaAnswer(this.db, id, this.clock.now());
    if (!answer) return undefined;
    // Dark grey digits and noise lines on a white ground (also in the dark theme).
    const svg = drawCaptcha(answer, { width: 220, height: 70, fontSize: 64, noise: 3, color: false });
    return svg.replace(/^(<svg[^>]*>)/, '$1<rect width="100%" height="100%" fill="#ffffff"/>');
  }

  async audio(id: string): Promise<Buffer | undefined> {
    const answer = await findCaptchaAnswer(this.db, id, this.clock.now());
    return answer ? spokenDigits(answer) : undefined;
  }

  /** True when `typed` matches; the challenge is spent either way. */
  async verify(id: string, typed: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return false;
    const answer = await consumeCaptcha(this.db, id, this.clock.now());
    return answer !== undefined && typed.replace(/\s+/g, "") === answer;
  }
}

/* ---- Audio: the digits, recorded once with espeak-ng (French voice), joined into one WAV. ---- */

interface Pcm {
  format: Buffer; // the "fmt " chunk body
  data: Buffer;
}

function readWav(file: URL): Pcm {
  const buf = readFileSync(file);
  let offset = 12;
  let format: Buffer | undefined;
  let data: Buffer | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const declared = buf.readUInt32LE(offset + 4);
    const size = id === "data" ? Math.min(declared, buf.length - offset - 8) : declared;
    const body = buf.subarray(offset + 8, offset + 8 + size);
    if (id === "fmt ") format = body;
    if (id === "data") data = body;
    offset += 8 + size + (size % 2);
  }
  if (!format || !data) throw new Error(`invalid WAV file: ${file.pathname}`);
  return { format, data };
}

let digits: Pcm[] | undefined;
function digitClips(): Pcm[] {
  digits ??= Array.from({ length: 10 }, (_, d) => readWav(new URL(`../../assets/captcha-audio/${d}.wav`, import.meta.url)));
  return digits;
}

export function spokenDigits(code: string): Buffer {
  const clips = digitClips();
  const format = clips[0]!.format;
  const byteRate = format.readUInt32LE(8);
  const blockAlign = format.readUInt16LE(12);
  const pause = Buffer.alloc(Math.floor((byteRate * 0.6) / blockAlign) * blockAlign);
  const parts: Buffer[] = [pause];
  for (const ch of code) {
    parts.push(clips[Number(ch)]!.data, pause);
  }
  const data = Buffer.concat(parts);
  const header = Buffer.alloc(12 + 8 + format.length + 8);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(header.length - 8 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(format.length, 16);
  format.copy(header, 20);
  header.write("data", 20 + format.length, "ascii");
  header.writeUInt32LE(data.length, 24 + format.length);
  return Buffer.concat([header, data]);
}
