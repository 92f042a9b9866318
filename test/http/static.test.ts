import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { sep } from "node:path";
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, gunzipSync } from "node:zlib";
import { parse } from "node-html-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssetRegistry, IMMUTABLE, staticCompressions } from "../../src/web/static.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { Browser } from "../helpers/client.ts";
import { createActiveAccount, signIn } from "../helpers/flows.ts";

/** Issue 8, goal 1: static files hashed, compressed once, cached a year; one trimmed DSFR stylesheet. */

let t: TestApp;
let signedIn: Browser;
let stepUrl: string;
const HASHED = /^\/static\/[0-9a-f]{16}\/[\w./-]+$/;

beforeAll(async () => {
  t = await startTestApp();
  signedIn = new Browser(t.app, "192.0.2.31");
  const identifier = await createActiveAccount(t, signedIn, { email: "statique@example.fr" });
  await signIn(signedIn, identifier);
  await signedIn.get("/demandes/nouvelle");
  const step1 = await signedIn.post("/demandes/nouvelle", { beneficiaire: "moi", pour: "majeur", group: "fabrication", fabrication: "perte" });
  stepUrl = step1.url;
});
afterAll(() => t.close());

async function homeHead() {
  const page = await new Browser(t.app).get("/");
  return page.html;
}

async function stylesheetUrl(): Promise<string> {
  const href = (await homeHead()).querySelector('link[rel="stylesheet"]')?.getAttribute("href");
  expect(href).toMatch(HASHED);
  return href!;
}

