/**
 * Splitting a chosen group of tickets into teams: pure, deterministic, allocation-light. Used by
 * the matcher (matcher.ts); kept separate so it can be tested on its own.
 *
 * Items are indexed 0..n-1 (the matcher's group order). `conflicts(i, j)` says whether items i and
 * j may not share a team (a block between their players). Every team holds at most `teamSize`
 * players; an item (a party) is never split.
 */

export interface BalanceItem {
  /** Players in the ticket (1..teamSize). */
  size: number;
  /** Sum of the players' mu. */
  muSum: number;
}

export type Conflicts = (i: number, j: number) => boolean;

export interface TeamAssignment {
  /** Team index of every item, in item order. */
  team: number[];
  /** Sum over teams of (team mu sum - mean team mu sum)^2: 0 is perfectly even. */
  imbalance: number;
}

/** Search limits: a few thousand nodes keep even a 64-player mode to well under a millisecond. */
export const BALANCE_NODE_BUDGET = 4000;

/** Sum of squared deviations of the team mu sums from their mean. */
export function imbalanceOf(items: readonly BalanceItem[], team: readonly number[], teamCount: number): number {
  const sums = new Array<number>(teamCount).fill(0);
  for (let i = 0; i < items.length; i++) sums[team[i]!]! += items[i]!.muSum;
  return squaredDeviation(sums);
}

function squaredDeviation(sums: readonly number[]): number {
  let mean = 0;
  for (const s of sums) mean += s;
  mean /= sums.length;
  let out = 0;
  for (const s of sums) out += (s - mean) * (s - mean);
  return out;
}

/**
 * Depth-first search over team assignments. Items are placed largest party first, then highest
 * mu first; at each step the teams are tried in order of lowest current mu sum (so the first
 * complete assignment found is the classic greedy "strongest remaining ticket to the weakest team
 * with room"), skipping teams without room, teams holding a conflicting item, and all but the
 * first empty team (empty teams are interchangeable). With `firstOnly`, returns the first
 * assignment found (a feasibility check); otherwise keeps exploring within `budget` nodes and
 * returns the assignment with the lowest imbalance (ties: the first found). Null if no assignment
 * was found within the budget (for a feasibility check of small groups that means none exists).
 *
 * For two teams, a lower imbalance is exactly a higher OpenSkill draw probability: the players,
 * hence the sum of both teams' sigma^2, are the same whatever the split, so predictDraw only
 * depends on |mu sum A - mu sum B|. For more teams it is a close proxy (predictDraw averages the
 * pairwise draw probabilities, whose denominators differ slightly with each pair's sigmas).
 */
export function assignTeams(
  items: readonly BalanceItem[],
  teamCount: number,
  teamSize: number,
  conflicts: Conflicts | null,
  options: { firstOnly: boolean; budget?: number; initial?: readonly number[] },
): TeamAssignment | null {
  const result = new TeamBalancer(teamCount, teamSize).assign(items, conflicts, options);
  return result && { team: result.team.slice(0, items.length), imbalance: result.imbalance };
}

/**
 * assignTeams with scratch arrays kept between calls (the matcher splits thousands of groups per
 * tick). The returned `team` array is scratch too: valid until the next call, and it may be
 * longer than the items (read the first `count`). One instance per findMatches call; not
 * re-entrant.
 */
export class TeamBalancer {
  private items: readonly BalanceItem[] = [];
  private conflicts: Conflicts | null = null;
  private n = 0;
  private readonly order: number[] = [];
  private readonly load: number[];
  private readonly sums: number[];
  private readonly members: number[][];
  private readonly memberCounts: number[];
  private readonly team: number[] = [];
  private readonly bestTeam: number[] = [];
  private readonly triedRows: number[][] = [];
  private found = false;
  private bestScore = Infinity;
  private nodes = 0;
  private budget = 0;
  private firstOnly = false;
  private done = false;

  constructor(
    private readonly teamCount: number,
    private readonly teamSize: number,
  ) {
    this.load = new Array<number>(teamCount).fill(0);
    this.sums = new Array<number>(teamCount).fill(0);
    this.members = Array.from({ length: teamCount }, () => []);
    this.memberCounts = new Array<number>(teamCount).fill(0);
  }

