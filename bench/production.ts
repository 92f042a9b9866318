import { readFileSync } from "node:fs";

/**
 * The Node flags and environment of `npm run start:prod`, read from package.json, so that the
 * service the bench measures runs exactly as production does (one place to change them).
 */
export function productionCommand(): { flags: string[]; env: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
  const match = /^((?:[A-Z_]+=\S+ )*)node ((?:--\S+ )*)dist\/main\.js$/.exec(pkg.scripts["start:prod"] ?? "");
  if (!match) throw new Error('package.json: "start:prod" is not "[VAR=value …] node [--flag …] dist/main.js"');
  const env = Object.fromEntries(match[1]!.trim().split(" ").filter(Boolean).map((pair) => pair.split("=") as [string, string]));
  return { flags: match[2]!.trim().split(" ").filter(Boolean), env };
}
