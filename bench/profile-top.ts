import { readFileSync } from "node:fs";

/**
 * `node --import tsx bench/profile-top.ts bench/profiles/<file>.cpuprofile [n]`: the functions
 * where the service spent its CPU (self time), heaviest first, with their file.
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const profile = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const t = selfTime.get(node.id) ?? 0;
  if (t === 0) continue;
  const where = node.callFrame.url.replace(/^.*?\/(node_modules\/(?:@[^/]+\/)?[^/]+|dist)\//, "$1/").replace(/^file:\/\//, "");
  const key = `${node.callFrame.functionName || "(anonymous)"}  ${where}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ""}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + t);
}
const byPackage = new Map<string, number>();
for (const [key, t] of byFunction) {
  const where = key.split("  ")[1] ?? "";
  const pkg = /^node_modules\/((?:@[^/]+\/)?[^/:]+)/.exec(where)?.[1] ?? (where.startsWith("dist/") ? "dist (the service)" : where.startsWith("node:") ? "node internals" : where === "" ? "(native, gc, idle)" : "other");
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + t);
}
const n = Number(process.argv[3] ?? 25);
const pct = (t: number) => `${((100 * t) / total).toFixed(1)} %`;
console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n\nby package:`);
for (const [k, t] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pct(t).padStart(7)}  ${k}`);
console.log("\nby function (self time):");
for (const [k, t] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`  ${pct(t).padStart(7)}  ${k}`);
