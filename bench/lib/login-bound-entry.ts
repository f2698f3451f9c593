/**
 * Child-process entry for the login benchmark's bound: `@node-rs/argon2` verify of one stored hash
 * at the server's parameters (ARGON2_PARAMS), nothing else, in a process whose libuv thread pool
 * has the server's size (UV_THREADPOOL_SIZE, set by the parent). Driven over IPC: each `run`
 * request verifies `count` times with at most `concurrency` in flight and answers the figures.
 */
import { performance } from "node:perf_hooks";
import { hash, verify } from "@node-rs/argon2";
import { ARGON2_PARAMS } from "../../server/modules/auth/password-hasher";
import { mapLimit } from "./concurrency";
import type { BoundReply, BoundRequest } from "./login-bound";

async function main(): Promise<void> {
  if (!process.send) throw new Error("login-bound-entry must be forked with an IPC channel");
  const password = process.env.BENCH_LOGIN_PASSWORD ?? "violet-harbor-42-tango";
  const stored = await hash(password, ARGON2_PARAMS);
  process.on("message", (raw: unknown) => {
    const req = raw as BoundRequest;
    if (req.op === "stop") {
      process.send?.({ id: req.id, ok: true } satisfies BoundReply);
      process.disconnect?.();
      setTimeout(() => process.exit(0), 20).unref();
      return;
    }
    void (async () => {
      const latencies: number[] = [];
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      const results = await mapLimit(Array.from({ length: req.count }), req.concurrency, async () => {
        const t0 = performance.now();
        const ok = await verify(stored, password);
        latencies.push(performance.now() - t0);
        return ok;
      });
      const elapsedMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      process.send?.({
        id: req.id,
        ok: true,
        run: { elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000, latencies, failed: results.filter((r) => !r).length },
      } satisfies BoundReply);
    })();
  });
  process.on("disconnect", () => process.exit(0));
  process.send({ type: "ready", threads: Number(process.env.UV_THREADPOOL_SIZE ?? 4) });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
