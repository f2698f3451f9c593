import type { GameLobbyUpdateMessage, GameLobbyView } from "../../../shared/schemas/game-lobby";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { GameLobbyActivity } from "../../../shared/schemas/presence";
import type { Logger } from "../../lib/logger";
import { deliver, type AccountEventBus } from "../events/account-events";
import { identityOf, type Identity } from "../identity";
import { activityOf, listingOf, viewOf } from "./game-lobby-rules";
import type { GameLobbyListings } from "./game-lobby-listings";
import type { GameLobbyRow } from "./game-lobby.repo";

export interface GameLobbyPresencePort {
  /** The player's lobby activity, or null once out of it (the lobby activity returns). */
  setGameLobbyActivity(who: Identity, activity: GameLobbyActivity | null): Promise<void>;
}

/** Why a player is out of a lobby (`gameLobby.update` with `lobby: null`). */
export type Departure = NonNullable<GameLobbyUpdateMessage["reason"]>;
export type Gone = Identity & { reason: Departure };

/**
 * Where a lobby change goes once stored: its players (a versioned `gameLobby.update`), the
 * browsers watching it (`gameLobby.listing`) and the players' friends (presence).
 */
export class GameLobbyPublisher {
  constructor(
    private readonly bus: AccountEventBus,
    private readonly listings: GameLobbyListings,
    private readonly presence: GameLobbyPresencePort,
    private readonly logger: Logger,
  ) {}

  /** The lobby as it now is, to everyone in it; `gone` are out of it. */
  async current(lobby: GameLobbyRow, gone: Gone[]): Promise<GameLobbyView> {
    const view = viewOf(lobby);
    const update: GameLobbyUpdateMessage = { lobbyId: lobby.id, lobby: view };
    await Promise.all(lobby.members.map((m) => this.bus.publish(m.accountId, this.event(update, lobby.version))));
    await this.gone(lobby.id, lobby.version, gone);
    await this.listings.changed(lobby.id, listingOf(lobby));
    const activity = activityOf(lobby);
    await Promise.all(lobby.members.map((m) => this.showActivity(identityOf(m), activity)));
    return view;
  }

  /** The lobby is gone (closed or started): everyone was in it, and it leaves the browser. */
  async closed(lobbyId: string, version: number, gone: Gone[]): Promise<void> {
    await this.gone(lobbyId, version, gone);
    await this.listings.changed(lobbyId, null);
  }

  private async gone(lobbyId: string, version: number, gone: Gone[]): Promise<void> {
    await Promise.all(
      gone.map(async ({ reason, ...who }) => {
        await this.bus.publish(who.accountId, this.event({ lobbyId, lobby: null, reason }, version));
        await this.showActivity(who, null);
      }),
    );
  }

  /** Presence is best effort here: the lobby change is stored and sent either way. */
  private async showActivity(who: Identity, activity: GameLobbyActivity | null): Promise<void> {
    await this.presence.setGameLobbyActivity(who, activity).catch((err) => this.logger.warn({ err, accountId: who.accountId }, "game lobby presence update failed"));
  }

  private event(update: GameLobbyUpdateMessage, version: number) {
    return deliver(LobbyServerMessage.GameLobbyUpdate, update, { key: `gameLobby:${update.lobbyId}`, version });
  }
}
