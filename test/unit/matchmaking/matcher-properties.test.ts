import { predictDraw } from "openskill";
import { findMatches } from "../../../server/modules/matchmaking/matcher";
import type { MatcherConfig, MatcherTicket, ProposedMatch } from "../../../server/modules/matchmaking/matcher-types";
import { spreadAfter, type GameMode } from "../../../server/modules/matchmaking/matchmaking-config";
import { config, DUEL, FFA, prng, shuffled, SQUAD } from "./matcher-fixtures";

/**
 * Properties over seeded random inputs (mulberry32: a failure is reproducible from the seed in the
 * test name), checked against an independent reading of the rules, including a brute force for
 * small inputs.
 */

const S = 1000;
const TRIO: GameMode = { id: "trio", teamSize: 3, teamCount: 2 };
const MODES = [DUEL, SQUAD, FFA, TRIO];
const REGIONS = ["eu", "na", "asia"];

const avg = (t: MatcherTicket) => t.players.reduce((s, p) => s + p.mu, 0) / t.players.length;
const waited = (t: MatcherTicket, now: number) => now - t.enqueuedAt;
const widened = (t: MatcherTicket, now: number, cfg: MatcherConfig) =>
  cfg.regionWidenSeconds > 0 && waited(t, now) >= cfg.regionWidenSeconds * 1000;
const mayPlayIn = (t: MatcherTicket, region: string, now: number, cfg: MatcherConfig) =>
  t.region === region || (widened(t, now, cfg) && (cfg.regionNeighbours[t.region] ?? []).includes(region));
const conflict = (a: MatcherTicket, b: MatcherTicket) =>
  b.players.some((p) => a.blocked.includes(p.accountId)) || a.players.some((p) => b.blocked.includes(p.accountId));
const matchable = (t: MatcherTicket, mode: GameMode) =>
  t.players.length >= 1 && t.players.length <= mode.teamSize && !t.players.some((p) => t.blocked.includes(p.accountId));

interface Scenario {
  tickets: MatcherTicket[];
  now: number;
  cfg: MatcherConfig;
}

/** `count` tickets with fresh player ids, random party sizes (sometimes too large), ratings, ages, regions, blocks. */
function scenario(seed: number, count: number, mode: GameMode): Scenario {
  const random = prng(seed);
  const now = 100 * S;
  const tickets: MatcherTicket[] = [];
  for (let i = 0; i < count; i++) {
    const size = random() < 0.05 ? mode.teamSize + 1 : 1 + Math.floor(random() * mode.teamSize);
    const center = 25 + (random() - 0.5) * 24;
    tickets.push({
      id: `t${i}`,
      region: REGIONS[Math.floor(random() * REGIONS.length)]!,
      enqueuedAt: now - Math.floor(random() * 70) * S - (random() < 0.5 ? 0 : Math.floor(random() * 1000)),
      players: Array.from({ length: size }, (_, k) => ({ accountId: `t${i}.${k}`, mu: center + (random() - 0.5) * 6, sigma: 1 + random() * 7 })),
      blocked: [],
    });
  }
  // Blocks: some players block a random other player (listed on both tickets, as the service does).
  for (const t of tickets) {
    if (random() < 0.25) {
      const other = tickets[Math.floor(random() * tickets.length)]!;
      if (other === t) continue;
      const target = other.players[0]!.accountId;
      (t.blocked as string[]).push(target);
      (other.blocked as string[]).push(t.players[0]!.accountId);
    }
  }
  const cfg = config(mode, { regionWidenSeconds: random() < 0.2 ? 0 : 30 });
  return { tickets, now, cfg };
}

/** Every invariant a proposal must satisfy on its own. */
function checkMatches({ tickets, now, cfg }: Scenario, matches: ProposedMatch[]): void {
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const usedTickets = new Set<string>();
  const usedPlayers = new Set<string>();
  const { teamSize, teamCount } = cfg.mode;
  for (const m of matches) {
    expect(m.teams).toHaveLength(teamCount);
    const members = m.ticketIds.map((id) => byId.get(id)!);
    for (const t of members) {
      expect(t).toBeDefined();
      expect(usedTickets.has(t.id)).toBe(false);
      usedTickets.add(t.id);
      expect(matchable(t, cfg.mode)).toBe(true);
      expect(mayPlayIn(t, m.region, now, cfg)).toBe(true);
    }
    // Oldest first.
    const sorted = [...members].sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1));
    expect(m.ticketIds).toEqual(sorted.map((t) => t.id));
    // Teams: exact sizes, whole tickets, the same tickets as the match, no blocked teammates.
    const inTeams: string[] = [];
    for (const team of m.teams) {
      expect(team.players).toHaveLength(teamSize);
      const teamTickets = team.ticketIds.map((id) => byId.get(id)!);
      expect(team.players.map((p) => p.accountId)).toEqual(teamTickets.flatMap((t) => t.players.map((p) => p.accountId)));
      for (const a of teamTickets) for (const b of teamTickets) if (a !== b) expect(conflict(a, b)).toBe(false);
      inTeams.push(...team.ticketIds);
    }
    expect([...inTeams].sort()).toEqual([...m.ticketIds].sort());
    for (const p of m.teams.flatMap((t) => t.players)) {
      expect(usedPlayers.has(p.accountId)).toBe(false);
      usedPlayers.add(p.accountId);
    }
    // Spread: as reported, and within the spread of a ticket of the match's region (the anchor).
    const mus = members.map(avg);
    const spread = Math.max(...mus) - Math.min(...mus);
    expect(m.spread).toBeCloseTo(spread, 9);
    const anchors = members.filter((t) => t.region === m.region && spread <= spreadAfter(cfg.spreadSchedule, waited(t, now)) + 1e-9);
    expect(anchors.length).toBeGreaterThan(0);
    // Quality: OpenSkill's.
    expect(m.quality).toBeGreaterThan(0);
    expect(m.quality).toBeLessThanOrEqual(1);
    expect(m.quality).toBeCloseTo(predictDraw(m.teams.map((t) => t.players)), 10);
  }
}

