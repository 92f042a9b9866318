import sharp from "sharp";

/**
 * Sample scans, generated (no binary fixture): a 1600 × 1200 "document", white with lines of
 * black text-like strokes (words of 2 to 12 letters, each letter a few vertical and horizontal
 * bars), then the same degraded the ways a citizen's scan or photo goes wrong.
 */
export type SampleName = "sharp" | "blurred" | "dark" | "light" | "small";

const WIDTH = 1600;
const HEIGHT = 1200;

/** A deterministic pseudo-random sequence (mulberry32): the same page every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sharp page's grey pixels. */
function page(): Buffer {
  const pixels = Buffer.alloc(WIDTH * HEIGHT, 245);
  const next = random(7);
  const fill = (x0: number, y0: number, w: number, h: number, level: number) => {
    for (let y = y0; y < Math.min(HEIGHT, y0 + h); y++) pixels.fill(level, y * WIDTH + x0, y * WIDTH + Math.min(WIDTH, x0 + w));
  };
  for (let line = 100; line < HEIGHT - 100; line += 40) {
    let x = 120;
    while (x < WIDTH - 200) {
      const letters = 2 + Math.floor(next() * 11);
      for (let l = 0; l < letters; l++) {
        // A letter: a vertical bar, sometimes a second one, and a horizontal bar.
        fill(x, line, 3, 18, 20);
        if (next() < 0.5) fill(x + 9, line + 6, 3, 12, 20);
        fill(x, line + (next() < 0.5 ? 6 : 15), 12, 3, 20);
        x += 16;
      }
      x += 14;
    }
  }
  return pixels;
}

export async function sampleScan(name: SampleName, format: "jpeg" | "png" | "tiff" = "jpeg"): Promise<Buffer> {
  let image = sharp(page(), { raw: { width: WIDTH, height: HEIGHT, channels: 1 } });
  if (name === "blurred") image = image.blur(6);
  if (name === "dark") image = image.linear(0.25, 0);
  if (name === "light") image = image.linear(0.2, 200);
  if (name === "small") image = image.resize(300, 200, { fit: "fill" });
  const flat = await image.raw().toBuffer({ resolveWithObject: true });
  const out = sharp(flat.data, { raw: { width: flat.info.width, height: flat.info.height, channels: flat.info.channels } });
  return format === "png" ? out.png().toBuffer() : format === "tiff" ? out.tiff().toBuffer() : out.jpeg({ quality: 90 }).toBuffer();
}

/** An uncompressed 24-bit BMP of a sample (sharp does not write BMP). */
export async function sampleBmp(name: SampleName): Promise<Buffer> {
  const { data, info } = await sharp(await sampleScan(name, "png")).greyscale().raw().toBuffer({ resolveWithObject: true });
  const stride = Math.ceil((info.width * 3) / 4) * 4;
  const bmp = Buffer.alloc(54 + stride * info.height);
  bmp.write("BM", 0, "latin1");
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(info.width, 18);
  bmp.writeInt32LE(info.height, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  bmp.writeUInt32LE(stride * info.height, 34);
  for (let y = 0; y < info.height; y++) {
    const row = 54 + (info.height - 1 - y) * stride;
    for (let x = 0; x < info.width; x++) bmp.fill(data[y * info.width + x]!, row + x * 3, row + x * 3 + 3);
  }
  return bmp;
}
