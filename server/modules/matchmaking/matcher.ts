import { drawProbability, type TeamTotals } from "./draw-probability";
import type { MatcherConfig, MatcherPlayer, MatcherTicket, ProposedMatch, ProposedTeam } from "./matcher-types";
import { spreadAfter } from "./matchmaking-config";
import { TeamBalancer, type BalanceItem } from "./team-balance";

/**
 * The matchmaker: a pure function of (tickets, now, config). Same input, in any array order, gives
 * the same output; no clock, no randomness, no I/O. The matchmaking service calls it once per
 * queue tick with the waiting tickets of one mode and turns the proposals into matches.
 *
 * ## Rules
 *
 * - **Shape.** A match has exactly `mode.teamCount` teams of exactly `mode.teamSize` players. A
 *   ticket (a solo player or a whole party) is never split: all its players are on one team.
 *   Tickets with no players or more players than `teamSize`, with a non-finite rating or time,
 *   with the same player twice, or whose own players block each other (a party can never be on
 *   one team with itself apart) are never matched.
 * - **Priority (fairness).** Tickets are taken oldest first (`enqueuedAt`, then `id`, so ties are
 *   deterministic). Each still-unmatched ticket in turn is the *anchor* of a candidate match; if
 *   no match can be built around it, it stays available to later anchors. A ticket is used at
 *   most once per call. If two tickets share a player (which the service prevents), the older one
 *   is kept and the later one is ignored for this call, so no player is in two proposals. Of two
 *   tickets with the same id, only the first (in the same order) is considered.
 * - **Rating spread.** The anchor decides: with `w = spreadAfter(spreadSchedule, now - anchor's
 *   enqueuedAt)`, every ticket of the match has its average mu within `w` of the anchor's average
 *   mu, and more strictly the match's `spread` (largest difference between any two tickets'
 *   average mu) is at most `w`. The anchor is the oldest ticket still unmatched when its turn
 *   comes, so it is normally the longest-waiting ticket of its match; a ticket older than the
 *   anchor can only be in its match after failing as an anchor itself, and is then held to the
 *   anchor's (never wider) spread.
 * - **Region.** The match is played in the anchor's region R. Another ticket joins only if R is its
 *   own region, or it has waited at least `regionWidenSeconds` (when > 0) and R is listed in
 *   `regionNeighbours[its region]` (its own list: neighbour lists need not be symmetric). Never
 *   a region that is not a listed neighbour.
 * - **Blocks.** Two tickets conflict if a player of one is in the other's `blocked` list (either
 *   list). Conflicting tickets are never on the same team; they may be opponents. A group that
 *   cannot be split into teams without putting a conflicting pair together is not matched.
 * - **Choice of players.** Around the anchor, candidates are taken nearest average mu first (ties:
 *   older first), and the first group (in that order, depth-first with backtracking over a
 *   bounded number of candidates) that fills the match exactly, respects the spread and can be
 *   split into teams is used.
 * - **Teams.** The group is split to minimise the imbalance of the team mu sums (an exhaustive
 *   search for small matches; for large ones a bounded search whose first try is the greedy
 *   split, strongest ticket to the weakest team with room; see team-balance.ts). For two teams
 *   that is exactly the split with the best predicted draw. Teams list their tickets oldest
 *   first; `players` are the input player objects (not copies), ticket by ticket.
 * - **Quality.** `quality = predictDraw(teams)` from OpenSkill (default model options): for two
 *   teams the probability of a draw, with OpenSkill's draw margin for that many players; for more
 *   teams (free-for-all) the average of that probability over every pair of teams. It is in (0, 1]
 *   and higher when the teams are closer. Even two identical 1v1 players get well below 1 (about
 *   0.24 for two new players with sigma 25/3): compare qualities of the same mode only.
 *   Computed by draw-probability.ts, the same formula without the library's per-call overhead
 *   (tested against predictDraw).
 *
 * ## Cost
 *
 * Tickets are bucketed per region and sorted by average mu; for each anchor the candidates are
 * read outward from the anchor's mu by binary search in its own region's list and in the lists of
 * widened tickets of the regions that may play in it, skipping matched tickets with union-find
 * "next alive" links. Each anchor looks at a bounded number of candidates (`poolSize`, the
 * nearest ones) with a bounded search (`groupBudget`), so a call is O(n log n) overall (the
 * sorts), not O(n^2). An anchor whose candidates' party sizes cannot fill the teams at all (say
 * a 3v3 queue of parties of two) is given up early (`sizesCanFill`). The bounds are limits of
 * this search, not rules: with more than `poolSize` equally near candidates of the wrong size
 * an anchor may miss a match that exists further out; a later anchor (or tick) usually forms it.
 */