/** Whether `group` splits into teams of exactly teamSize players with no conflicting teammates. */
function splittable(group: MatcherTicket[], mode: GameMode): boolean {
  const load = new Array<number>(mode.teamCount).fill(0);
  const teams: MatcherTicket[][] = Array.from({ length: mode.teamCount }, () => []);
  const place = (i: number): boolean => {
    if (i === group.length) return load.every((l) => l === mode.teamSize);
    const t = group[i]!;
    for (let k = 0; k < mode.teamCount; k++) {
      if (load[k]! + t.players.length > mode.teamSize) continue;
      if (teams[k]!.some((o) => conflict(o, t))) continue;
      load[k]! += t.players.length;
      teams[k]!.push(t);
      if (place(i + 1)) return true;
      teams[k]!.pop();
      load[k]! -= t.players.length;
    }
    return false;
  };
  return place(0);
}

/** Brute force: is there any valid match anchored at `anchor` among `available`? */
function someMatchAround(anchor: MatcherTicket, available: MatcherTicket[], { now, cfg }: Scenario): boolean {
  const need = cfg.mode.teamSize * cfg.mode.teamCount;
  const allowed = spreadAfter(cfg.spreadSchedule, waited(anchor, now));
  const others = available.filter((t) => t !== anchor && matchable(t, cfg.mode) && mayPlayIn(t, anchor.region, now, cfg));
  for (let mask = 0; mask < 1 << others.length; mask++) {
    const group = [anchor, ...others.filter((_, i) => mask & (1 << i))];
    if (group.reduce((s, t) => s + t.players.length, 0) !== need) continue;
    const mus = group.map(avg);
    if (Math.max(...mus) - Math.min(...mus) > allowed) continue;
    if (splittable(group, cfg.mode)) return true;
  }
  return false;
}

describe("findMatches: properties on random inputs", () => {
  test.each(Array.from({ length: 40 }, (_, i) => [i + 1]))("seed %i: invariants hold, input order does not matter", (seed) => {
    const mode = MODES[seed % MODES.length]!;
    const s = scenario(seed, 60 + (seed % 7) * 40, mode);
    const matches = findMatches(s.tickets, s.now, s.cfg);
    expect(matches.length).toBeGreaterThan(0);
    checkMatches(s, matches);
    expect(findMatches(shuffled(s.tickets, prng(seed * 31)), s.now, s.cfg)).toEqual(matches);
  });

  test.each(Array.from({ length: 300 }, (_, i) => [1000 + i]))(
    "seed %i (small): nothing left that the rules would allow, compared with a brute force",
    (seed) => {
      const mode = MODES[seed % MODES.length]!;
      const s = scenario(seed, 2 + (seed % 6), mode);
      const matches = findMatches(s.tickets, s.now, s.cfg);
      checkMatches(s, matches);
      const used = new Set(matches.flatMap((m) => m.ticketIds));
      const left = s.tickets.filter((t) => !used.has(t.id));
      for (const anchor of left.filter((t) => matchable(t, s.cfg.mode))) {
        expect({ anchor: anchor.id, possible: someMatchAround(anchor, left, s) }).toEqual({ anchor: anchor.id, possible: false });
      }
    },
  );

  test("the brute force finds matches too (the small cases are not all trivially empty)", () => {
    let formed = 0;
    for (let seed = 1000; seed < 1300; seed++) {
      const mode = MODES[seed % MODES.length]!;
      const s = scenario(seed, 2 + (seed % 6), mode);
      formed += findMatches(s.tickets, s.now, s.cfg).length;
      // ...and whenever one exists for the oldest matchable ticket, the matcher forms at least one.
      const oldest = [...s.tickets].filter((t) => matchable(t, mode)).sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1))[0];
      if (oldest && someMatchAround(oldest, s.tickets, s)) expect(findMatches(s.tickets, s.now, s.cfg).length).toBeGreaterThan(0);
    }
    expect(formed).toBeGreaterThan(50);
  });
});
