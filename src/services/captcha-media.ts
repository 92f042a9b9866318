import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
// The minified build: the same code, whose source V8 keeps (twice, as an ES import of CommonJS) at 0.8 MB instead of 2.7 (issue 8, memory).
import fontkit from "@pdf-lib/fontkit/dist/fontkit.umd.min.js";
import { IMAGE_HEIGHT, IMAGE_WIDTH } from "./captcha.ts";
import { sharp } from "./images.ts";

/**
 * The image and the audio of a captcha code, made afresh at every fetch: nothing of a template
 * reaches the client. The image is a PNG rasterised on the server from glyph outlines bent,
 * rotated, skewed, scaled and moved at random, over specks and lines, with grain on every pixel;
 * the audio is the recorded digits resampled (speed and pitch), scaled, spaced at random and mixed
 * with noise, so that no run of bytes of a recorded clip survives.
 */

/** A uniform random number in [min, max), from the system's cryptographic source. */
function uniform(min: number, max: number): number {
  return min + (randomBytes(4).readUInt32BE(0) / 2 ** 32) * (max - min);
}

/* ---- Image ---- */

type Font = ReturnType<typeof fontkit.create>;
let marianne: Font | undefined;
function font(): Font {
  marianne ??= fontkit.create(
    readFileSync(join(dirname(createRequire(import.meta.url).resolve("@gouvfr/dsfr/package.json")), "dist", "fonts", "Marianne-Bold.woff")),
  );
  return marianne;
}

const grey = (level: number) => {
  const v = Math.max(0, Math.min(255, Math.round(level)));
  return `rgb(${v},${v},${v})`;
};

/** The outline of a digit with every point moved: a wave across the glyph plus jitter. */
function bentOutline(d: string): string {
  const [ax, ay] = [uniform(10, 28), uniform(8, 22)];
  const [fx, fy] = [uniform(0.006, 0.014), uniform(0.006, 0.014)];
  const [px, py] = [uniform(0, 2 * Math.PI), uniform(0, 2 * Math.PI)];
  // Glyph paths are absolute commands (M, L, Q, C, Z) followed by x y pairs.
  return d.replace(/([MLQCZ])([^MLQCZ]*)/g, (_m, command: string, args: string) => {
    const numbers = args.match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
    const moved: string[] = [];
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      const x = numbers[i]!;
      const y = numbers[i + 1]!;
      moved.push(`${(x + ax * Math.sin(y * fx + px) + uniform(-9, 9)).toFixed(1)} ${(y + ay * Math.sin(x * fy + py) + uniform(-9, 9)).toFixed(1)}`);
    }
    return command + moved.join(" ");
  });
}

function randomCurve(): string {
  const y = () => uniform(10, IMAGE_HEIGHT - 10).toFixed(1);
  return `M${uniform(-10, 40).toFixed(1)} ${y()} C${uniform(60, 140).toFixed(1)} ${y()} ${uniform(160, 240).toFixed(1)} ${y()} ${uniform(260, 310).toFixed(1)} ${y()}`;
}

/** The SVG drawn on the server only (never sent): outlines as paths, each with its own transform. */
function imageSvg(code: string): string {
  const f = font();
  const ground = uniform(236, 256);
  const parts: string[] = [`<rect width="100%" height="100%" fill="${grey(ground)}"/>`];
  const specks = Math.round(uniform(140, 240));
  for (let i = 0; i < specks; i++) {
    parts.push(
      `<circle cx="${uniform(0, IMAGE_WIDTH).toFixed(1)}" cy="${uniform(0, IMAGE_HEIGHT).toFixed(1)}" r="${uniform(0.5, 2).toFixed(2)}" fill="${grey(uniform(60, 200))}"/>`,
    );
  }
  const lines = () => {
    const n = Math.round(uniform(2, 4));
    for (let i = 0; i < n; i++) {
      parts.push(`<path d="${randomCurve()}" fill="none" stroke="${grey(uniform(40, 140))}" stroke-width="${uniform(1.2, 2.8).toFixed(2)}"/>`);
    }
  };
  lines();
  const slot = (IMAGE_WIDTH - 36) / code.length;
  [...code].forEach((digit, i) => {
    const glyph = f.glyphForCodePoint(digit.charCodeAt(0));
    const box = glyph.bbox;
    const size = uniform(50, 66) / f.unitsPerEm;
    const cx = 18 + slot * (i + 0.5) + uniform(-5, 5);
    const cy = IMAGE_HEIGHT / 2 + uniform(-9, 9);
    const transform = [
      `translate(${cx.toFixed(1)} ${cy.toFixed(1)})`,
      `rotate(${uniform(-28, 28).toFixed(1)})`,
      `skewX(${uniform(-16, 16).toFixed(1)})`,
      `scale(${(size * uniform(0.85, 1.15)).toFixed(4)} ${(-size * uniform(0.85, 1.15)).toFixed(4)})`,
      `translate(${(-(box.minX + box.maxX) / 2).toFixed(1)} ${(-(box.minY + box.maxY) / 2).toFixed(1)})`,
    ].join(" ");
    const ink = grey(uniform(15, 75));
    parts.push(`<path transform="${transform}" d="${bentOutline(glyph.path.toSVG())}" fill="${ink}" stroke="${ink}" stroke-width="${uniform(0, 30).toFixed(1)}"/>`);
  });
  lines();
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${IMAGE_WIDTH}" height="${IMAGE_HEIGHT}" viewBox="0 0 ${IMAGE_WIDTH} ${IMAGE_HEIGHT}">${parts.join("")}</svg>`;
}

