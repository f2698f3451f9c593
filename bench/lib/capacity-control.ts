/**
 * A capacity-benchmark server process' control port (127.0.0.1, separate from the port under
 * test): GET /count answers how many connections the process holds (cheap, polled while a mass
 * drop is processed); GET /memory runs a full GC first, then reports memory (so the slope
 * between two sizes is what the connections keep alive, not garbage not yet collected).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

export interface MemoryReading {
  count: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

export function memoryReading(count: number): MemoryReading {
  gc();
  gc();
  const m = process.memoryUsage();
  const mb = (n: number) => n / 1024 ** 2;
  return { count, rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
}

export function startControl(count: () => number): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const body = req.url === "/count" ? { count: count() } : req.url === "/memory" ? memoryReading(count()) : undefined;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { error: "not found" }));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}
