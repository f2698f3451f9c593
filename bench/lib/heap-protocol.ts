/**
 * The IPC side of a heap-connections server child: after a full GC, its memory figures and (on
 * request) a V8 heap snapshot written to a given file; `stop` closes the server and exits.
 */
import v8 from "node:v8";
import vm from "node:vm";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

export type HeapRequest = { id: number; op: "memory"; snapshot?: string } | { id: number; op: "stop" };
export interface HeapMemory {
  count: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  snapshot?: string;
}

export function serveHeapProtocol(port: number, count: () => number, close: () => Promise<void>): void {
  const send = (m: unknown) => process.send?.(m);
  process.on("message", (raw: unknown) => {
    const req = raw as HeapRequest;
    if (req.op === "memory") {
      gc();
      gc();
      const m = process.memoryUsage();
      const reply: HeapMemory = { count: count(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
      if (req.snapshot) reply.snapshot = v8.writeHeapSnapshot(req.snapshot);
      return void send({ id: req.id, ...reply });
    }
    void close().finally(() => {
      send({ id: req.id });
      setTimeout(() => process.exit(0), 50).unref();
    });
  });
  process.on("disconnect", () => void close().finally(() => process.exit(0)));
  send({ type: "ready", port });
}
