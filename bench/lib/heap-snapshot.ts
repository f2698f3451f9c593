/**
 * A V8 .heapsnapshot reader: the nodes/edges/strings arrays, the dominator tree (Cooper, Harvey
 * and Kennedy's iterative algorithm, weak edges ignored, as DevTools does) and a summary of every
 * node by group: constructor name for objects, function name and source line for closures, the
 * property names of plain objects (`Object{a,b,c}`: an object literal such as a per-connection
 * state record is told apart from the others), the node type for the rest.
 */
import fs from "node:fs";

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]]; location_fields?: string[] } };
  nodes: number[];
  edges: number[];
  strings: string[];
  locations?: number[];
}

export interface GroupSummary {
  count: number;
  /** Bytes of the group's nodes themselves. */
  self: number;
  /** Bytes only reachable through the group's nodes (nested members of the same group counted once). */
  retained: number;
  /**
   * Self bytes of the group's nodes plus those of the internal nodes (property and element
   * arrays, hash tables, contexts, strings...) whose nearest named dominator is one of them: every
   * byte of the heap is owned by exactly one named group, so owned bytes add up to the total.
   */
  owned: number;
}

export interface HeapSummary {
  nodes: number;
  totalSelf: number;
  groups: Map<string, GroupSummary>;
}