export function findMatches(tickets: readonly MatcherTicket[], now: number, cfg: MatcherConfig): ProposedMatch[] {
  const { teamSize, teamCount } = cfg.mode;
  const matchPlayers = teamSize * teamCount;
  if (!(teamSize >= 1 && teamCount >= 2)) return [];

  const entries = prepare(tickets, now, cfg);
  if (entries.length === 0) return [];

  // Per-region lists: every ticket of the region, and the widened ones (candidates for neighbours).
  const allByRegion = new Map<string, Entry[]>();
  const widenedByRegion = new Map<string, Entry[]>();
  for (const e of entries) {
    push(allByRegion, e.region, e);
    if (e.widened) push(widenedByRegion, e.region, e);
  }
  const allLists = new Map<string, MuList>();
  for (const [region, list] of allByRegion) allLists.set(region, new MuList(list, "all"));
  const widenedLists = new Map<string, MuList>();
  for (const [region, list] of widenedByRegion) widenedLists.set(region, new MuList(list, "widened"));

  /** The lists to draw candidates from for a match in `region`. */
  const sourcesCache = new Map<string, MuList[]>();
  const sourcesFor = (region: string): MuList[] => {
    let sources = sourcesCache.get(region);
    if (!sources) {
      sources = [allLists.get(region)!];
      // Sorted region names: the order of candidate sources never depends on the input order.
      for (const other of [...widenedLists.keys()].sort()) {
        if (other === region) continue;
        if (neighboursOf(cfg, other).includes(region)) sources.push(widenedLists.get(other)!);
      }
      sourcesCache.set(region, sources);
    }
    return sources;
  };

  const search = new GroupSearch(teamCount, teamSize, matchPlayers);
  const scratch: BuildScratch = {
    totals: Array.from({ length: teamCount }, () => ({ mu: 0, sigSq: 0 })),
    ticketCounts: new Array<number>(teamCount).fill(0),
    playerCounts: new Array<number>(teamCount).fill(0),
  };
  const matches: ProposedMatch[] = [];
  for (const anchor of entries) {
    if (anchor.used) continue;
    const group = search.find(anchor, sourcesFor(anchor.region));
    if (!group) continue;
    for (let i = 0; i < group.count; i++) {
      const e = group.members[i]!;
      e.used = true;
      e.listAll!.remove(e.posAll);
      e.listWidened?.remove(e.posWidened);
    }
    matches.push(buildMatch(anchor.region, group, teamCount, matchPlayers, scratch));
  }
  return matches;
}

/** `regionNeighbours[region]`, own properties only (a region may be called "constructor"). */
function neighboursOf(cfg: MatcherConfig, region: string): readonly string[] {
  const list = Object.hasOwn(cfg.regionNeighbours, region) ? cfg.regionNeighbours[region] : undefined;
  return Array.isArray(list) ? list : [];
}

/** Candidates looked at per anchor: enough slack for parties of mixed sizes and a few blocks. */
export function poolSize(matchPlayers: number): number {
  return Math.min(128, Math.max(16, 4 * matchPlayers));
}

