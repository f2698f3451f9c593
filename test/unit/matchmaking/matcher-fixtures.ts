import type { MatcherConfig, MatcherTicket, ProposedMatch } from "../../../server/modules/matchmaking/matcher-types";
import type { GameMode, SpreadStep } from "../../../server/modules/matchmaking/matchmaking-config";

/** The defaults of server/config.ts. */
export const DEFAULT_SCHEDULE: SpreadStep[] = [
  { afterSeconds: 0, maxSpread: 3 },
  { afterSeconds: 10, maxSpread: 6 },
  { afterSeconds: 20, maxSpread: 12 },
  { afterSeconds: 40, maxSpread: 25 },
];
export const DEFAULT_NEIGHBOURS: Record<string, string[]> = { eu: ["na"], na: ["eu", "asia"], asia: ["na"] };

export const DUEL: GameMode = { id: "duel", teamSize: 1, teamCount: 2 };
export const SQUAD: GameMode = { id: "squad", teamSize: 2, teamCount: 2 };
export const FFA: GameMode = { id: "ffa", teamSize: 1, teamCount: 4 };

export function config(mode: GameMode, overrides: Partial<Omit<MatcherConfig, "mode">> = {}): MatcherConfig {
  return { mode, spreadSchedule: DEFAULT_SCHEDULE, regionNeighbours: DEFAULT_NEIGHBOURS, regionWidenSeconds: 30, ...overrides };
}

export interface TicketOptions {
  at?: number;
  region?: string;
  blocked?: string[];
  sigma?: number;
}

/** A party ticket `id` whose players are `${id}.0`, `${id}.1`, ... with the given mus. */
export function party(id: string, mus: number[], o: TicketOptions = {}): MatcherTicket {
  return {
    id,
    region: o.region ?? "eu",
    enqueuedAt: o.at ?? 0,
    players: mus.map((mu, i) => ({ accountId: `${id}.${i}`, mu, sigma: o.sigma ?? 25 / 3 })),
    blocked: o.blocked ?? [],
  };
}

/** A solo ticket `id` whose player is `${id}.0`. */
export const solo = (id: string, mu: number, o: TicketOptions = {}): MatcherTicket => party(id, [mu], o);

/** Team contents as sorted ticket-id lists, teams sorted: easy to compare whatever the team order. */
export function teamsOf(match: ProposedMatch): string[][] {
  return match.teams.map((t) => [...t.ticketIds].sort()).sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

/** Mulberry32: a small seeded PRNG, so property tests are reproducible. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates with the given PRNG (returns a new array). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
