import { LocalDriver, LocalPresence, type matchMaker, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import type { Redis } from "ioredis";
import { createRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from "../lib/redis";

/** One Redis connection the backplane uses, named for the log and the health probe. */
export interface BackplaneConnection {
  name: string;
  redis: Redis;
}

export interface RealtimeBackplane {
  kind: "local" | "redis";
  presence: Presence;
  driver: matchMaker.MatchMakerDriver;
  /** The Redis connections behind presence and driver (none for the local backplane). */
  connections: BackplaneConnection[];
}

/** Colyseus' per-process room and client counts (its Stats module), a hash in Redis. */
const COLYSEUS_ROOM_COUNT_KEY = "roomcount";

/** RedisPresence, with its subscriber connection (protected there) reachable for health probes. */
class ProbedRedisPresence extends RedisPresence {
  get subscriber(): Redis {
    return this.sub as Redis;
  }

  /**
   * Colyseus writes its room counts without awaiting or catching the write: now that a command can
   * time out, that rejection would be unhandled. The next count written replaces a lost one, and the
   * outage itself is reported by BackplaneHealth.
   */
  override async hset(key: string, field: string, value: string): Promise<boolean> {
    const write = super.hset(key, field, value);
    return key === COLYSEUS_ROOM_COUNT_KEY ? write.catch(() => false) : write;
  }
}

/**
 * LocalPresence + LocalDriver in one process; RedisPresence + RedisDriver when REDIS_URL is set,
 * on connections created here with the process' bounds (commandTimeout, socketTimeout: see
 * redisOptions) instead of Colyseus' defaults, under which a command can wait forever.
 */
/**
 * `onResubscribed` runs each time the subscriber connection is back after losing its connection,
 * once its subscriptions are active again. What was published meanwhile never reached this
 * process: it catches up from the database (see LobbyChat.resync).
 */
export function createBackplane(
  redisUrl: string | undefined,
  commandTimeoutMs = DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  onResubscribed: () => void = () => undefined,
): RealtimeBackplane {
  if (!redisUrl) return { kind: "local", presence: new LocalPresence(), driver: new LocalDriver(), connections: [] };
  const pub = createRedis(redisUrl, commandTimeoutMs);
  // The subscriber is pub.duplicate(): the same options.
  const presence = new ProbedRedisPresence(pub);
  const driverRedis = createRedis(redisUrl, commandTimeoutMs);
  const sub = presence.subscriber;
  // The subscriber's commands are never rejected by ioredis itself: it re-sends SUBSCRIBE on every
  // reconnect without catching, so a timeout there would be an unhandled rejection. Its callers
  // bound their own waits (TopicSubscriptions.add, BackplaneHealth), and socketTimeout still drops
  // a silent subscriber connection.
  sub.options.commandTimeout = undefined;
  sub.options.maxRetriesPerRequest = null;
  let readyBefore = false;
  sub.on("ready", () => {
    if (!readyBefore) {
      readyBefore = true;
      return;
    }
    // 'ready' is emitted before ioredis re-sends SUBSCRIBE for every channel; a PING sent after
    // them is answered once they are all in force.
    setImmediate(() => {
      sub.ping().then(
        () => onResubscribed(),
        () => undefined, // lost again: the next 'ready' tries again
      );
    });
  });
  return {
    kind: "redis",
    presence,
    driver: new RedisDriver(driverRedis),
    connections: [
      { name: "presence", redis: pub },
      { name: "subscriber", redis: presence.subscriber },
      { name: "driver", redis: driverRedis },
    ],
  };
}