/** Groups tried (candidate additions checked) per anchor before giving up for this call. */
export function groupBudget(matchPlayers: number): number {
  return 64 + 8 * matchPlayers;
}

interface Entry extends BalanceItem {
  ticket: MatcherTicket;
  id: string;
  region: string;
  enqueuedAt: number;
  /** Position in priority order (0 = oldest). */
  rank: number;
  /** Average mu of the ticket's players. */
  mu: number;
  /** Sum of the players' sigma^2 (for the quality). */
  sigSq: number;
  /** Rating spread this ticket accepts as an anchor. */
  allowed: number;
  /** May be matched in neighbour regions. */
  widened: boolean;
  used: boolean;
  posAll: number;
  posWidened: number;
  listAll: MuList | null;
  listWidened: MuList | null;
  /** Accounts blocked either way by this ticket's players; null when none. */
  blocked: ReadonlySet<string> | null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Valid tickets as entries, oldest first, without duplicate ids or shared players. */
function prepare(tickets: readonly MatcherTicket[], now: number, cfg: MatcherConfig): Entry[] {
  const { teamSize } = cfg.mode;
  const widenMs = cfg.regionWidenSeconds > 0 ? cfg.regionWidenSeconds * 1000 : Infinity;
  const valid: Entry[] = [];
  for (const ticket of tickets) {
    const players = ticket.players;
    if (players.length < 1 || players.length > teamSize || !Number.isFinite(ticket.enqueuedAt)) continue;
    let muSum = 0;
    let sigSq = 0;
    let ok = true;
    for (const p of players) {
      if (!Number.isFinite(p.mu) || !Number.isFinite(p.sigma) || p.sigma < 0) ok = false;
      muSum += p.mu;
      sigSq += p.sigma * p.sigma;
    }
    if (!ok) continue;
    if (players.length > 1 && hasDuplicatePlayer(players)) continue;
    let blocked: Set<string> | null = null;
    if (ticket.blocked.length > 0) {
      blocked = new Set(ticket.blocked);
      let self = false;
      for (const p of players) if (blocked.has(p.accountId)) self = true;
      if (self) continue;
    }
    const waited = now - ticket.enqueuedAt;
    valid.push({
      ticket,
      id: ticket.id,
      region: ticket.region,
      enqueuedAt: ticket.enqueuedAt,
      rank: 0,
      size: players.length,
      muSum,
      mu: muSum / players.length,
      sigSq,
      allowed: spreadAfter(cfg.spreadSchedule, waited),
      widened: waited >= widenMs,
      used: false,
      posAll: -1,
      posWidened: -1,
      listAll: null,
      listWidened: null,
      blocked,
    });
  }
  valid.sort(byPriority);

  const entries: Entry[] = [];
  const seenIds = new Set<string>();
  const seenPlayers = new Set<string>();
  for (const e of valid) {
    if (seenIds.has(e.id)) continue;
    seenIds.add(e.id);
    const players = e.ticket.players;
    let shared = false;
    for (let i = 0; i < players.length; i++) if (seenPlayers.has(players[i]!.accountId)) shared = true;
    if (shared) continue;
    for (let i = 0; i < players.length; i++) seenPlayers.add(players[i]!.accountId);
    e.rank = entries.length;
    entries.push(e);
  }
  return entries;
}

function hasDuplicatePlayer(players: readonly MatcherPlayer[]): boolean {
  for (let i = 1; i < players.length; i++) {
    for (let j = 0; j < i; j++) if (players[i]!.accountId === players[j]!.accountId) return true;
  }
  return false;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first, then id; the rest only makes duplicate ids deterministic too. */
function byPriority(a: Entry, b: Entry): number {
  if (a.enqueuedAt !== b.enqueuedAt) return a.enqueuedAt < b.enqueuedAt ? -1 : 1;
  return (
    cmp(a.id, b.id) ||
    cmp(a.region, b.region) ||
    cmp(playersKey(a.ticket), playersKey(b.ticket)) ||
    (a.muSum < b.muSum ? -1 : a.muSum > b.muSum ? 1 : 0)
  );
}

function playersKey(t: MatcherTicket): string {
  return t.players.map((p) => `${p.accountId}:${p.mu}:${p.sigma}`).join(",") + "|" + [...t.blocked].sort().join(",");
}

/**
 * Entries of one region sorted by average mu (ties: priority), with O(~1) removal and
 * "nearest alive entry left/right of i" through path-compressed union-find links.
 */
class MuList {
  readonly entries: Entry[];
  readonly mus: Float64Array;
  /** right[i]: i if alive, else a later index; n is the sentinel. */
  private readonly right: Int32Array;
  /** left[i + 1]: i + 1 if entry i is alive, else a smaller index; 0 is the sentinel. */
  private readonly left: Int32Array;

  constructor(entries: Entry[], kind: "all" | "widened") {
    // Comparators return -1/0/1 (small integers): a fractional result is boxed on every call.
    this.entries = entries.sort((a, b) => (a.mu < b.mu ? -1 : a.mu > b.mu ? 1 : a.rank - b.rank));
    const n = entries.length;
    this.mus = new Float64Array(n);
    this.right = new Int32Array(n + 1);
    this.left = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      this.mus[i] = e.mu;
      if (kind === "all") {
        e.posAll = i;
        e.listAll = this;
      } else {
        e.posWidened = i;
        e.listWidened = this;
      }
    }
    for (let i = 0; i <= n; i++) {
      this.right[i] = i;
      this.left[i] = i;
    }
  }

  get length(): number {
    return this.entries.length;
  }

  /** First index whose mu is >= mu. */
  lowerBound(mu: number): number {
    let lo = 0;
    let hi = this.mus.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.mus[mid]! < mu) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Smallest alive index >= i, or length. */
  nextAlive(i: number): number {
    const right = this.right;
    let root = i;
    while (right[root] !== root) root = right[root]!;
    while (right[i] !== root) {
      const next = right[i]!;
      right[i] = root;
      i = next;
    }
    return root;
  }

  /** Largest alive index <= i, or -1. */
  prevAlive(i: number): number {
    const left = this.left;
    let j = i + 1;
    let root = j;
    while (left[root] !== root) root = left[root]!;
    while (left[j] !== root) {
      const next = left[j]!;
      left[j] = root;
      j = next;
    }
    return root - 1;
  }

  remove(i: number): void {
    this.right[i] = i + 1;
    this.left[i + 1] = i;
  }
}

interface Group {
  /** Anchor first, then in the order they were added: positions 0..count. */
  members: Entry[];
  /** Team of each member position. */
  team: number[];
  count: number;
  spread: number;
}

/**
 * Finds the group around one anchor. Reused across anchors of a call: its arrays are scratch
 * space with explicit lengths (resetting a JavaScript array's length to 0 frees its storage, and
 * refilling it allocates again, thousands of times per tick).
 */
class GroupSearch {
  private readonly poolCap: number;
  private readonly budget: number;
  // Candidate pool, read lazily outward from the anchor's mu.
  private readonly pool: Entry[] = [];
  private poolLength = 0;
  private poolDone = false;
  private sources: MuList[] = [];
  private readonly leftCursor: number[] = [];
  private readonly rightCursor: number[] = [];
  private anchor!: Entry;
  // The group under construction: members[0..count), anchor first.
  private readonly members: Entry[] = [];
  private count = 0;
  private size = 0;
  private anyConflict = false;
  /** conflict[i * matchPlayers + j] for group positions i, j. */
  private readonly conflict: Uint8Array;
  private readonly conflictAt = (i: number, j: number): boolean => this.conflict[i * this.matchPlayers + j] === 1;
  /** A feasible split of the current group (the "witness"): team per position, and team loads. */
  private readonly witness: number[] = [];
  private readonly load: number[];
  /** Saved witnesses, one per group position, for undoing a re-split (see tryAdd). */
  private readonly saved: number[][] = [];
  private checks = 0;
  /** Whether the last refused tryAdd involved no block (so only party sizes made it fail). */
  private lastFailureBlockFree = false;
  private sizesChecked = false;
  private readonly balancer: TeamBalancer;
  /** The ways to fill one team with parties (count per party size), or null if too many. */
  private readonly compositions: number[][] | null;
  private readonly sizeCounts: number[];

