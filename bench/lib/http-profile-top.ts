/**
 * Prints where a .cpuprofile (from BENCH_CPU_PROF or node --cpu-prof) spent its time: the top
 * self-time functions, self time by package, and the inclusive time of functions whose name
 * matches a pattern.
 *
 *   node_modules/.bin/tsx bench/lib/http-profile-top.ts FILE.cpuprofile [top=30] [inclusive-regex]
 */
import fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (!url) return "(native/vm)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return "node (core)";
  return url.includes("/work/") ? `project: ${url.replace(/^.*?\/(server|bench|shared)\//, "$1/")}` : url;
}

function main(): void {
  const [file, topArg, inclusive] = process.argv.slice(2);
  if (!file) throw new Error("usage: http-profile-top.ts FILE.cpuprofile [top] [inclusive-regex]");
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)").reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;
  const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (percentages of busy time)`);

  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === "(idle)") continue;
    const key = `${f.functionName || "(anonymous)"} ${packageOf(f.url)}:${f.lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    const pkg = f.url ? packageOf(f.url).replace(/^project: .*/, "project") : f.functionName;
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + t);
  }
  const top = Number(topArg ?? 30);
  console.log("\nself time by function:");
  for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
  console.log("\nself time by package:");
  for (const [k, t] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(t)}  ${k}`);

  if (inclusive) {
    const re = new RegExp(inclusive);
    const incl = new Map<string, number>();
    for (const [id, t] of self) {
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur)!.callFrame;
        const key = `${f.functionName} ${packageOf(f.url)}:${f.lineNumber + 1}`;
        if (re.test(key) && !seen.has(key)) {
          seen.add(key);
          incl.set(key, (incl.get(key) ?? 0) + t);
        }
      }
    }
    console.log(`\ninclusive time of functions matching /${inclusive}/:`);
    for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${k}`);
  }
}

main();
