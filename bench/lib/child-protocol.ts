import { WindowProfiler } from "./cpu-profile";
import type { ProcessStats, StatsWindow } from "./process-stats";

/** Parent -> child requests over the IPC channel; each is answered with the same id. */
export type ChildRequest = { id: number; op: "reset" | "read" | "stop" | "createLobby" };
export type ChildReply = { id: number; ok: true; stats?: ProcessStats; roomId?: string } | { id: number; ok: false; error: string };
export type ChildReady = { type: "ready"; port: number; info?: Record<string, unknown> };

/**
 * The child side: answers stats requests and stops on request. Call once the process serves on
 * `port`. `stop` closes whatever the child runs; the process then exits. `createLobby` (lobby
 * servers only) opens a lobby instance server-side, as the matchmaker would: clients may not
 * (POST /matchmake/create is refused), so a benchmark lays out its shards through this.
 */
export function serveChildProtocol(
  stats: StatsWindow,
  port: number,
  stop: () => Promise<void>,
  info?: Record<string, unknown>,
  createLobby?: () => Promise<string>,
): void {
  // BENCH_CPU_PROF=<dir>: a CPU profile of the measured window (between reset and read).
  if (!process.send) throw new Error("a benchmark child must be started with an IPC channel (fork)");
  const profiler = new WindowProfiler(process.env.BENCH_CPU_PROF, String(info?.label ?? "child"));
  let stopping: Promise<void> | undefined;
  const stopOnce = () => (stopping ??= stop());
  process.on("message", (raw: unknown) => {
    const req = raw as ChildRequest;
    const reply = (r: ChildReply) => process.send?.(r);
    switch (req.op) {
      case "reset":
        void profiler.start().then(() => {
          stats.reset();
          reply({ id: req.id, ok: true });
        });
        break;
      case "read": {
        const result = stats.read();
        void profiler.stop().then(() => reply({ id: req.id, ok: true, stats: result }));
        break;
      }
      case "createLobby":
        if (!createLobby) reply({ id: req.id, ok: false, error: "this child serves no lobby" });
        else
          createLobby().then(
            (roomId) => reply({ id: req.id, ok: true, roomId }),
            (err: unknown) => reply({ id: req.id, ok: false, error: String(err) }),
          );
        break;
      case "stop":
        stopOnce().then(
          () => {
            reply({ id: req.id, ok: true });
            process.disconnect?.();
            setTimeout(() => process.exit(0), 50).unref();
          },
          (err: unknown) => {
            reply({ id: req.id, ok: false, error: String(err) });
            process.exit(1);
          },
        );
        break;
    }
  });
  // The parent went away (Ctrl-C, crash): do not linger.
  process.on("disconnect", () => void stopOnce().finally(() => process.exit(0)));
  const ready: ChildReady = { type: "ready", port, ...(info ? { info } : {}) };
  process.send(ready);
}