  constructor(
    private readonly teamCount: number,
    private readonly teamSize: number,
    private readonly matchPlayers: number,
  ) {
    this.poolCap = poolSize(matchPlayers);
    this.budget = groupBudget(matchPlayers);
    this.conflict = new Uint8Array(matchPlayers * matchPlayers);
    this.load = new Array<number>(teamCount).fill(0);
    this.balancer = new TeamBalancer(teamCount, teamSize);
    this.compositions = teamCompositions(teamSize, teamCount);
    this.sizeCounts = new Array<number>(teamSize + 1).fill(0);
    for (let i = 0; i < matchPlayers; i++) {
      this.members.push(undefined as unknown as Entry);
      this.witness.push(-1);
      this.saved.push(new Array<number>(matchPlayers).fill(-1));
    }
  }

  /** The group around `anchor`, or null. The result's arrays are scratch: valid until the next call. */
  find(anchor: Entry, sources: MuList[]): Group | null {
    this.anchor = anchor;
    this.sources = sources;
    this.poolLength = 0;
    this.poolDone = false;
    for (let s = 0; s < sources.length; s++) {
      const list = sources[s]!;
      const at = list.lowerBound(anchor.mu);
      this.leftCursor[s] = list.prevAlive(at - 1);
      this.rightCursor[s] = list.nextAlive(at);
    }
    this.count = 0;
    this.load.fill(0);
    this.size = 0;
    this.anyConflict = false;
    this.checks = 0;
    this.sizesChecked = false;
    this.add(anchor); // always fits: anchor.size <= teamSize
    if (!this.extend(0, anchor.mu, anchor.mu)) return null;

    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < this.count; i++) {
      const mu = this.members[i]!.mu;
      if (mu < lo) lo = mu;
      if (mu > hi) hi = mu;
    }
    // One ticket per team (duel, free-for-all, full parties): every split is the same up to the
    // order of the teams. Otherwise search for the most even split.
    let team: number[] = this.witness;
    if (this.count !== this.teamCount) {
      const conflicts = this.anyConflict ? this.conflictAt : null;
      const split = this.balancer.assign(this.members, conflicts, { firstOnly: false, initial: this.witness }, this.count);
      if (split) team = split.team;
    }
    return { members: this.members, team, count: this.count, spread: hi - lo };
  }

