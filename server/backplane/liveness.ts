import type { Config } from "../config";
import type { Logger } from "../lib/logger";
import type { ProcessRegistry } from "../modules/presence/process-registry";
import type { Services } from "../services";

/**
 * This process' heartbeat, and the reaper every process runs: a process whose heartbeat is older
 * than PROCESS_DEAD_AFTER_SECONDS is taken out of presence by whichever survivor claims it first.
 * Its players then show offline within dead-after + one heartbeat, and those left with no
 * connection anywhere lose their search and leave their party, as after a final disconnect.
 */
export function startLiveness(services: Services, registry: ProcessRegistry, config: Config, logger: Logger): { stop(): Promise<void> } {
  const { processId, presence, matchmaking, parties } = services;
  const { heartbeatSeconds, deadAfterSeconds } = config.liveness;
  let running: Promise<void> = Promise.resolve();
  // No reaping until every live process has had the time to beat: at start, and after finding our
  // own heartbeat gone (Redis lost its data, or we could not reach it for longer than dead-after),
  // when the others' heartbeats are gone too although they are alive.
  let quietUntil = Date.now() + deadAfterSeconds * 1000;

  const round = async () => {
    if (!(await registry.isAlive(processId))) quietUntil = Math.max(quietUntil, Date.now() + deadAfterSeconds * 1000);
    await registry.beat(processId, deadAfterSeconds);
    if (Date.now() < quietUntil) return;
    for (const dead of await registry.deadProcesses()) {
      if (dead === processId || !(await registry.claim(dead))) continue;
      const offline = await presence.reapProcess(dead);
      await matchmaking.hostLost(dead).catch((err) => logger.warn({ err, process: dead }, "ending a lost process' matches failed"));
      logger.warn({ process: dead, offline: offline.length }, "a process stopped answering: its connections were taken out of presence");
      for (const who of offline) {
        const { accountId } = who;
        await matchmaking.disconnected(who).catch((err) => logger.warn({ err, accountId }, "cancelling a reaped player's search failed"));
        await parties.disconnected(who).catch((err) => logger.warn({ err, accountId }, "removing a reaped player from their party failed"));
      }
    }
  };
  const tick = () => {
    running = running.then(round).catch((err) => logger.warn({ err }, "liveness round failed; will retry"));
  };
  tick();
  const timer = setInterval(tick, heartbeatSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      // A clean stop: connections were closed through onLeave already; nothing to reap.
      await registry.forget(processId).catch(() => undefined);
    },
  };
}
