import type { GameMode, SpreadStep } from "./matchmaking-config";

export interface MatcherPlayer {
  accountId: string;
  /** OpenSkill rating in the ticket's mode. */
  mu: number;
  sigma: number;
}

/** A solo player or a whole party, waiting in one mode. Parties always end up on one team. */
export interface MatcherTicket {
  id: string;
  region: string;
  /** Epoch ms: waiting time counts from here. */
  enqueuedAt: number;
  players: MatcherPlayer[];
  /** Accounts that any player of this ticket blocked or was blocked by: never on the same team. */
  blocked: readonly string[];
}

export interface MatcherConfig {
  mode: GameMode;
  spreadSchedule: readonly SpreadStep[];
  /** Regions a ticket may also be matched in once it waited `regionWidenSeconds` (0 = never). */
  regionNeighbours: Readonly<Record<string, readonly string[]>>;
  regionWidenSeconds: number;
}

export interface ProposedTeam {
  ticketIds: string[];
  players: MatcherPlayer[];
}

export interface ProposedMatch {
  region: string;
  /** `mode.teamCount` teams of exactly `mode.teamSize` players. */
  teams: ProposedTeam[];
  /** Every ticket used, oldest first. */
  ticketIds: string[];
  /** OpenSkill predicted draw probability of the teams (0..1, higher is fairer). */
  quality: number;
  /** Largest difference in mu between any two tickets' average mu in the match. */
  spread: number;
}
