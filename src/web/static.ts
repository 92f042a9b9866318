import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import compress from "@fastify/compress";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import postcss from "postcss";
import { spriteMasks } from "./icon-sprite.ts";

/**
 * Static files, made for phones on slow networks (issue 8, goal 1; docs/PERFORMANCE.md):
 *  - served under content-hashed URLs (`/static/<hash>/<name>`) and cached for a year,
 *    immutable: a new version is a new URL, so nothing is ever stale;
 *  - compressed once per process (brotli at its best quality, and gzip), one file at a time,
 *    kept in memory, never on each request (a starting service compresses them in the background);
 *  - of the DSFR package, only the folders pages load (fonts, favicons, pictograms);
 *  - one stylesheet made at start ("styles.css"): the DSFR core, its dark theme, the components
 *    whose classes src/web uses, trimmed of the rules no page can match, only the rules of the
 *    icons in use, then our own app.css; every relative `url(...)` (fonts, icons) rewritten to
 *    its hashed URL; the icons (SVG masks) drawn from one sprite, "icons.svg" (icon-sprite.ts);
 *  - one DSFR script ("dsfr.js"): its core, the theme switcher and the used components' scripts.
 * Views name files through `asset(name)`: "styles.css", "dsfr.js", a file of src/web/assets
 * ("app.js"), or "dsfr/<path under @gouvfr/dsfr/dist>" (fonts, pictograms, favicons).
 */
const DSFR_DIST = join(dirname(createRequire(import.meta.url).resolve("@gouvfr/dsfr/package.json")), "dist");
const OWN_ASSETS = fileURLToPath(new URL("./assets", import.meta.url));
const WEB = fileURLToPath(new URL(".", import.meta.url));

export const STATIC_PREFIX = "/static/";
export const IMMUTABLE = "public, max-age=31536000, immutable";

const TYPES: Record<string, { type: string; compressible: boolean }> = {
  ".css": { type: "text/css; charset=utf-8", compressible: true },
  ".js": { type: "text/javascript; charset=utf-8", compressible: true },
  ".svg": { type: "image/svg+xml", compressible: true },
  ".ico": { type: "image/x-icon", compressible: true },
  ".json": { type: "application/json", compressible: true },
  ".webmanifest": { type: "application/manifest+json", compressible: true },
  ".woff2": { type: "font/woff2", compressible: false },
  ".woff": { type: "font/woff", compressible: false },
  ".png": { type: "image/png", compressible: false },
  ".jpg": { type: "image/jpeg", compressible: false },
  ".webp": { type: "image/webp", compressible: false },
};

type Encoding = "br" | "gzip";

interface Asset {
  name: string;
  hash: string;
  url: string;
  type: string;
  compressible: boolean;
  body: Buffer;
  /** Compressed once, on first need; null when compression does not make it smaller. */
  encoded: Partial<Record<Encoding, Promise<Buffer | null>>>;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

function contentHash(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex").slice(0, 16);
}

/** A path under `root`, or undefined if `rel` would leave it. */
function inside(root: string, rel: string): string | undefined {
  if (rel.includes("\0") || rel.includes("\\")) return undefined;
  const full = resolve(root, rel);
  return full.startsWith(root + sep) ? full : undefined;
}

export class AssetRegistry {
  private readonly byName = new Map<string, Asset>();

  add(name: string, body: Buffer): Asset {
    const kind = TYPES[extname(name).toLowerCase()];
    if (!kind) throw new Error(`static: unknown file type ${name}`);
    const hash = contentHash(body);
    const asset: Asset = { name, hash, url: `${STATIC_PREFIX}${hash}/${name}`, type: kind.type, compressible: kind.compressible, body, encoded: {} };
    this.byName.set(name, asset);
    return asset;
  }

  /** The asset `name`, read from disk on first use; undefined for names outside the allowed folders. */
  find(name: string): Asset | undefined {
    const known = this.byName.get(name);
    if (known) return known;
    const file = sourceFile(name);
    if (!file) return undefined;
    return this.add(name, readFileSync(file));
  }

