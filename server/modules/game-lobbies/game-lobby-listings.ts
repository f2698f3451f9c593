import { z } from "zod";
import type { GameLobbySummary } from "../../../shared/schemas/game-lobby";

/**
 * Where lobby browsers hear of the lobbies they watch (every process): implemented on Presence
 * pub/sub by backplane/presence-game-lobby-listings.ts.
 */
export interface GameLobbyListings {
  /** The lobby as the browser now shows it; null: it left the browser (started, closed, private). */
  changed(lobbyId: string, summary: GameLobbySummary | null): Promise<void>;
}

/** The browser's keyset cursor: the last item's creation time (epoch ms) and id. */
export const GameLobbyListCursorSchema = z.object({ t: z.number().int(), id: z.uuid() });
