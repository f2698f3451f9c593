import type { Config } from "./config";
import type { Logger } from "./lib/logger";
import type { ProcessRegistry } from "./modules/presence/process-registry";
import { startLiveness } from "./backplane/liveness";
import type { Services } from "./services";

/** A loop of the process: started once the server listens, stopped first at shutdown. */
export interface BackgroundTask {
  start(): void;
  /** Stops the loop; resolves when what it must finish (a round in progress) is done. */
  stop(): Promise<void> | void;
}

/** Runs `round` every `everyMs`; rounds may overlap, so only for idempotent work. */
export function interval(everyMs: number, round: () => void): BackgroundTask {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(round, everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * Runs `round` `everyMs` after the previous one settled, so rounds never overlap. Stopping cancels
 * the next round; one in progress is not waited for (it schedules no other).
 */
export function chained(everyMs: number, round: () => Promise<void>): BackgroundTask {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(() => {
      void round().finally(() => {
        if (!stopped) schedule();
      });
    }, everyMs);
    timer.unref();
  };
  return {
    start: schedule,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Starts every task in list order; stops them in the same order, each after the one before. */
export class BackgroundTasks {
  constructor(private readonly tasks: readonly BackgroundTask[]) {}

  start(): void {
    for (const task of this.tasks) task.start();
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
  }
}

/** How often expired party invites and join requests are deleted. */
const PARTY_SWEEP_MS = 10 * 60 * 1000;

/** How often expired chat messages are deleted (CHAT_RETENTION_DAYS_*). */
const RETENTION_SWEEP_MS = 60 * 60 * 1000;

export interface LobbyLoopInputs {
  services: Services;
  config: Config;
  logger: Logger;
  /** Set with several processes (Redis): heartbeats and the reaping of dead processes run then. */
  liveness?: { registry: ProcessRegistry };
  /** The backplane's health probe (its own loop, see BackplaneHealth). */
  backplaneHealth: BackgroundTask;
}

/** Every periodic loop of a lobby process, in the order they start and stop. */
export function lobbyBackgroundTasks(i: LobbyLoopInputs): BackgroundTasks {
  const { services, config, logger } = i;
  const { chat, matchmaking, parties } = services;
  const tasks: BackgroundTask[] = [
    // Every process sweeps; the deletes are idempotent, so overlapping sweeps only repeat work.
    interval(RETENTION_SWEEP_MS, () => {
      chat
        .sweepRetention()
        .then((removed) => logger.info({ removed }, "chat retention sweep"))
        .catch((err) => logger.warn({ err }, "chat retention sweep failed; will retry"));
    }),
    interval(PARTY_SWEEP_MS, () => {
      parties
        .sweepExpired()
        .then((removed) => logger.debug({ removed }, "party invite and join request sweep"))
        .catch((err) => logger.warn({ err }, "party sweep failed; will retry"));
    }),
    // Game servers that stopped beating are taken out; every process sweeps, the delete is idempotent.
    chained(config.fleetHeartbeatSeconds * 1000, () =>
      services.gameServers.sweep().then(
        (gone) => {
          if (gone.length > 0) logger.warn({ servers: gone.map((g) => ({ id: g.id, address: g.address, region: g.region })) }, "game servers stopped beating: taken out");
        },
        (err) => logger.warn({ err }, "game server sweep failed; will retry"),
      ),
    ),
    // Matcher ticks, one after another; each takes or renews this process' queues.
    chained(config.matchmaking.tickMs, () =>
      matchmaking.tick().then(
        () => undefined,
        (err) => logger.warn({ err }, "matchmaking tick failed; will retry"),
      ),
    ),
  ];
  if (i.liveness) {
    // With several processes, each says it is alive; the others take a process whose heartbeat
    // expired out of presence (its players go offline, their searches and parties end).
    const { registry } = i.liveness;
    let running: { stop(): Promise<void> } | undefined;
    tasks.push({
      start: () => void (running = startLiveness(services, registry, config, logger)),
      stop: () => running?.stop(),
    });
  }
  tasks.push(i.backplaneHealth);
  return new BackgroundTasks(tasks);
}
