import { LocalDriver, LocalPresence, type matchMaker, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";

export interface RealtimeBackplane {
  kind: "local" | "redis";
  presence: Presence;
  driver: matchMaker.MatchMakerDriver;
}

/** LocalPresence + LocalDriver in one process; RedisPresence + RedisDriver when REDIS_URL is set. */
export function createBackplane(redisUrl: string | undefined): RealtimeBackplane {
  if (!redisUrl) return { kind: "local", presence: new LocalPresence(), driver: new LocalDriver() };
  return { kind: "redis", presence: new RedisPresence(redisUrl), driver: new RedisDriver(redisUrl) };
}
