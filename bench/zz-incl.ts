import { readFileSync } from "node:fs";
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const p = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const parent = new Map<number, number>(); const byId = new Map<number, Node>();
for (const n of p.nodes) { byId.set(n.id, n); for (const c of n.children ?? []) parent.set(c, n.id); }
const incl = new Map<string, number>(); let total = 0; let idle = 0;
p.samples.forEach((id, i) => {
  const t = p.timeDeltas[i] ?? 0; total += t;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!; const f = n.callFrame;
    if (f.functionName === "(idle)") idle += t;
    const key = `${f.functionName || "(anon)"} ${f.url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue; seen.add(key); incl.set(key, (incl.get(key) ?? 0) + t);
  }
});
console.log(`total ${(total / 1e6).toFixed(2)} s, idle ${((100 * idle) / total).toFixed(1)}%`);
for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 80))) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
