import type { Presence } from "@colyseus/core";
import type { GameLobbyListingMessage, GameLobbySummary } from "../../shared/schemas/game-lobby";
import { withTimeout } from "../lib/bounded";
import type { Logger } from "../lib/logger";
import type { GameLobbyListings } from "../modules/game-lobbies/game-lobby-listings";

/** One Presence channel per lobby, named under the deployment's namespace (see chatNamespace). */
export const gameLobbyListingChannel = (namespace: string, lobbyId: string): string => `lobby:${namespace}:glisting:${lobbyId}`;

/**
 * Lobby browsers' live updates over Presence pub/sub (every process). Best effort and bounded: a
 * browser that misses one still lists the lobby right from GET /lobbies; the lobby's members get
 * their updates through their account channels either way.
 */
export class PresenceGameLobbyListings implements GameLobbyListings {
  constructor(
    private readonly presence: Presence,
    private readonly namespace: string,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  channelOf = (lobbyId: string): string => gameLobbyListingChannel(this.namespace, lobbyId);

  async changed(lobbyId: string, summary: GameLobbySummary | null): Promise<void> {
    const message: GameLobbyListingMessage = { lobbyId, lobby: summary };
    await withTimeout(Promise.resolve(this.presence.publish(this.channelOf(lobbyId), message)), this.timeoutMs, "Redis (publish)").catch((err) =>
      this.logger.warn({ err, lobbyId }, "lobby listing update not published"),
    );
  }
}
