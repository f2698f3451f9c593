/** A game mode: `teamCount` teams of `teamSize` players (duel 1x2, squad 2x2, free-for-all 1x4). */
export interface GameMode {
  id: string;
  teamSize: number;
  teamCount: number;
}

/** After waiting `afterSeconds`, a ticket accepts opponents and teammates up to `maxSpread` mu apart. */
export interface SpreadStep {
  afterSeconds: number;
  maxSpread: number;
}

export interface MatchmakingConfig {
  modes: GameMode[];
  regions: string[];
  /** Regions a ticket may also be matched in once it has waited `regionWidenSeconds`. */
  regionNeighbours: Record<string, string[]>;
  /** 0: never leave the ticket's own region. */
  regionWidenSeconds: number;
  /** Sorted by afterSeconds, first step at 0. */
  spreadSchedule: SpreadStep[];
  tickMs: number;
  /** A queue owner that stops renewing loses its queues after this long. */
  leaseSeconds: number;
  /** Every player must join the match room by then, or the match is cancelled. */
  joinDeadlineSeconds: number;
  /**
   * Modes whose matchmade matches refill a leaver's seat from the queue (MATCH_BACKFILL), each with
   * the point of the match after which they no longer do: a percent of the target score reached by
   * the leading team. A mode not listed never backfills.
   */
  backfill: Readonly<Record<string, number>>;
}

export interface PartyConfig {
  /** The largest party; a party queues only for modes whose teams fit it. */
  maxSize: number;
  inviteTtlSeconds: number;
}

export interface MatchRoomConfig {
  targetScore: number;
  reconnectSeconds: number;
  /** Fastest a player may score: one point per this many ms (server-side rule). */
  scoreCooldownMs: number;
  spectators: SpectatingConfig;
}

/** Who may watch a match being played (MATCH_SPECTATORS), how far behind (MATCH_SPECTATOR_DELAY_SECONDS), how many (MATCH_SPECTATORS_MAX). */
export interface SpectatingConfig {
  policy: "off" | "friends" | "anyone";
  delaySeconds: number;
  max: number;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** `squad:50,ffa:30` (mode = backfill while the leading team is below that percent of the target score) */
export function parseBackfill(value: string): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9_-]{0,31}):(\d{1,3})$/.exec(part);
    if (!m) return `"${part}" is not <mode>:<percent of the target score>`;
    const percent = Number(m[2]);
    if (percent < 1 || percent > 100) return `"${part}": the percent must be 1..100`;
    if (Object.hasOwn(out, m[1]!)) return `mode "${m[1]}" is listed twice`;
    out[m[1]!] = percent;
  }
  return out;
}

/** `duel:1x2,squad:2x2,ffa:1x4` */
export function parseGameModes(value: string): GameMode[] | string {
  const modes: GameMode[] = [];
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9_-]{0,31}):(\d{1,2})x(\d{1,2})$/.exec(part);
    if (!m) return `"${part}" is not <name>:<teamSize>x<teamCount>`;
    const mode = { id: m[1]!, teamSize: Number(m[2]), teamCount: Number(m[3]) };
    if (mode.teamSize < 1 || mode.teamCount < 2) return `"${part}" needs at least 1 player per team and 2 teams`;
    if (mode.teamSize * mode.teamCount > 64) return `"${part}" has more than 64 players`;
    if (modes.some((x) => x.id === mode.id)) return `mode "${mode.id}" is listed twice`;
    modes.push(mode);
  }
  return modes.length > 0 ? modes : "at least one mode is required";
}

/** `eu=na,na=eu|asia` */
export function parseRegionNeighbours(value: string, regions: readonly string[]): Record<string, string[]> | string {
  const out: Record<string, string[]> = {};
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [region, rest] = part.split("=");
    const neighbours = (rest ?? "").split("|").map((n) => n.trim()).filter(Boolean);
    for (const r of [region ?? "", ...neighbours]) {
      if (!NAME.test(r) || !regions.includes(r)) return `"${r}" in "${part}" is not one of MATCH_REGIONS`;
    }
    out[region!] = neighbours.filter((n) => n !== region);
  }
  return out;
}

/** `0=3,10=6,30=12` (seconds waited = largest mu spread accepted) */
export function parseSpreadSchedule(value: string): SpreadStep[] | string {
  const steps: SpreadStep[] = [];
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{1,5})=(\d{1,4}(?:\.\d{1,3})?)$/.exec(part);
    if (!m) return `"${part}" is not <seconds>=<spread>`;
    steps.push({ afterSeconds: Number(m[1]), maxSpread: Number(m[2]) });
  }
  steps.sort((a, b) => a.afterSeconds - b.afterSeconds);
  if (steps[0]?.afterSeconds !== 0) return "the schedule must start at 0 seconds";
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]!.afterSeconds === steps[i - 1]!.afterSeconds) return "two steps at the same time";
    if (steps[i]!.maxSpread < steps[i - 1]!.maxSpread) return "the spread must not narrow with waiting";
  }
  return steps;
}

/** The spread a ticket that waited `waitedMs` accepts. */
export function spreadAfter(schedule: readonly SpreadStep[], waitedMs: number): number {
  let spread = schedule[0]?.maxSpread ?? 0;
  for (const step of schedule) if (waitedMs >= step.afterSeconds * 1000) spread = step.maxSpread;
  return spread;
}