/** A PNG of `code` (grey levels), different at every call. */
export async function renderImage(code: string): Promise<Buffer> {
  const { data, info } = await sharp(Buffer.from(imageSvg(code)))
    .greyscale()
    .blur(uniform(0.3, 0.8))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, info.width * info.height * info.channels);
  const grain = randomBytes(pixels.length);
  const strength = uniform(14, 30);
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.max(0, Math.min(255, Math.round(pixels[i]! + ((grain[i]! - 127.5) / 127.5) * strength)));
  }
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length), { raw: { width: info.width, height: info.height, channels: info.channels } })
    // 16 grey levels in a palette: the same picture in about 12 kB instead of 44 (a phone fetches
    // it while the page loads, issue 8); the noise stays different at every call.
    .png({ palette: true, colours: 16, compressionLevel: 9 })
    .toBuffer();
}

/* ---- Audio: the digits, recorded once with espeak-ng (French voice, 16-bit mono WAV). ---- */

interface Clip {
  sampleRate: number;
  samples: Int16Array;
}

function readWav(file: URL): Clip {
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
  if (!format || !data || format.readUInt16LE(0) !== 1 || format.readUInt16LE(2) !== 1 || format.readUInt16LE(14) !== 16) {
    throw new Error(`not a 16-bit mono PCM WAV file: ${file.pathname}`);
  }
  const samples = new Int16Array(Math.floor(data.length / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
  return { sampleRate: format.readUInt32LE(4), samples };
}

let clips: Clip[] | undefined;
/** The shipped recordings of 0…9 (also read by the tests, to prove none of their bytes is sent). */
export function digitClips(): Clip[] {
  clips ??= Array.from({ length: 10 }, (_, d) => readWav(new URL(`../../assets/captcha-audio/${d}.wav`, import.meta.url)));
  return clips;
}

/** `samples` played `speed` times faster (pitch follows), starting `phase` of a sample in. */
function resample(samples: Int16Array, speed: number, phase: number): Float32Array {
  const out = new Float32Array(Math.max(0, Math.floor((samples.length - 1 - phase) / speed)));
  for (let i = 0; i < out.length; i++) {
    const at = phase + i * speed;
    const k = Math.floor(at);
    const t = at - k;
    out[i] = samples[k]! * (1 - t) + samples[k + 1]! * t;
  }
  return out;
}

/** A WAV file speaking `code`, different at every call. */
export function renderAudio(code: string): Buffer {
  const all = digitClips();
  const rate = all[0]!.sampleRate;
  const voice = uniform(0.88, 1.12);
  const pieces: Array<{ at: number; samples: Float32Array; gain: number }> = [];
  let cursor = Math.round(uniform(0.3, 0.7) * rate);
  for (const ch of code) {
    const samples = resample(all[Number(ch)]!.samples, voice * uniform(0.95, 1.05), uniform(0, 1));
    pieces.push({ at: cursor, samples, gain: uniform(0.55, 0.9) });
    cursor += samples.length + Math.round(uniform(0.4, 1.0) * rate);
  }
  const length = cursor;
  const mix = new Float32Array(length);
  for (const p of pieces) for (let i = 0; i < p.samples.length; i++) mix[p.at + i] = p.samples[i]! * p.gain;

  // Noise on every sample (triangular, from the cryptographic source) and a hum of random pitch.
  const hiss = uniform(0.008, 0.02) * 32767;
  const hum = uniform(0.002, 0.012) * 32767;
  const humStep = (2 * Math.PI * uniform(70, 190)) / rate;
  const humPhase = uniform(0, 2 * Math.PI);
  const noise = randomBytes(length * 2);
  const pcm = new Int16Array(length); // little-endian on every platform Node supports
  for (let i = 0; i < length; i++) {
    const n = ((noise[2 * i]! + noise[2 * i + 1]!) / 510 - 0.5) * 2 * hiss;
    const v = mix[i]! + n + hum * Math.sin(humPhase + i * humStep);
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);

  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