describe("static files", () => {
  it("are served compressed with brotli or gzip as the client accepts, and raw otherwise", async () => {
    const url = await stylesheetUrl();
    const raw = await t.app.inject({ url, headers: { "accept-encoding": "identity" } });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers["content-encoding"]).toBeUndefined();
    expect(raw.headers["content-type"]).toBe("text/css; charset=utf-8");

    const br = await t.app.inject({ url, headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.rawPayload.length).toBeLessThan(raw.rawPayload.length / 5);
    expect(brotliDecompressSync(br.rawPayload).equals(raw.rawPayload)).toBe(true);

    const gz = await t.app.inject({ url, headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).equals(raw.rawPayload)).toBe(true);

    // br refused explicitly: gzip.
    const noBr = await t.app.inject({ url, headers: { "accept-encoding": "br;q=0, gzip" } });
    expect(noBr.headers["content-encoding"]).toBe("gzip");
    for (const res of [raw, br, gz]) expect(res.headers.vary).toBe("Accept-Encoding");
  });

  it("are cached for a year, immutable, and set no cookie", async () => {
    const url = await stylesheetUrl();
    const res = await t.app.inject({ url, headers: { "accept-encoding": "br" } });
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(IMMUTABLE).toBe(res.headers["cache-control"]);
    expect(res.headers["set-cookie"]).toBeUndefined();
    const again = await t.app.inject({ url, headers: { "if-none-match": String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it("are named by a hash of their content, which changes with it", async () => {
    const url = await stylesheetUrl();
    const body = (await t.app.inject({ url })).rawPayload;
    const hash = url.split("/")[2];
    expect(hash).toBe(createHash("sha256").update(body).digest("hex").slice(0, 16));

    const registry = new AssetRegistry();
    const v1 = registry.add("exemple.css", Buffer.from(".a{color:red}")).url;
    const v2 = registry.add("exemple.css", Buffer.from(".a{color:blue}")).url;
    expect(v1).toMatch(HASHED);
    expect(v2).toMatch(HASHED);
    expect(v2).not.toBe(v1);
    expect(registry.add("exemple.css", Buffer.from(".a{color:red}")).url).toBe(v1);
  });

  it("answers 404 to an unknown or outdated hash, an unknown file, or a path leaving the folders", async () => {
    const url = await stylesheetUrl();
    const name = url.split("/").slice(3).join("/");
    const fonts = (await homeHead()).querySelectorAll('link[rel="preload"]').map((l) => l.getAttribute("href")!);
    const fontHash = fonts[0]!.split("/")[2];
    for (const bad of [
      `/static/0123456789abcdef/${name}`,
      `/static/${fontHash}/${name}`,
      `/static/${url.split("/")[2]}/nope.css`,
      "/static/0123456789abcdef/dsfr/../../package.json",
      "/static/0123456789abcdef/dsfr/%2e%2e/%2e%2e/package.json",
      "/static/0123456789abcdef/../package.json",
      "/static/0123456789abcdef/dsfr/dsfr.min.css.map",
    ]) {
      const res = await t.app.inject(bad);
      expect(res.statusCode, bad).toBe(404);
      expect(res.headers["cache-control"], bad).not.toContain("immutable");
    }
  });

  it("serves no DSFR file beyond the folders pages load, and compresses one file at a time", async () => {
    // Not served, not even named by the old address's redirect to a hashed URL: each file served
    // is compressed at the best quality and kept in memory, so the set is bounded.
    for (const path of ["dsfr.min.css", "dsfr.module.js", "dsfr.nomodule.min.js", "icons/user/account-circle-line.svg", "component/button/button.min.css", "core/core.module.min.js"]) {
      const res = await t.app.inject(`/assets/dsfr%2F${encodeURIComponent(path)}`);
      expect(res.statusCode, path).toBe(404);
    }
    // A burst of first requests for twelve files compressed on first need (pictograms): they wait
    // for each other instead of taking every thread of the pool that also hashes passwords.
    const dir = new URL("../../node_modules/@gouvfr/dsfr/dist/artwork/pictograms/", import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".svg"))
      .sort()
      .slice(0, 12)
      .map((f) => `artwork/pictograms/${f.split(sep).join("/")}`);
    expect(files).toHaveLength(12);
    const answers = await Promise.all(
      files.map(async (f) => {
        const moved = await t.app.inject(`/assets/dsfr%2F${encodeURIComponent(f)}`);
        expect(moved.statusCode, f).toBe(308);
        return t.app.inject({ url: String(moved.headers.location), headers: { "accept-encoding": "br" } });
      }),
    );
    for (const [i, res] of answers.entries()) {
      expect(res.statusCode, files[i]).toBe(200);
      expect(res.headers["content-encoding"], files[i]).toBe("br");
      expect(brotliDecompressSync(res.rawPayload).toString("utf8"), files[i]).toContain("<svg");
    }
    expect(staticCompressions.mostAtOnce).toBe(1);
    expect(staticCompressions.running).toBe(0);
  });

  it("serves fonts uncompressed (already compressed)", async () => {
    const head = await homeHead();
    const font = head.querySelector('link[rel="preload"][as="font"]')!.getAttribute("href")!;
    const res = await t.app.inject({ url: font, headers: { "accept-encoding": "br, gzip" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("font/woff2");
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  it("draws the icons from one sprite: the stylesheet names it, with the cell of each icon", async () => {
    const css = (await t.app.inject(await stylesheetUrl())).body;
    // An icon of the header: its rule names the sprite, the sprite's size and the icon's cell.
    const rule = /\.fr-icon-account-circle-line:before\{-webkit-mask-image:url\("(\/static\/[0-9a-f]{16}\/icons\.svg)"\);-webkit-mask-size:100% (\d+)% !important;-webkit-mask-position:0 ([\d.]+)% !important;mask-image:url\("\1"\);mask-size:100% \2% !important;mask-position:0 \3% !important\}/.exec(css);
    expect(rule, "account-circle-line from the sprite").not.toBeNull();
    const [, spriteUrl, height, position] = rule!;
    // No SVG mask is left in the stylesheet: every icon comes from the one sprite.
    expect(css).not.toMatch(/mask-image:url\("data:/);
    expect(new Set([...css.matchAll(/mask-image:url\("([^"]+)"\)/g)].map((m) => m[1]))).toEqual(new Set([spriteUrl]));

    const res = await t.app.inject({ url: spriteUrl!, headers: { "accept-encoding": "br" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/svg+xml");
    expect(res.headers["cache-control"]).toBe(IMMUTABLE);
    expect(res.headers["content-encoding"]).toBe("br");
    const sprite = brotliDecompressSync(res.rawPayload).toString("utf8");
    // n cells of 24 with a blank one between two: (2n − 1) × 24 high, the size's percentage over 100.
    const cells = [...sprite.matchAll(/<svg y="(\d+)" width="24" height="24" viewBox="0 0 24 24"[^>]*>(.*?)<\/svg>/g)];
    const n = cells.length;
    expect(Number(height)).toBe((2 * n - 1) * 100);
    expect(sprite).toContain(`viewBox="0 0 24 ${(2 * n - 1) * 24}" preserveAspectRatio="none"`);
    // The cell at the rule's position holds the DSFR's account-circle-line, as its file draws it.
    const index = Math.round((Number(position) / 100) * (n - 1));
    expect(cells[index]![1]).toBe(String(index * 48));
    const file = readFileSync(new URL("../../node_modules/@gouvfr/dsfr/dist/icons/user/account-circle-line.svg", import.meta.url), "utf8");
    expect(cells[index]![2]).toBe(/<svg[^>]*>([\s\S]*)<\/svg>/.exec(file)![1]!.trim());
  });
});

describe("pages", () => {
  it("reference only hashed static URLs, with no render-blocking script and the fonts preloaded", async () => {
    const anonymous = new Browser(t.app, "192.0.2.32");
    const pages = [
      await anonymous.get("/"),
      await anonymous.get("/connexion"),
      await anonymous.get("/compte/creer"),
      await signedIn.get("/mon-espace"),
      await signedIn.get(stepUrl),
    ];
    for (const page of pages) {
      expect(page.status, page.url).toBe(200);
      const files = [
        ...page.html.querySelectorAll("script[src]").map((s) => s.getAttribute("src")!),
        ...page.html.querySelectorAll("link[href]").map((l) => l.getAttribute("href")!),
        ...page.html.querySelectorAll("use[href]").map((u) => u.getAttribute("href")!.split("#")[0]!),
      ];
      expect(files.length, page.url).toBeGreaterThan(5);
      for (const file of files) expect(file, `${page.url}: ${file}`).toMatch(HASHED);
      for (const script of page.html.querySelectorAll("script")) {
        const deferred = script.getAttribute("type") === "module" || script.hasAttribute("defer") || script.hasAttribute("async");
        expect(deferred, `${page.url}: ${script.toString()}`).toBe(true);
      }
      const preloads = page.html.querySelectorAll('link[rel="preload"][as="font"]');
      expect(preloads.map((l) => l.getAttribute("href")!.split("/").at(-1)).sort(), page.url).toEqual(["Marianne-Bold.woff2", "Marianne-Medium.woff2", "Marianne-Regular.woff2"]);
      for (const l of preloads) {
        expect(l.getAttribute("type")).toBe("font/woff2");
        expect(l.hasAttribute("crossorigin")).toBe(true);
      }
    }
    // Every referenced file answers.
    const html = parse(pages.map((p) => p.body).join(""));
    const urls = new Set([...html.querySelectorAll("script[src]").map((s) => s.getAttribute("src")!), ...html.querySelectorAll("link[href]").map((l) => l.getAttribute("href")!)]);
    for (const url of urls) expect((await t.app.inject(url)).statusCode, url).toBe(200);
  });

  it("are compressed above a small threshold; small responses are not", async () => {
    const br = await t.app.inject({ url: "/connexion", headers: { "accept-encoding": "br" } });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.rawPayload).toString()).toMatch(/^<!doctype html>/);
    const gz = await t.app.inject({ url: "/connexion", headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString()).toContain("</html>");
    const none = await t.app.inject({ url: "/connexion" });
    expect(none.headers["content-encoding"]).toBeUndefined();
    // A browser offering both gets brotli at its fastest quality (a third of gzip's CPU for a
    // page): the bytes are brotli's at quality 1, not the plugin's default 4. A page above 8 kB is
    // compressed in one call too, sent in one piece with its length (not streamed in chunks).
    const page = await t.app.inject({ url: "/compte/creer" });
    expect(page.rawPayload.length).toBeGreaterThan(8192);
    const browser = await t.app.inject({ url: "/compte/creer", headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
    expect(browser.headers["content-encoding"]).toBe("br");
    expect(browser.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(browser.headers["content-length"])).toBe(browser.rawPayload.length);
    const unzipped = brotliDecompressSync(browser.rawPayload);
    expect(unzipped.toString()).toMatch(/^<!doctype html>[\s\S]*<\/html>$/);
    expect(unzipped.length).toBeGreaterThan(8192);
    const atQuality = (quality: number) =>
      brotliCompressSync(unzipped, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality, [zlibConstants.BROTLI_PARAM_LGWIN]: 16 } });
    expect(browser.rawPayload.equals(atQuality(1))).toBe(true);
    expect(browser.rawPayload.equals(atQuality(4))).toBe(false);
    // A client without brotli gets gzip.
    const gzipOnly = await t.app.inject({ url: "/compte/creer", headers: { "accept-encoding": "gzip, deflate" } });
    expect(gzipOnly.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipOnly.rawPayload).toString()).toMatch(/^<!doctype html>[\s\S]*<\/html>$/);
    const small = await t.app.inject({ url: "/sante", headers: { "accept-encoding": "br" } });
    expect(small.statusCode).toBe(200);
    expect(small.headers["content-encoding"]).toBeUndefined();
  });
});

describe("the stylesheet", () => {
  it("holds the DSFR rules of the components and icons the views use, and not the others", async () => {
    const css = (await t.app.inject(await stylesheetUrl())).body;
    for (const used of [".fr-header{", ".fr-header__brand", ".fr-stepper{", ".fr-input{", ".fr-btn{", ".fr-footer{", ".fr-icon-account-circle-line:before"]) {
      expect(css, used).toContain(used);
    }
    for (const unused of [".fr-tile", ".fr-accordion", ".fr-quote", ".fr-icon-zoom-in-line", ".fr-icon-alarm-warning-fill"]) {
      expect(css, unused).not.toContain(unused);
    }
    // The dark theme and our own additions are in it.
    expect(css).toContain(":root[data-fr-theme=dark]");
    expect(css).toContain(readFileSync(new URL("../../src/web/assets/app.css", import.meta.url), "utf8"));
    // Every url() is a hashed static file (fonts, icons) or inline data.
    const refs = [...css.matchAll(/url\(["']?([^"')]+)/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(ref, ref).toMatch(/^(data:|\/static\/[0-9a-f]{16}\/(dsfr\/|icons\.svg$))/);
    // Far smaller than the whole DSFR (728 kB) and its icons (214 kB).
    expect(css.length).toBeLessThan(600_000);
  });

  it("comes with one DSFR script: its core, the theme switcher and the used components' scripts only", async () => {
    const src = (await homeHead()).querySelectorAll("script[src]").map((s) => s.getAttribute("src")!).find((s) => s.endsWith("/dsfr.js"));
    expect(src).toMatch(HASHED);
    const js = (await t.app.inject(src!)).body;
    const dist = (path: string) => readFileSync(new URL(`../../node_modules/@gouvfr/dsfr/dist/${path}`, import.meta.url), "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "");
    for (const used of ["core/core.module.min.js", "scheme/scheme.module.min.js", "component/header/header.module.min.js", "component/modal/modal.module.min.js"]) {
      expect(js.includes(dist(used)), used).toBe(true);
    }
    for (const unused of ["component/range/range.module.min.js", "component/tab/tab.module.min.js"]) expect(js.includes(dist(unused)), unused).toBe(false);
    // Configured before its core reads window.dsfr: production mode (nothing written to the console).
    expect(js.startsWith("window.dsfr = { production: true };\n")).toBe(true);
  });
});