/** Reads and summarizes one snapshot; the raw arrays are dropped before it returns. */
export function summarizeHeapSnapshot(file: string): HeapSummary {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as RawSnapshot;
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf("type");
  const nName = meta.node_fields.indexOf("name");
  const nSelf = meta.node_fields.indexOf("self_size");
  const nEdges = meta.node_fields.indexOf("edge_count");
  const eType = meta.edge_fields.indexOf("type");
  const eName = meta.edge_fields.indexOf("name_or_index");
  const eTo = meta.edge_fields.indexOf("to_node");
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf("weak");
  const propertyEdge = edgeTypes.indexOf("property");
  const elementEdge = edgeTypes.indexOf("element");
  const hiddenEdge = edgeTypes.indexOf("hidden");
  const { nodes, edges, strings } = raw;
  const count = nodes.length / nf;

  // Edges of node i: firstEdge[i] .. firstEdge[i + 1] (edge indices, not array offsets).
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * nf + nEdges]!;
    firstEdge[i + 1] = e;
  }
  const target = (e: number) => edges[e * ef + eTo]! / nf;
  const strong = (e: number) => edges[e * ef + eType] !== weak;

  // Closure source lines (snapshot "locations": object index, script id, line, column).
  const lineOf = new Map<number, string>();
  const loc = raw.locations;
  const lf = meta.location_fields?.length ?? 4;
  if (loc) for (let i = 0; i < loc.length; i += lf) lineOf.set(loc[i]! / nf, `${loc[i + 2]! + 1}:${loc[i + 3]! + 1}`);

  const edgeTo = (i: number, edgeName: string): number | undefined => {
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e++) {
      const t = edges[e * ef + eType]!;
      if (t !== elementEdge && t !== hiddenEdge && strings[edges[e * ef + eName]!] === edgeName) return target(e);
    }
    return undefined;
  };
  // A closure's script: closure -> shared (SharedFunctionInfo) -> script, whose name is its URL.
  const scriptOf = (i: number): string => {
    const shared = edgeTo(i, "shared");
    const script = shared === undefined ? undefined : edgeTo(shared, "script");
    const url = script === undefined ? "" : strings[nodes[script * nf + nName]!]!;
    return url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "").replace(process.cwd() + "/", "");
  };
  const groupOf = (i: number): string => {
    const type = nodeTypes[nodes[i * nf + nType]!]!;
    const name = strings[nodes[i * nf + nName]!]!;
    if (type === "closure") return `closure ${name || "(anonymous)"} ${scriptOf(i)}${lineOf.has(i) ? `:${lineOf.get(i)}` : ""}`;
    if (type === "object" && name === "Object") {
      const keys: string[] = [];
      for (let e = firstEdge[i]!; e < firstEdge[i + 1]! && keys.length < 8; e++) {
        if (edges[e * ef + eType] === propertyEdge) {
          const key = strings[edges[e * ef + eName]!]!;
          if (key !== "__proto__" && key !== "map") keys.push(key);
        }
      }
      return `Object{${keys.join(",")}}`;
    }
    if (type === "object" || type === "native") return `${type === "native" ? "native " : ""}${name}`;
    if (type === "hidden" || type === "code" || type === "array" || type === "object shape") return `(${type}) ${name.slice(0, 40)}`;
    return `(${type})`;
  };

  // Postorder from the root (node 0) over strong edges, iteratively.
  const order = new Int32Array(count).fill(-1);
  const post: number[] = [];
  const stack = new Int32Array(count + 1);
  const nextEdge = new Uint32Array(count);
  const seen = new Uint8Array(count);
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  nextEdge[0] = firstEdge[0]!;
  while (top > 0) {
    const n = stack[top - 1]!;
    let pushed = false;
    while (nextEdge[n]! < firstEdge[n + 1]!) {
      const e = nextEdge[n]!;
      nextEdge[n] = e + 1;
      if (!strong(e)) continue;
      const t = target(e);
      if (seen[t]) continue;
      seen[t] = 1;
      nextEdge[t] = firstEdge[t]!;
      stack[top++] = t;
      pushed = true;
      break;
    }
    if (!pushed) {
      top--;
      order[n] = post.length;
      post.push(n);
    }
  }

  // Predecessors of every reached node (strong edges).
  const predCount = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) if (strong(e)) predCount[target(e) + 1]! += 1;
  }
  for (let n = 0; n < count; n++) predCount[n + 1]! += predCount[n]!;
  const preds = new Uint32Array(predCount[count]!);
  const fill = predCount.slice(0, count);
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) if (strong(e)) preds[fill[target(e)]!++] = n;
  }

  // Immediate dominators, by postorder number.
  const idom = new Int32Array(count).fill(-1);
  const root = 0;
  idom[root] = root;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 1; k >= 0; k--) {
      const n = post[k]!;
      if (n === root) continue;
      let dom = -1;
      for (let p = predCount[n]!; p < predCount[n + 1]!; p++) {
        const pred = preds[p]!;
        if (idom[pred] === -1) continue;
        dom = dom === -1 ? pred : intersect(pred, dom);
      }
      if (dom !== -1 && idom[n] !== dom) {
        idom[n] = dom;
        changed = true;
      }
    }
  }

  // Retained sizes: children before parents (postorder).
  const retained = new Float64Array(count);
  let totalSelf = 0;
  for (const n of post) {
    retained[n]! += nodes[n * nf + nSelf]!;
    totalSelf += nodes[n * nf + nSelf]!;
    if (n !== root) retained[idom[n]!]! += retained[n]!;
  }

  // Group summaries; retained counted at a group's outermost members only (dominator tree walk).
  const groupIds = new Map<string, number>();
  const groupNames: string[] = [];
  const groupOfNode = new Int32Array(count);
  for (const n of post) {
    const g = groupOf(n);
    let id = groupIds.get(g);
    if (id === undefined) {
      id = groupNames.length;
      groupIds.set(g, id);
      groupNames.push(g);
    }
    groupOfNode[n] = id;
  }
  const gCount = new Float64Array(groupNames.length);
  const gSelf = new Float64Array(groupNames.length);
  const gRetained = new Float64Array(groupNames.length);
  const gOwned = new Float64Array(groupNames.length);
  const owner = new Int32Array(count);
  const named = (n: number) => {
    const type = nodeTypes[nodes[n * nf + nType]!]!;
    return (type === "object" || type === "closure" || type === "native" || type === "regexp") && !strings[nodes[n * nf + nName]!]!.startsWith("system /");
  };
  const active = new Int32Array(groupNames.length);
  // Children lists of the dominator tree.
  const childStart = new Uint32Array(count + 1);
  for (const n of post) if (n !== root) childStart[idom[n]! + 1]! += 1;
  for (let n = 0; n < count; n++) childStart[n + 1]! += childStart[n]!;
  const children = new Uint32Array(childStart[count]!);
  const cfill = childStart.slice(0, count);
  for (const n of post) if (n !== root) children[cfill[idom[n]!]!++] = n;
  const walk: number[] = [root];
  const exiting = new Uint8Array(count);
  while (walk.length > 0) {
    const n = walk.pop()!;
    const g = groupOfNode[n]!;
    if (exiting[n]) {
      active[g]! -= 1;
      continue;
    }
    exiting[n] = 1;
    owner[n] = n === root || named(n) ? n : owner[idom[n]!]!;
    gOwned[groupOfNode[owner[n]!]!]! += nodes[n * nf + nSelf]!;
    gCount[g]! += 1;
    gSelf[g]! += nodes[n * nf + nSelf]!;
    if (active[g] === 0) gRetained[g]! += retained[n]!;
    active[g]! += 1;
    walk.push(n);
    for (let c = childStart[n]!; c < childStart[n + 1]!; c++) walk.push(children[c]!);
  }
  const groups = new Map<string, GroupSummary>();
  groupNames.forEach((name, g) => groups.set(name, { count: gCount[g]!, self: gSelf[g]!, retained: gRetained[g]!, owned: gOwned[g]! }));
  return { nodes: post.length, totalSelf, groups };
}

export interface GroupDelta {
  group: string;
  countPer: number;
  selfPer: number;
  retainedPer: number;
  ownedPer: number;
}

/** Per-connection difference between two summaries (`connections` more in `b` than in `a`), largest owned first. */
export function diffSummaries(a: HeapSummary, b: HeapSummary, connections: number): GroupDelta[] {
  const names = new Set([...a.groups.keys(), ...b.groups.keys()]);
  const zero: GroupSummary = { count: 0, self: 0, retained: 0, owned: 0 };
  const out: GroupDelta[] = [];
  for (const group of names) {
    const x = a.groups.get(group) ?? zero;
    const y = b.groups.get(group) ?? zero;
    out.push({ group, countPer: (y.count - x.count) / connections, selfPer: (y.self - x.self) / connections, retainedPer: (y.retained - x.retained) / connections,
      ownedPer: (y.owned - x.owned) / connections,
    });
  }
  return out.sort((p, q) => q.ownedPer - p.ownedPer);
}