  /** The j-th nearest candidate (0-based), or undefined when the window is exhausted. */
  private candidate(j: number): Entry | undefined {
    while (this.poolLength <= j && !this.poolDone) this.pullNext();
    return j < this.poolLength ? this.pool[j] : undefined;
  }

  private pullNext(): void {
    if (this.poolLength >= this.poolCap) {
      this.poolDone = true;
      return;
    }
    const anchor = this.anchor;
    for (;;) {
      let best: Entry | undefined;
      let bestDistance = Infinity;
      let bestSource = -1;
      let bestLeft = false;
      for (let s = 0; s < this.sources.length; s++) {
        const list = this.sources[s]!;
        const l = this.leftCursor[s]!;
        if (l >= 0) {
          const e = list.entries[l]!;
          const d = anchor.mu - e.mu;
          if (d < bestDistance || (d === bestDistance && best !== undefined && e.rank < best.rank)) {
            best = e;
            bestDistance = d;
            bestSource = s;
            bestLeft = true;
          }
        }
        const r = this.rightCursor[s]!;
        if (r < list.length) {
          const e = list.entries[r]!;
          const d = e.mu - anchor.mu;
          if (d < bestDistance || (d === bestDistance && best !== undefined && e.rank < best.rank)) {
            best = e;
            bestDistance = d;
            bestSource = s;
            bestLeft = false;
          }
        }
      }
      if (!best || bestDistance > anchor.allowed) {
        this.poolDone = true;
        return;
      }
      const list = this.sources[bestSource]!;
      if (bestLeft) this.leftCursor[bestSource] = list.prevAlive(this.leftCursor[bestSource]! - 1);
      else this.rightCursor[bestSource] = list.nextAlive(this.rightCursor[bestSource]! + 1);
      if (best === anchor) continue;
      this.pool[this.poolLength++] = best;
      return;
    }
  }

