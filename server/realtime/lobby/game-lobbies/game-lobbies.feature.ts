import type { GameLobbyListingMessage } from "../../../../shared/schemas/game-lobby";
import { LobbyClientMessage, LobbyServerMessage } from "../../../../shared/schemas/lobby";
import type { Logger } from "../../../lib/logger";
import type { JoinSnapshot } from "../../../modules/lobby/join-snapshot";
import type { GameLobbiesService } from "../../../modules/game-lobbies/game-lobbies.service";
import { TopicSubscriptions } from "../../topic-subscriptions";
import type { FeatureRouter, LobbyFeature, LobbyRoomContext } from "../feature";
import { whoOf, type LobbyClient } from "../lobby-client";

export interface GameLobbiesFeatureDeps {
  gameLobbies: GameLobbiesService;
  presence: { isConnected(accountId: string): Promise<boolean> };
  /** The Presence channel of a lobby's listing (backplane/presence-game-lobby-listings.ts). */
  listingChannel: (lobbyId: string) => string;
  logger: Logger;
}

/** What a connection keeps: the lobbies its browser watches (one page, at most 50). */
export interface GameLobbyConnection {
  watching: Set<string> | undefined;
}

/**
 * Custom game lobby messages of a lobby connection, the player's lobby on join and reconnect, and
 * the browser's live listing: the room subscribes once per watched lobby, whoever watches it.
 */
export class GameLobbiesFeature implements LobbyFeature<GameLobbyConnection> {
  readonly name = "gameLobbies";
  readonly events = [] as const;
  private readonly listings: TopicSubscriptions<GameLobbyListingMessage>;

  constructor(
    private readonly d: GameLobbiesFeatureDeps,
    private readonly room: LobbyRoomContext,
  ) {
    this.listings = new TopicSubscriptions(room.presence, d.listingChannel, (lobbyId, message) => this.forward(lobbyId, message));
  }

  register(router: FeatureRouter<GameLobbyConnection>): void {
    const { gameLobbies } = this.d;
    router.on(LobbyClientMessage.GameLobbyCreate, (c, _, m) => gameLobbies.create(whoOf(c), m));
    router.on(LobbyClientMessage.GameLobbyJoin, (c, _, m) => gameLobbies.join(whoOf(c), m));
    router.on(LobbyClientMessage.GameLobbyLeave, (c) => gameLobbies.leave(whoOf(c)));
    router.on(LobbyClientMessage.GameLobbySlot, (c, _, m) => gameLobbies.takeSlot(whoOf(c), m.team, m.slot));
    router.on(LobbyClientMessage.GameLobbyReady, (c, _, m) => gameLobbies.setReady(whoOf(c), m.ready));
    router.on(LobbyClientMessage.GameLobbyKick, (c, _, m) => gameLobbies.kick(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.GameLobbyMove, (c, _, m) => gameLobbies.move(whoOf(c), m.accountId, m.team, m.slot));
    router.on(LobbyClientMessage.GameLobbyConfigure, (c, _, m) => gameLobbies.configure(whoOf(c), m));
    router.on(LobbyClientMessage.GameLobbyPromote, (c, _, m) => gameLobbies.promote(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.GameLobbyStart, (c) => gameLobbies.start(whoOf(c)));
    router.on(LobbyClientMessage.GameLobbyWatch, (c, state, m) => this.watch(c, state, m.lobbyIds));
  }

  open(): GameLobbyConnection {
    return { watching: undefined };
  }

  async start(client: LobbyClient, _state: GameLobbyConnection, join: Pick<JoinSnapshot, "gameLobbyId">): Promise<void> {
    client.send(LobbyServerMessage.GameLobbySnapshot, { lobby: await this.d.gameLobbies.lobbyView(join.gameLobbyId) });
  }

  /** Gone for good, and the account's last connection on any process: it leaves its lobby (not while draining). */
  async close(client: LobbyClient, state: GameLobbyConnection, draining: boolean): Promise<void> {
    this.unwatch(state);
    if (draining) return;
    const who = whoOf(client);
    try {
      if (await this.d.presence.isConnected(who.accountId)) return;
      await this.d.gameLobbies.disconnected(who);
    } catch (err) {
      this.d.logger.warn({ err, accountId: who.accountId }, "game lobby clean-up after disconnect failed");
    }
  }

  /** Replaces the watched set; answers with the listed lobbies of it as they are now (subscribed first, so no change falls between). */
  private async watch(client: LobbyClient, state: GameLobbyConnection, lobbyIds: string[]) {
    this.unwatch(state);
    const ids = new Set(lobbyIds);
    state.watching = ids.size > 0 ? ids : undefined;
    await Promise.all([...ids].map((id) => this.listings.add(id)));
    return { lobbies: await this.d.gameLobbies.browser.listed(whoOf(client).accountId, [...ids]) };
  }

  private unwatch(state: GameLobbyConnection): void {
    for (const id of state.watching ?? []) this.listings.remove(id);
    state.watching = undefined;
  }

  private forward(lobbyId: string, message: GameLobbyListingMessage): void {
    for (const client of this.room.clients()) {
      const state = this.room.stateOf(this, client);
      if (state?.watching?.has(lobbyId)) client.send(LobbyServerMessage.GameLobbyListing, message);
    }
  }
}