  all(): Asset[] {
    return [...this.byName.values()];
  }
}

/**
 * The DSFR's folders that pages load files from (fonts, favicons, pictograms); the rest of its
 * 89 Mo (its whole stylesheets and scripts, 1,000 icons, source maps) is never served: every
 * file served is read and compressed once and kept in memory, so the set must stay small.
 */
const DSFR_SERVED = /^(fonts|favicon|artwork)\//;

/** Folders of packages whose files pages may load, by name prefix ("dsfr/…"). */
const ROOTS = new Map<string, { dir: string; allow: (path: string) => boolean }>([["dsfr", { dir: DSFR_DIST, allow: (path) => DSFR_SERVED.test(path) }]]);

/**
 * Lets pages load files of another package through `asset("<prefix>/<path>")`, e.g.
 * `addStaticRoot("altcha", dist, (path) => FILES.has(path))`. Call it when a module loads
 * (every instance must know the same roots, so that any of them serves any hashed URL).
 */
export function addStaticRoot(prefix: string, dir: string, allow: (path: string) => boolean = () => true): void {
  if (!/^[a-z0-9-]+$/.test(prefix)) throw new Error(`static: bad prefix ${prefix}`);
  ROOTS.set(prefix, { dir: resolve(dir), allow });
}

/** The file behind an asset name: a registered root ("dsfr/…"), or our own assets (no sub-folders). */
function sourceFile(name: string): string | undefined {
  if (!TYPES[extname(name).toLowerCase()]) return undefined;
  const slash = name.indexOf("/");
  let file: string | undefined;
  if (slash < 0) file = inside(OWN_ASSETS, name);
  else {
    const root = ROOTS.get(name.slice(0, slash));
    const path = name.slice(slash + 1);
    if (root && root.allow(path)) file = inside(root.dir, path);
  }
  if (!file || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return file;
}

/* ---------------- The stylesheet ---------------- */

function walk(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, exts);
    return exts.includes(extname(entry.name)) ? [full] : [];
  });
}

/** Every `fr-…` class name written in src/web (views, routes, our scripts), which may all write some. */
export function usedClasses(): Set<string> {
  const files = [...walk(WEB, [".tsx", ".ts", ".jsx", ".js", ".mjs"])];
  const classes = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, "utf8").matchAll(/\bfr-[a-z0-9]+(?:[-_]{1,2}[a-z0-9]+)*/g)) classes.add(match[0]);
  }
  return classes;
}