  /** Depth-first: adds candidates from pool index `start` on until the match is full. */
  private extend(start: number, lo: number, hi: number): boolean {
    if (this.size === this.matchPlayers) return true;
    const allowed = this.anchor.allowed;
    // Sizes that could not be packed into teams at this depth, with no block involved: whether a
    // group without blocks splits into teams depends only on its party sizes, so another
    // block-free candidate of the same size fails too (e.g. a queue of parties of two for 3v3).
    let failedSizes = 0;
    for (let j = start; ; j++) {
      const c = this.candidate(j);
      if (!c) return false;
      if (this.size + c.size > this.matchPlayers) continue;
      const nlo = c.mu < lo ? c.mu : lo;
      const nhi = c.mu > hi ? c.mu : hi;
      if (nhi - nlo > allowed) continue;
      const bit = c.size < 31 ? 1 << c.size : 0;
      if ((failedSizes & bit) !== 0 && !this.anyConflict && !this.conflictsWithGroup(c)) continue;
      if (++this.checks > this.budget) return false;
      if (this.checks >= SIZE_CHECK_AFTER && this.hopeless()) return false;
      const added = this.tryAdd(c);
      if (!added) {
        if (this.lastFailureBlockFree) {
          failedSizes |= bit;
          if (this.hopeless()) return false;
        }
        continue;
      }
      if (this.extend(j + 1, nlo, nhi)) return true;
      this.removeLast();
      if (this.checks > this.budget) return false;
    }
  }

  /**
   * Asks sizesCanFill once per anchor (after a packing failure without blocks, or after
   * SIZE_CHECK_AFTER checks); if the sizes cannot fill the teams, exhausts the budget so the
   * whole search unwinds at once.
   */
  private hopeless(): boolean {
    if (this.sizesChecked) return false;
    this.sizesChecked = true;
    if (this.sizesCanFill()) return false;
    this.checks = this.budget + 1;
    return true;
  }

  /**
   * Whether the party sizes of the anchor and of every candidate in reach (spread and blocks
   * ignored) could fill the teams at all, with the anchor in. It stops hopeless searches such as
   * a 3v3 queue holding only parties of two, which would otherwise try every pair of candidates
   * for every anchor.
   */
  private sizesCanFill(): boolean {
    const compositions = this.compositions;
    if (!compositions) return true; // too many ways to fill a team to enumerate: no shortcut
    while (!this.poolDone) this.pullNext();
    const counts = this.sizeCounts;
    counts.fill(0);
    counts[this.anchor.size]! += 1;
    for (let i = 0; i < this.poolLength; i++) counts[this.pool[i]!.size]! += 1;
    const anchorSize = this.anchor.size;
    // Choose teamCount team compositions (as a multiset: indices non-decreasing) within counts.
    const choose = (team: number, from: number, anchorIn: boolean): boolean => {
      if (team === this.teamCount) return anchorIn;
      for (let i = from; i < compositions.length; i++) {
        const parts = compositions[i]!;
        let fits = true;
        for (let size = 1; size < parts.length; size++) if (parts[size]! > counts[size]!) fits = false;
        if (!fits) continue;
        for (let size = 1; size < parts.length; size++) counts[size]! -= parts[size]!;
        const ok = choose(team + 1, i, anchorIn || parts[anchorSize]! > 0);
        for (let size = 1; size < parts.length; size++) counts[size]! += parts[size]!;
        if (ok) return true;
      }
      return false;
    };
    return choose(0, 0, false);
  }

