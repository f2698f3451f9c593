import { schema, t } from "@colyseus/schema";

/**
 * A lobby shard's shared state. Deliberately tiny: per-player data (friends, presence, messages)
 * is sent to each player alone, so the state never grows with the number of online players.
 */
export const LobbyState = schema(
  {
    /** Connections on this shard, brought up to date once a second (`shardCountEveryMs`). */
    clients: t.number().default(0),
  },
  "LobbyState",
);
export type LobbyState = InstanceType<typeof LobbyState>;