  /** Splits items[0..count) (count defaults to items.length). */
  assign(
    items: readonly BalanceItem[],
    conflicts: Conflicts | null,
    options: { firstOnly: boolean; budget?: number; initial?: readonly number[] },
    count = items.length,
  ): TeamAssignment | null {
    const n = count;
    this.items = items;
    this.conflicts = conflicts;
    this.n = n;
    this.budget = options.budget ?? BALANCE_NODE_BUDGET;
    this.firstOnly = options.firstOnly;
    this.nodes = 0;
    this.done = false;
    // Placement order: size desc, mu sum desc, then item index (deterministic). Insertion sort.
    const order = this.order;
    for (let i = 0; i < n; i++) {
      const A = items[i]!;
      let at = i;
      while (at > 0) {
        const B = items[order[at - 1]!]!;
        if (B.size > A.size || (B.size === A.size && B.muSum >= A.muSum)) break;
        order[at] = order[at - 1]!;
        at--;
      }
      order[at] = i;
    }
    this.load.fill(0);
    this.sums.fill(0);
    this.memberCounts.fill(0);
    for (let i = 0; i < n; i++) this.team[i] = -1;
    while (this.triedRows.length < n) this.triedRows.push(new Array<number>(this.teamCount).fill(0));
    this.found = false;
    this.bestScore = Infinity;
    const initial = options.initial;
    if (initial && initial.length >= n) {
      // The initial split's score, with the sums as scratch (they are zeroed again below).
      for (let i = 0; i < n; i++) {
        this.bestTeam[i] = initial[i]!;
        this.sums[initial[i]!]! += items[i]!.muSum;
      }
      this.bestScore = squaredDeviation(this.sums);
      this.found = true;
      this.sums.fill(0);
    }
    this.place(0);
    this.items = [];
    this.conflicts = null;
    return this.found ? { team: this.bestTeam, imbalance: this.bestScore } : null;
  }

  private conflictsWith(item: number, t: number): boolean {
    const conflicts = this.conflicts;
    if (!conflicts) return false;
    const members = this.members[t]!;
    const count = this.memberCounts[t]!;
    for (let i = 0; i < count; i++) if (conflicts(item, members[i]!)) return true;
    return false;
  }

  private place(k: number): void {
    if (this.done) return;
    const { teamCount, teamSize, load, sums } = this;
    if (k === this.n) {
      const score = squaredDeviation(sums);
      if (!this.found || score < this.bestScore) {
        for (let i = 0; i < this.n; i++) this.bestTeam[i] = this.team[i]!;
        this.bestScore = score;
        this.found = true;
      }
      if (this.firstOnly) this.done = true;
      return;
    }
    if (++this.nodes > this.budget) {
      this.done = true;
      return;
    }
    const item = this.order[k]!;
    const { size, muSum } = this.items[item]!;
    // Teams by current mu sum (lowest first), index as tie-break: an insertion sort into this
    // depth's scratch row (deeper calls use their own rows).
    const tried = this.triedRows[k]!;
    for (let t = 0; t < teamCount; t++) {
      let at = t;
      while (at > 0 && sums[tried[at - 1]!]! > sums[t]!) {
        tried[at] = tried[at - 1]!;
        at--;
      }
      tried[at] = t;
    }
    let emptySeen = false;
    for (let x = 0; x < teamCount; x++) {
      const t = tried[x]!;
      if (load[t]! + size > teamSize) continue;
      if (load[t] === 0) {
        if (emptySeen) continue;
        emptySeen = true;
      }
      if (this.conflictsWith(item, t)) continue;
      this.team[item] = t;
      load[t]! += size;
      sums[t]! += muSum;
      this.members[t]![this.memberCounts[t]!++] = item;
      this.place(k + 1);
      this.memberCounts[t]! -= 1;
      sums[t]! -= muSum;
      load[t]! -= size;
      this.team[item] = -1;
      if (this.done) return;
    }
  }
}