  private conflictsWithGroup(c: Entry): boolean {
    for (let i = 0; i < this.count; i++) if (conflicts(c, this.members[i]!)) return true;
    return false;
  }

  /** Unconditionally appends `e` at the next group position, recording its conflicts. */
  private add(e: Entry): void {
    const k = this.count++;
    this.members[k] = e;
    this.size += e.size;
    const m = this.matchPlayers;
    for (let i = 0; i < k; i++) {
      const c = conflicts(e, this.members[i]!) ? 1 : 0;
      this.conflict[k * m + i] = c;
      this.conflict[i * m + k] = c;
      if (c) this.anyConflict = true;
    }
    this.conflict[k * m + k] = 0;
    // Witness: best fit (least room left) among teams with room and no conflicting member.
    const t = this.fitTeam(k);
    this.witness[k] = t;
    if (t >= 0) this.load[t]! += e.size;
  }

  private fitTeam(k: number): number {
    const size = this.members[k]!.size;
    const m = this.matchPlayers;
    let bestTeam = -1;
    let bestRoom = Infinity;
    for (let t = 0; t < this.teamCount; t++) {
      const room = this.teamSize - this.load[t]! - size;
      if (room < 0 || room >= bestRoom) continue;
      let clash = false;
      if (this.anyConflict) {
        for (let i = 0; i < k; i++) {
          if (this.witness[i] === t && this.conflict[k * m + i] === 1) {
            clash = true;
            break;
          }
        }
      }
      if (clash) continue;
      bestTeam = t;
      bestRoom = room;
    }
    return bestTeam;
  }

  /**
   * Adds `c` if the group stays splittable into teams (if the current split has no room for it,
   * the whole group is re-split; the previous split is saved for removeLast). False if it does
   * not fit.
   */
  private tryAdd(c: Entry): boolean {
    const anyConflictBefore = this.anyConflict;
    this.add(c);
    const k = this.count - 1;
    const saved = this.saved[k]!;
    if (this.witness[k]! >= 0) {
      saved[0] = -1; // nothing to restore: removeLast just takes c out of its team
      return true;
    }
    // No room in the current split: look for another split of the whole group.
    const split = this.balancer.assign(this.members, this.anyConflict ? this.conflictAt : null, { firstOnly: true }, this.count);
    if (!split) {
      this.lastFailureBlockFree = !this.anyConflict;
      this.count -= 1;
      this.size -= c.size;
      this.anyConflict = anyConflictBefore;
      return false;
    }
    saved[0] = 1;
    for (let i = 0; i < k; i++) saved[i + 1] = this.witness[i]!;
    this.setWitness(split.team, this.count);
    return true;
  }

  private removeLast(): void {
    const k = this.count - 1;
    const e = this.members[k]!;
    const saved = this.saved[k]!;
    this.count = k;
    this.size -= e.size;
    if (saved[0] === 1) {
      for (let i = 0; i < k; i++) this.witness[i] = saved[i + 1]!;
      this.setWitness(this.witness, k);
    } else {
      this.load[this.witness[k]!]! -= e.size;
    }
    if (this.anyConflict) {
      const m = this.matchPlayers;
      let any = false;
      for (let i = 0; i < k && !any; i++) {
        for (let j = 0; j < i; j++) if (this.conflict[i * m + j] === 1) any = true;
      }
      this.anyConflict = any;
    }
  }

