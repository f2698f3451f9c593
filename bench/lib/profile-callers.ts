/**
 * Where a function's self time in a .cpuprofile came from: its call chains, heaviest first.
 *   node_modules/.bin/tsx bench/lib/profile-callers.ts FILE.cpuprofile FUNCTION [depth=6]
 * e.g. `writev` (whose socket writes), `sadd` (which presence calls). See http-profile-top.ts for the overall top.
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, target, depthArg] = process.argv.slice(2);
if (!file || !target) throw new Error("usage: profile-callers.ts FILE.cpuprofile FUNCTION [depth]");
const depth = Number(depthArg ?? 6);
const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const chains = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const us = self.get(n.id) ?? 0;
  if (n.callFrame.functionName !== target || us === 0) continue;
  total += us;
  const chain: string[] = [];
  for (let cur = parent.get(n.id), d = 0; cur !== undefined && d < depth; cur = parent.get(cur), d++) {
    const f = byId.get(cur)!.callFrame;
    chain.push(`${f.functionName || "(anonymous)"}@${f.url.split("/").slice(-2).join("/")}:${f.lineNumber}`);
  }
  const key = chain.join(" < ");
  chains.set(key, (chains.get(key) ?? 0) + us);
}
console.log(`${target}: ${(total / 1000).toFixed(0)} ms self time`);
for (const [chain, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${chain}`);
