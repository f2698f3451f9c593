/**
 * Child-process entry for heap-connections: the real lobby server (`startLobbyServer`, configured
 * from the environment only) that answers, over IPC, how many connections it holds and, after a
 * full GC, its memory figures and (on request) a V8 heap snapshot written to a given file.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { matchMaker } from "@colyseus/core";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/lib/logger";
import { startLobbyServer } from "../../server/lobby-server";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

export type HeapRequest = { id: number; op: "count" } | { id: number; op: "memory"; snapshot?: string } | { id: number; op: "stop" };
export interface HeapMemory {
  count: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  snapshot?: string;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await startLobbyServer(config, { logger: createLogger(config.logLevel) });
  const send = (m: unknown) => process.send?.(m);
  process.on("message", (raw: unknown) => {
    const req = raw as HeapRequest;
    if (req.op === "count") return void send({ id: req.id, count: matchMaker.stats.local.ccu });
    if (req.op === "memory") {
      gc();
      gc();
      const m = process.memoryUsage();
      const reply: HeapMemory = { count: matchMaker.stats.local.ccu, rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
      if (req.snapshot) reply.snapshot = v8.writeHeapSnapshot(req.snapshot);
      return void send({ id: req.id, ...reply });
    }
    void server.close().finally(() => {
      send({ id: req.id });
      setTimeout(() => process.exit(0), 50).unref();
    });
  });
  process.on("disconnect", () => void server.close().finally(() => process.exit(0)));
  send({ type: "ready", port: server.port });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