  /** Sets the witness of positions 0..count from `team` (which may be the witness itself). */
  private setWitness(team: readonly number[], count: number): void {
    this.load.fill(0);
    for (let i = 0; i < count; i++) {
      const t = team[i]!;
      this.witness[i] = t;
      this.load[t]! += this.members[i]!.size;
    }
  }
}

/** An anchor that needed this many checks gets its party sizes checked (sizesCanFill). */
const SIZE_CHECK_AFTER = 12;

/**
 * Every way to make `teamSize` from party sizes 1..teamSize, as counts per size (index = size),
 * or null when choosing `teamCount` of them would be too many to enumerate.
 */
function teamCompositions(teamSize: number, teamCount: number): number[][] | null {
  const out: number[][] = [];
  const counts = new Array<number>(teamSize + 1).fill(0);
  const build = (remaining: number, largest: number): void => {
    if (out.length > 64) return;
    if (remaining === 0) {
      out.push([...counts]);
      return;
    }
    for (let size = Math.min(remaining, largest); size >= 1; size--) {
      counts[size]! += 1;
      build(remaining - size, size);
      counts[size]! -= 1;
    }
  };
  build(teamSize, teamSize);
  if (out.length > 64) return null;
  // Multisets of teamCount compositions: C(k + teamCount - 1, teamCount).
  let multisets = 1;
  for (let i = 1; i <= teamCount; i++) multisets = (multisets * (out.length + i - 1)) / i;
  return multisets <= 5000 ? out : null;
}

/** A player of one ticket is blocked by (or blocked) a player of the other. */
function conflicts(a: Entry, b: Entry): boolean {
  if (a.blocked) for (const p of b.ticket.players) if (a.blocked.has(p.accountId)) return true;
  if (b.blocked) for (const p of a.ticket.players) if (b.blocked.has(p.accountId)) return true;
  return false;
}

interface BuildScratch {
  totals: TeamTotals[];
  ticketCounts: number[];
  playerCounts: number[];
}

function buildMatch(region: string, group: Group, teamCount: number, matchPlayers: number, scratch: BuildScratch): ProposedMatch {
  const { members, team, count } = group;
  const { totals, ticketCounts, playerCounts } = scratch;
  // Members by priority (oldest first): insertion sort of both scratch arrays together.
  for (let i = 1; i < count; i++) {
    const e = members[i]!;
    const t = team[i]!;
    let k = i;
    while (k > 0 && members[k - 1]!.rank > e.rank) {
      members[k] = members[k - 1]!;
      team[k] = team[k - 1]!;
      k--;
    }
    members[k] = e;
    team[k] = t;
  }
  // Arrays allocated at their final length (growing empty arrays costs more than the rest here).
  ticketCounts.fill(0);
  playerCounts.fill(0);
  for (let i = 0; i < count; i++) ticketCounts[team[i]!]! += 1;
  const teamSize = matchPlayers / teamCount;
  const teams = new Array<ProposedTeam>(teamCount);
  for (let t = 0; t < teamCount; t++) {
    teams[t] = { ticketIds: new Array<string>(ticketCounts[t]!), players: new Array<MatcherPlayer>(teamSize) };
    const total = totals[t]!;
    total.mu = 0;
    total.sigSq = 0;
    ticketCounts[t] = 0;
  }
  const ticketIds = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const e = members[i]!;
    const t = team[i]!;
    const proposed = teams[t]!;
    const total = totals[t]!;
    ticketIds[i] = e.id;
    proposed.ticketIds[ticketCounts[t]!++] = e.id;
    let n = playerCounts[t]!;
    for (const p of e.ticket.players) proposed.players[n++] = p;
    playerCounts[t] = n;
    total.mu += e.muSum;
    total.sigSq += e.sigSq;
  }
  return { region, teams, ticketIds, quality: drawProbability(totals, matchPlayers), spread: group.spread };
}
