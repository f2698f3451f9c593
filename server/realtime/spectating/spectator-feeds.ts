/** What a spectator sees of a match: the match room's state, as plain data. */
export interface MatchSnapshot {
  phase: string;
  targetScore: number;
  teamScores: number[];
  players: { accountId: string; username: string; displayName: string; team: number; score: number; connected: boolean; left: boolean; backfill: boolean }[];
  winnerTeam: number;
}

/** The phases after which a match sends nothing more. */
export const isFinalPhase = (phase: string): boolean => phase === "finished" || phase === "cancelled";

/**
 * Snapshots from each match room to its spectate room. Both live on the same process (the match
 * room creates its spectate room locally), so this is an in-process hand-over, not the backplane.
 */
export class SpectatorFeeds {
  private readonly listeners = new Map<string, (snapshot: MatchSnapshot) => void>();

  publish(matchId: string, snapshot: MatchSnapshot): void {
    this.listeners.get(matchId)?.(snapshot);
  }

  /** One listener per match (its spectate room); returns the unsubscribe. */
  subscribe(matchId: string, listener: (snapshot: MatchSnapshot) => void): () => void {
    this.listeners.set(matchId, listener);
    return () => {
      if (this.listeners.get(matchId) === listener) this.listeners.delete(matchId);
    };
  }
}

/** The spectate room of a match has a fixed id, so any process finds it from the match id alone. */
export const spectateRoomId = (matchId: string): string => `spectate-${matchId}`;
