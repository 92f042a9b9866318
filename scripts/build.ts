import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { compactCommunes } from "../src/services/geography.ts";

/**
 * `npm run build`: src/ → dist/, so that production runs plain JavaScript (`npm run start:prod`)
 * and never compiles TypeScript at run time (no tsx loader, no esbuild in the serving process).
 *
 * Each module is transpiled on its own by esbuild (the one tsx already brings), JSX for Preact,
 * file for file: dist/ has src/'s layout, so every path a module makes from `import.meta.url`
 * (migrations, data, assets, the inspection worker, ../../assets) stays right. The relative
 * imports' `.ts`/`.tsx` become `.js`; every other file of src/ (SQL, CSV, CSS, scripts for the
 * browser, images) is copied as it is, and dist/data/communes.tsv is made from the communes'
 * package (see compactCommunes). Dependencies stay in node_modules. About a second.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const src = join(root, "src");
const out = join(root, "dist");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const started = performance.now();
rmSync(out, { recursive: true, force: true });
const files = walk(src);
const isModule = (f: string) => (f.endsWith(".ts") || f.endsWith(".tsx")) && !f.endsWith(".d.ts");
const modules = files.filter(isModule);

await build({
  entryPoints: modules,
  outdir: out,
  outbase: src,
  bundle: false,
  format: "esm",
  platform: "node",
  target: "node24",
  jsx: "automatic",
  jsxImportSource: "preact",
  sourcemap: "linked",
  logLevel: "warning",
});

/*
 * drizzle-orm, bundled into dist/vendor (one file per entry point the code imports, shared chunks so
 * its classes stay one). Loaded as its ~400 separate modules, Node looks up the package's 179 kB
 * package.json for each of them: 2.4 s and ~140 MB of transient heap at every start, which the
 * process then keeps as resident memory. Bundled: 0.2 s and 11 MB.
 */
const VENDORED = /(["'])(drizzle-orm(?:\/[a-z0-9/-]+)?)\1/g;
const vendored = new Set<string>();
for (const file of modules) for (const match of readFileSync(file, "utf8").matchAll(VENDORED)) vendored.add(match[2]!);
const vendorDir = join(out, "vendor");
await build({
  entryPoints: [...vendored].map((specifier) => ({ in: fileURLToPath(import.meta.resolve(specifier)), out: specifier })),
  outdir: vendorDir,
  bundle: true,
  splitting: true,
  packages: "external",
  format: "esm",
  platform: "node",
  target: "node24",
  logLevel: "warning",
});

// "./x.ts" → "./x.js" in every relative import, dynamic import and new URL("./x.ts", import.meta.url);
// "drizzle-orm/…" → the vendored bundle.
const RELATIVE_TS = /(["'])(\.\.?\/[^"'\n]*?)\.tsx?\1/g;
for (const file of walk(out).filter((f) => f.endsWith(".js") && !f.startsWith(vendorDir))) {
  const code = readFileSync(file, "utf8");
  const toVendor = (specifier: string) => {
    const target = relative(dirname(file), join(vendorDir, `${specifier}.js`)).split("\\").join("/");
    return target.startsWith(".") ? target : `./${target}`;
  };
  const rewritten = code
    .replace(RELATIVE_TS, (_m, quote: string, path: string) => `${quote}${path}.js${quote}`)
    .replace(/(from\s*|import\s*\(\s*)(["'])(drizzle-orm(?:\/[a-z0-9/-]+)?)\2/g, (_m, head: string, quote: string, specifier: string) =>
      vendored.has(specifier) ? `${head}${quote}${toVendor(specifier)}${quote}` : _m,
    );
  if (rewritten !== code) writeFileSync(file, rewritten);
}

let copied = 0;
for (const file of files) {
  if (isModule(file) || file.endsWith(".d.ts")) continue;
  const target = join(out, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(file, target);
  copied++;
}

// The communes, only the fields the service keeps (src/services/geography.ts reads this file first).
writeFileSync(join(out, "data", "communes.tsv"), compactCommunes());

const kinds = new Set(files.filter((f) => !isModule(f) && !f.endsWith(".d.ts")).map((f) => extname(f)));
console.log(
  `dist/ : ${modules.length} modules transpiled, ${copied} files copied (${[...kinds].join(" ")}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
