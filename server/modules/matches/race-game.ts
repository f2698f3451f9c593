/**
 * The match game: a race to a target score. Each `score` from a player adds a point to their team
 * if the player's cooldown has passed (the server decides, never the client); the first team to
 * reach the target wins. A team whose players have all left for good forfeits; the last team
 * standing wins.
 */
export type ScoreOutcome = { accepted: false; reason: "not_playing" | "cooldown" | "not_a_player" } | { accepted: true; winnerTeam: number | null };

export class RaceGame {
  readonly teamScores: number[];
  readonly playerScores = new Map<string, number>();
  private readonly teamOf = new Map<string, number>();
  private readonly lastScoreAt = new Map<string, number>();
  private readonly gone = new Set<string>();
  private winner: number | null = null;
  private over = false;

  constructor(
    teams: readonly (readonly string[])[],
    private readonly targetScore: number,
    private readonly cooldownMs: number,
  ) {
    this.teamScores = teams.map(() => 0);
    teams.forEach((team, index) => team.forEach((id) => (this.teamOf.set(id, index), this.playerScores.set(id, 0))));
  }

  get finished(): boolean {
    return this.over;
  }

  get winnerTeam(): number | null {
    return this.winner;
  }

  team(accountId: string): number | undefined {
    return this.teamOf.get(accountId);
  }

  score(accountId: string, now: number): ScoreOutcome {
    const team = this.teamOf.get(accountId);
    if (team === undefined) return { accepted: false, reason: "not_a_player" };
    if (this.over || this.gone.has(accountId)) return { accepted: false, reason: "not_playing" };
    const last = this.lastScoreAt.get(accountId);
    if (last !== undefined && now - last < this.cooldownMs) return { accepted: false, reason: "cooldown" };
    this.lastScoreAt.set(accountId, now);
    this.playerScores.set(accountId, (this.playerScores.get(accountId) ?? 0) + 1);
    this.teamScores[team]! += 1;
    if (this.teamScores[team]! >= this.targetScore) this.end(team);
    return { accepted: true, winnerTeam: this.winner };
  }

  /** A backfill joins `team` in progress: the team keeps its score, the newcomer starts at 0. */
  add(accountId: string, team: number): void {
    if (this.over || this.teamOf.has(accountId) || !Number.isInteger(team) || team < 0 || team >= this.teamScores.length) return;
    this.teamOf.set(accountId, team);
    this.playerScores.set(accountId, 0);
  }

  /** The player left for good. Returns the winner if that decided the match by forfeit. */
  leave(accountId: string): { finished: boolean; winnerTeam: number | null } {
    if (this.over || !this.teamOf.has(accountId)) return { finished: this.over, winnerTeam: this.winner };
    this.gone.add(accountId);
    const standing = [...new Set([...this.teamOf].filter(([id]) => !this.gone.has(id)).map(([, team]) => team))];
    if (standing.length === 1) this.end(standing[0]!);
    else if (standing.length === 0) this.end(null);
    return { finished: this.over, winnerTeam: this.winner };
  }

  private end(winner: number | null): void {
    this.over = true;
    this.winner = winner;
  }
}