/** Class names the DSFR's script may add at run time ("collapse--expanded", "transition-none"…): every short string of its code. */
function scriptClasses(): Set<string> {
  const code = readFileSync(join(DSFR_DIST, "dsfr.module.min.js"), "utf8");
  return new Set([...code.matchAll(/["'`]([a-z][a-z0-9]*(?:[-_]{1,2}[a-z0-9]+)*)["'`]/g)].map((m) => `fr-${m[1]!}`));
}

const CLASS = /\.(-?[_a-zA-Z][\w-]*)/g;

function classesOf(selector: string): string[] {
  // Attribute values and strings are not classes of the element.
  const plain = selector.replace(/\[[^\]]*\]/g, "").replace(/"[^"]*"|'[^']*'/g, "");
  return [...plain.matchAll(CLASS)].map((m) => m[1]!);
}

function withoutComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, "");
}

/** The selectors of a stylesheet (a light scan: DSFR's files are minified, without strings holding braces). */
function selectors(css: string): string[] {
  return [...withoutComments(css).matchAll(/([^{}@;]+)\{/g)].flatMap((m) => m[1]!.split(","));
}

/** A component's stylesheet for current browsers (`.main`), or its only one. */
function componentCss(name: string): string | undefined {
  const dir = join(DSFR_DIST, "component", name);
  return [join(dir, `${name}.main.min.css`), join(dir, `${name}.min.css`)].find((f) => existsSync(f));
}

/** DSFR's components, each with the order its README gives for its stylesheets (dependencies first). */
function componentCatalogue(): Map<string, string[]> {
  const catalogue = new Map<string, string[]>();
  for (const name of readdirSync(join(DSFR_DIST, "component"))) {
    if (!componentCss(name)) continue;
    const readme = join(DSFR_DIST, "component", name, "README.md");
    const order = existsSync(readme) ? [...readFileSync(readme, "utf8").matchAll(/href="css\/([\w-]+)\/[\w-]+\.min\.css"/g)].map((m) => m[1]!) : [];
    catalogue.set(name, order.includes(name) ? order : [...order, name]);
  }
  return catalogue;
}

/**
 * The components the views use: those with at least one selector whose classes are all
 * used (`.fr-header .fr-btn` counts for the header only if both classes appear in the views),
 * in an order that respects every README's order (dependencies first).
 */
export function usedComponents(classes: Set<string>): string[] {
  const catalogue = componentCatalogue();
  const used = [...catalogue.keys()].filter((name) =>
    selectors(readFileSync(componentCss(name)!, "utf8")).some((selector) => {
      const names = classesOf(selector);
      return names.length > 0 && names.every((c) => classes.has(c));
    }),
  );
  const chosen = new Set(used);
  const before = new Map<string, Set<string>>(used.map((n) => [n, new Set<string>()]));
  for (const name of used) {
    const chain = catalogue.get(name)!.filter((n) => chosen.has(n));
    for (let i = 1; i < chain.length; i++) before.get(chain[i]!)!.add(chain[i - 1]!);
  }
  const ordered: string[] = [];
  const pending = new Set(used.sort());
  while (pending.size > 0) {
    const next = [...pending].find((n) => [...before.get(n)!].every((d) => !pending.has(d))) ?? [...pending][0]!;
    ordered.push(next);
    pending.delete(next);
  }
  return ordered;
}

/** Only the rules of the icons in `classes` (each icon's `mask-image`). */
function iconRules(css: string, classes: Set<string>): string {
  const root = postcss.parse(css);
  root.walkRules((rule) => {
    const kept = rule.selectors.filter((selector) => {
      const names = classesOf(selector).filter((c) => c.startsWith("fr-icon-") || c.startsWith("fr-fi-"));
      return names.length > 0 && names.every((c) => classes.has(c));
    });
    if (kept.length === 0) rule.remove();
    else rule.selectors = kept;
  });
  removeEmptyAtRules(root);
  return root.toString();
}

/** A BEM block: `fr-header__menu--opened` belongs to `fr-header`. */
function block(name: string): string {
  return name.split(/__|--/, 1)[0]!;
}

/**
 * Drops the rules no page can match: a selector is kept when each of its classes is used, or
 * belongs to a used block (its elements and states, which the DSFR's script may set), or may
 * be added by the DSFR's script. Rules without classes (elements, `:root`, fonts) are kept.
 */
function trimRules(css: string, classes: Set<string>, runtime: Set<string>): string {
  const blocks = new Set([...classes].map(block));
  const keep = (selector: string) => classesOf(selector).every((c) => classes.has(c) || runtime.has(c) || blocks.has(block(c)));
  const root = postcss.parse(css);
  root.walkRules((rule) => {
    if (rule.parent?.type === "atrule" && /keyframes$/i.test((rule.parent as { name: string }).name)) return;
    const kept = rule.selectors.filter(keep);
    if (kept.length === 0) rule.remove();
    else if (kept.length < rule.selectors.length) rule.selectors = kept;
  });
  removeEmptyAtRules(root);
  return root.toString();
}

function removeEmptyAtRules(root: postcss.Root) {
  let removed = true;
  while (removed) {
    removed = false;
    root.walkAtRules((at) => {
      if (at.nodes && at.nodes.length === 0) {
        at.remove();
        removed = true;
      }
    });
  }
}

/** The sprite of the stylesheet's icons (src/web/icon-sprite.ts). */
const SPRITE = "icons.svg";


/** Rewrites relative `url(...)` to hashed asset URLs (icons: data: URLs), registering the files they point at. */
function rewriteUrls(css: string, cssFile: string, registry: AssetRegistry): string {
  return css.replace(/url\((['"]?)([^'")]+)\1\)/g, (whole, quote: string, ref: string) => {
    if (/^(data:|https?:|\/|#)/.test(ref)) return whole;
    const [path, suffix = ""] = ref.split(/(?=[?#])/, 2) as [string, string?];
    const target = resolve(dirname(cssFile), path);
    if (!target.startsWith(DSFR_DIST + sep)) throw new Error(`static: ${ref} in ${cssFile} leaves the DSFR`);
    // An icon is read into the stylesheet (a page's dozen icons were a dozen requests while it
    // loaded); the masks among them, all of them today, then go into the one sprite.
    if (target.startsWith(join(DSFR_DIST, "icons") + sep) && target.endsWith(".svg") && !suffix) {
      return `url("data:image/svg+xml,${encodeURIComponent(readFileSync(target, "utf8").trim())}")`;
    }
    const found = registry.find(`dsfr/${relative(DSFR_DIST, target).split(sep).join("/")}`);
    if (!found) throw new Error(`static: ${ref} in ${cssFile} not found`);
    return `url(${quote}${found.url}${suffix}${quote})`;
  });
}

function dsfrVersion(): string {
  return (JSON.parse(readFileSync(join(DSFR_DIST, "..", "package.json"), "utf8")) as { version: string }).version;
}

/**
 * The one stylesheet of the pages (see the file's comment), and the DSFR components it holds.
 * `complete`: every component and icon, untrimmed (a reference to compare the pages' looks with).
 */
export function buildStylesheet(registry: AssetRegistry, classes = usedClasses(), opts: { complete?: boolean; sprite?: boolean } = {}): { css: string; components: string[] } {
  const components = opts.complete ? [...componentCatalogue().keys()].sort() : usedComponents(classes);
  const runtime = scriptClasses();
  const trim = (css: string) => (opts.complete ? css : trimRules(css, classes, runtime));
  const files = [join(DSFR_DIST, "core", "core.main.min.css"), join(DSFR_DIST, "scheme", "scheme.min.css"), ...components.map((name) => componentCss(name)!)];
  const parts = [`/*! DSFR v${dsfrVersion()}, the part these pages use | SPDX-License-Identifier: Etalab-2.0 | restricted use (see terms and conditions) */`];
  for (const file of files) parts.push(rewriteUrls(trim(withoutComments(readFileSync(file, "utf8"))), file, registry));
  const icons = join(DSFR_DIST, "utility", "icons", "icons.main.min.css");
  const iconCss = withoutComments(readFileSync(icons, "utf8"));
  parts.push(rewriteUrls(opts.complete ? iconCss : iconRules(iconCss, classes), icons, registry));
  const own = join(OWN_ASSETS, "app.css");
  if (existsSync(own)) parts.push(readFileSync(own, "utf8"));
  const css = parts.join("\n");
  // The icons (SVG masks) from one sprite file: one SVG document per page instead of one per icon.
  if (opts.sprite === false) return { css, components };
  return { css: spriteMasks(css, (sprite) => registry.add(SPRITE, Buffer.from(sprite)).url).css, components };
}

/**
 * The DSFR's script for these pages: its configuration (production mode), its core, the theme
 * switcher (scheme) and the scripts of the components in use, in the READMEs' order, as one
 * module. Each file goes in a block of its own (they declare the same short names; none imports
 * or exports anything).
 */
export function buildScript(components: string[]): string {
  const files = [
    join(DSFR_DIST, "core", "core.module.min.js"),
    join(DSFR_DIST, "scheme", "scheme.module.min.js"),
    ...components.map((name) => join(DSFR_DIST, "component", name, `${name}.module.min.js`)).filter((file) => existsSync(file)),
  ];
  // DSFR's own configuration (window.dsfr, read when its core starts): in production mode it
  // writes nothing to the console — otherwise it logs its version, mode and start on every page,
  // a share of the page's start on a phone (docs/PERFORMANCE.md), more with developer tools open.
  const config = "window.dsfr = { production: true };\n";
  return config + files.map((file) => `{\n${readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "")}\n}`).join("\n");
}

/* ---------------- The registry of the process ---------------- */

let registry: AssetRegistry | undefined;

function assets(): AssetRegistry {
  if (registry) return registry;
  const r = new AssetRegistry();
  const { css, components } = buildStylesheet(r);
  r.add("styles.css", Buffer.from(css));
  r.add("dsfr.js", Buffer.from(buildScript(components)));
  for (const file of readdirSync(OWN_ASSETS)) {
    if (file !== "app.css" && TYPES[extname(file)]) r.find(file);
  }
  registry = r;
  return r;
}

/** The hashed URL of a static file; throws for a file that does not exist (a view's mistake). */
export function asset(name: string): string {
  const found = assets().find(name);
  if (!found) throw new Error(`static: no file ${name}`);
  return found.url;
}

/** How many static files are being compressed now, and the most at once so far (read by the tests). */
export const staticCompressions = { running: 0, mostAtOnce: 0 };
let compressionQueue: Promise<unknown> = Promise.resolve();

/**
 * Static files are compressed one at a time, in the order asked: at the best quality a file
 * takes a thread of libuv's pool for up to a second, and that pool of four also hashes
 * passwords and reads files — a burst of first requests must not take all of it.
 */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = compressionQueue.then(async () => {
    staticCompressions.running++;
    staticCompressions.mostAtOnce = Math.max(staticCompressions.mostAtOnce, staticCompressions.running);
    try {
      return await work();
    } finally {
      staticCompressions.running--;
    }
  });
  compressionQueue = run.catch(() => undefined);
  return run;
}

function encoded(a: Asset, encoding: Encoding): Promise<Buffer | null> {
  a.encoded[encoding] ??= a.compressible
    ? oneAtATime(async () => {
        const out =
          encoding === "br"
            ? await brotli(a.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: a.body.length } })
            : await gzipAsync(a.body, { level: 9 });
        return out.length < a.body.length ? out : null;
      })
    : Promise.resolve(null);
  return a.encoded[encoding]!;
}

/** The encodings the client accepts, best first ("br", then "gzip"). */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  const q = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    if (!token) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    q.set(token, qParam ? Number(qParam.slice(2)) || 0 : 1);
  }
  const accepts = (e: Encoding) => (q.get(e) ?? q.get("*") ?? 0) > 0;
  return (["br", "gzip"] as const).filter(accepts);
}

async function serve(request: FastifyRequest, reply: FastifyReply) {
  const { hash, "*": name } = request.params as { hash: string; "*": string };
  const found = assets().find(name);
  if (!found || found.hash !== hash) {
    return reply.code(404).header("cache-control", "no-store").type("text/plain; charset=utf-8").send("Fichier introuvable");
  }
  reply.header("cache-control", IMMUTABLE).header("etag", `"${found.hash}"`).type(found.type);
  if (found.compressible) reply.header("vary", "Accept-Encoding");
  if (request.headers["if-none-match"] === `"${found.hash}"`) return reply.code(304).send();
  for (const encoding of acceptedEncodings(request.headers["accept-encoding"])) {
    const body = await encoded(found, encoding);
    if (body) return reply.header("content-encoding", encoding).send(body);
  }
  return reply.send(found.body);
}

/**
 * Registers, on the root instance: the hashed static files, and the compression of the
 * dynamic responses (HTML pages, above 1 kB). Static files are compressed here, once; request
 * bodies are never decompressed (no zip bombs).
 *
 * A page is compressed in one synchronous call up to 256 kB (`syncThreshold`; no page comes
 * near): on a 2-core host the plugin's default sent every page above 8 kB through a zlib stream
 * on the thread pool, which halved the dashboard's throughput for browsers (issue 8).
 *
 * Brotli at quality 1 when the browser takes it (every current one does over HTTPS), gzip
 * otherwise: on the 14 kB dashboard, 74 µs for 4.2 kB where gzip (level 6) took 195 µs for 3.7 kB
 * and brotli at the plugin's quality 4 352 µs for 3.6 kB (a 2-core Xeon host, production's flags;
 * docs/PERFORMANCE.md, "Seventh pass"). Half a kilobyte more is nothing on the wire (a page still
 * fits in TCP's first flight), two thirds of the compression's CPU is a lot on the service's
 * thread. Static files are compressed once, at the best quality (above). A 16 kB window and
 * memLevel 6 for gzip (zlib's default: 32 kB and 8): the same bytes for pages this size, and no
 * buffer of zlib's reaches the 64 kB above which glibc maps and unmaps memory at each call
 * (MALLOC_MMAP_THRESHOLD_ in `npm run start:prod`). Brotli's window is 64 kB (LGWIN 16): pages
 * are smaller, and its encoder's buffers stay small.
 */
const PAGE_COMPRESSION = {
  threshold: 1024,
  syncThreshold: 256 * 1024,
  encodings: ["br", "gzip"] as Array<"gzip" | "br">,
  brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1, [zlibConstants.BROTLI_PARAM_LGWIN]: 16 } },
  zlibOptions: { windowBits: 14, memLevel: 6 },
};

export async function staticFiles(app: FastifyInstance, opts: { warm?: boolean } = {}): Promise<void> {
  await app.register(compress, { global: true, ...PAGE_COMPRESSION, globalDecompression: false });
  app.get(`${STATIC_PREFIX}:hash/*`, { compress: false }, serve);
  // Transition: an old `/assets/<file>` link still works, by a redirect to its hashed URL.
  app.get("/assets/:file", (request, reply) => {
    const found = assets().find((request.params as { file: string }).file);
    if (!found) return reply.code(404).header("cache-control", "no-store").type("text/plain; charset=utf-8").send("Fichier introuvable");
    return reply.header("cache-control", "no-cache").redirect(found.url, 308);
  });
  const all = assets().all();
  if (opts.warm) {
    // Compressed in the background as the service starts (one file at a time on zlib's threads), not on the first visitor.
    app.addHook("onReady", async () => {
      for (const a of all) void encoded(a, "br").then(() => encoded(a, "gzip"));
    });
  }
}
