import { predictDraw } from "openskill";
import { findMatches } from "../../../server/modules/matchmaking/matcher";
import type { ProposedMatch } from "../../../server/modules/matchmaking/matcher-types";
import { config, DUEL, FFA, party, prng, shuffled, solo, SQUAD, teamsOf } from "./matcher-fixtures";

const S = 1000;

/** Every account id of a match, team by team. */
const accounts = (m: ProposedMatch): string[][] => m.teams.map((t) => t.players.map((p) => p.accountId).sort());

describe("findMatches: shape", () => {
  test("2v2 of solo players: two teams of exactly two", () => {
    const matches = findMatches([solo("a", 25), solo("b", 25), solo("c", 25), solo("d", 25)], 0, config(SQUAD));
    expect(matches).toHaveLength(1);
    const [m] = matches;
    expect(m!.teams).toHaveLength(2);
    expect(m!.teams.map((t) => t.players.length)).toEqual([2, 2]);
    expect([...m!.ticketIds].sort()).toEqual(["a", "b", "c", "d"]);
  });

  test("a party is never split: it fills one team, the solos the other", () => {
    const tickets = [party("p", [30, 20]), solo("x", 26), solo("y", 24)];
    const [m] = findMatches(tickets, 0, config(SQUAD, { spreadSchedule: [{ afterSeconds: 0, maxSpread: 5 }] }));
    expect(m).toBeDefined();
    expect(teamsOf(m!)).toEqual([["p"], ["x", "y"]]);
    const partyTeam = m!.teams.find((t) => t.ticketIds.includes("p"))!;
    expect(partyTeam.players.map((p) => p.accountId).sort()).toEqual(["p.0", "p.1"]);
  });

  test("only exact fills: a third party of two waits rather than overfilling, three solos make no 2v2", () => {
    const parties = findMatches([party("a", [25, 25]), party("b", [25, 25], { at: 1 }), party("c", [25, 25], { at: 2 })], 10, config(SQUAD));
    expect(parties).toHaveLength(1);
    expect(parties[0]!.ticketIds).toEqual(["a", "b"]);
    expect(findMatches([solo("a", 25), solo("b", 25), solo("c", 25)], 0, config(SQUAD))).toEqual([]);
  });

  test("a party larger than the team size is never matched", () => {
    const tickets = [party("big", [25, 25, 25]), solo("a", 25), solo("b", 25), solo("c", 25), solo("d", 25)];
    const matches = findMatches(tickets, 0, config(SQUAD));
    expect(matches).toHaveLength(1);
    expect(matches[0]!.ticketIds).not.toContain("big");
    expect(findMatches([party("big", [25, 25, 25]), solo("a", 25)], 0, config(SQUAD))).toEqual([]);
  });

  test("invalid tickets (no players, non-finite rating or time, a player twice) are skipped", () => {
    const good = party("g", [25, 25]);
    expect(findMatches([good, party("q", [25, 25])], 0, config(SQUAD))).toHaveLength(1);
    const bad = [
      party("nan", [25, Number.NaN]),
      party("inf", [25, 25], { sigma: Number.POSITIVE_INFINITY }),
      { ...party("never", [25, 25]), enqueuedAt: Number.NaN },
      { ...party("twice", [25, 25]), players: [{ accountId: "z", mu: 25, sigma: 8 }, { accountId: "z", mu: 25, sigma: 8 }] },
    ];
    for (const ticket of bad) expect(findMatches([ticket, party("q", [25, 25])], 0, config(SQUAD))).toEqual([]);
    const empty = { ...solo("empty", 25), players: [] };
    const [m, ...rest] = findMatches([empty, solo("a", 25), solo("b", 25)], 0, config(DUEL));
    expect(rest).toEqual([]);
    expect(m!.ticketIds).toEqual(["a", "b"]);
  });

  test("3v3 from parties of two needs solos: none without, one match once two solos queue", () => {
    const trio = { id: "trio", teamSize: 3, teamCount: 2 };
    const duos = Array.from({ length: 30 }, (_, i) => party(`d${String(i).padStart(2, "0")}`, [25, 25.5], { at: i }));
    expect(findMatches(duos, 60 * S, config(trio))).toEqual([]);
    const [m, ...rest] = findMatches([...duos, solo("s1", 25, { at: 100 }), solo("s2", 25, { at: 101 })], 60 * S, config(trio));
    expect(rest).toEqual([]);
    expect(m!.teams.map((t) => t.players.length)).toEqual([3, 3]);
    expect(m!.ticketIds).toEqual(["d00", "d01", "s1", "s2"]);
  });

  test("free-for-all 1x4: four teams of one", () => {
    const tickets = [solo("a", 25), solo("b", 26), solo("c", 24), solo("d", 25.5), solo("e", 40)];
    const matches = findMatches(tickets, 0, config(FFA));
    expect(matches).toHaveLength(1);
    expect(teamsOf(matches[0]!)).toEqual([["a"], ["b"], ["c"], ["d"]]);
    expect(matches[0]!.spread).toBeCloseTo(2, 10);
  });

  test("the match reports its tickets oldest first and its spread between ticket averages", () => {
    const tickets = [solo("late", 27, { at: 3 * S }), party("early", [30, 20], { at: 1 * S }), solo("mid", 23, { at: 2 * S })];
    const [m] = findMatches(tickets, 11 * S, config(SQUAD)); // the party waited 10 s: spread 6
    expect(m!.ticketIds).toEqual(["early", "mid", "late"]);
    // Ticket averages 25, 23, 27: spread 4 (the party's own 30/20 does not count).
    expect(m!.spread).toBeCloseTo(4, 10);
  });
});

describe("findMatches: balance and quality", () => {
  test("2v2 of 30, 28, 22, 20: {30, 20} vs {28, 22}", () => {
    const tickets = [solo("p30", 30), solo("p28", 28), solo("p22", 22), solo("p20", 20)];
    const [m] = findMatches(tickets, 20 * S, config(SQUAD)); // waited 20 s: spread 12 accepted
    expect(teamsOf(m!)).toEqual([
      ["p20", "p30"],
      ["p22", "p28"],
    ]);
  });

  test("a party of 30 + 20 against solos 26 + 24 is as even as it gets", () => {
    const [m] = findMatches([party("p", [30, 20]), solo("a", 26), solo("b", 24)], 0, config(SQUAD, { spreadSchedule: [{ afterSeconds: 0, maxSpread: 5 }] }));
    const sums = m!.teams.map((t) => t.players.reduce((s, p) => s + p.mu, 0));
    expect(sums).toEqual([50, 50]);
  });

  test("quality is OpenSkill's predictDraw of the teams, in (0, 1]", () => {
    const tickets = [party("p", [31, 19], { sigma: 3 }), solo("a", 27, { sigma: 5 }), solo("b", 22, { sigma: 7 })];
    const [m] = findMatches(tickets, 20 * S, config(SQUAD));
    const expected = predictDraw(m!.teams.map((t) => t.players.map((p) => ({ mu: p.mu, sigma: p.sigma }))));
    expect(m!.quality).toBeCloseTo(expected, 12);
    expect(m!.quality).toBeGreaterThan(0);
    expect(m!.quality).toBeLessThanOrEqual(1);

    const [ffa] = findMatches([solo("a", 25), solo("b", 26), solo("c", 24), solo("d", 25.5)], 0, config(FFA));
    expect(ffa!.quality).toBeCloseTo(predictDraw(ffa!.teams.map((t) => t.players)), 12);
  });

  test("closer ratings give a higher quality", () => {
    const q = (a: number, b: number) => findMatches([solo("a", a), solo("b", b)], 0, config(DUEL))[0]!.quality;
    expect(q(25, 25)).toBeGreaterThan(q(25, 26));
    expect(q(25, 26)).toBeGreaterThan(q(25, 27.5));
  });
});

describe("findMatches: rating spread widens with waiting", () => {
  // 0=3, 10=6, 20=12, 40=25
  test("a pair 5 apart: not at first, not at 9.999 s, yes at 10 s", () => {
    const tickets = [solo("a", 25), solo("b", 30)];
    expect(findMatches(tickets, 0, config(DUEL))).toEqual([]);
    expect(findMatches(tickets, 10 * S - 1, config(DUEL))).toEqual([]);
    const [m] = findMatches(tickets, 10 * S, config(DUEL));
    expect(m!.spread).toBeCloseTo(5, 10);
  });

  test("a pair 20 apart needs the last step (40 s)", () => {
    const tickets = [solo("a", 20), solo("b", 40)];
    for (const t of [0, 10, 20, 39.999]) expect(findMatches(tickets, t * S, config(DUEL))).toEqual([]);
    expect(findMatches(tickets, 40 * S, config(DUEL))).toHaveLength(1);
  });

  test("the longest-waiting ticket (the anchor) decides: a newcomer is accepted at the anchor's spread", () => {
    const tickets = [solo("old", 25, { at: 0 }), solo("new", 30, { at: 9.5 * S })];
    expect(findMatches(tickets, 9.9 * S, config(DUEL))).toEqual([]);
    expect(findMatches(tickets, 10 * S, config(DUEL))).toHaveLength(1);
  });

  test("the whole match fits in the anchor's spread, not only each ticket against the anchor", () => {
    // Anchor 25 accepts 3: 22.5 and 27.5 are each within 3 of it, but 5 apart from each other.
    const spread3 = config(FFA, { spreadSchedule: [{ afterSeconds: 0, maxSpread: 3 }] });
    expect(findMatches([solo("a", 25), solo("b", 22.5), solo("c", 27.5), solo("d", 25)], 0, spread3)).toEqual([]);
    const [m] = findMatches([solo("a", 25), solo("b", 22.5), solo("c", 27.5), solo("d", 25), solo("e", 24)], 0, spread3);
    expect(m!.spread).toBeLessThanOrEqual(3);
    expect(m!.ticketIds).toContain("a");
  });

  test("an empty schedule accepts equal ratings only", () => {
    const cfg = config(DUEL, { spreadSchedule: [] });
    expect(findMatches([solo("a", 25), solo("b", 25.01)], 3600 * S, cfg)).toEqual([]);
    expect(findMatches([solo("a", 25), solo("b", 25)], 0, cfg)).toHaveLength(1);
  });
});

describe("findMatches: regions", () => {
  test("same region: matched at once, in that region", () => {
    const [m] = findMatches([solo("a", 25, { region: "asia" }), solo("b", 25, { region: "asia" })], 0, config(DUEL));
    expect(m!.region).toBe("asia");
  });

  test("neighbours only after regionWidenSeconds (30 s), in the anchor's region", () => {
    const tickets = [solo("eu1", 25, { region: "eu", at: 0 }), solo("na1", 25, { region: "na", at: 1 })];
    expect(findMatches(tickets, 0, config(DUEL))).toEqual([]);
    expect(findMatches(tickets, 30 * S - 1, config(DUEL))).toEqual([]);
    // At 30 s only eu1 has waited long enough: it joins na1's match in na.
    const [m] = findMatches(tickets, 30 * S, config(DUEL));
    expect(m!.region).toBe("na");
    // Once both waited, the older ticket anchors: the match is in eu.
    expect(findMatches(tickets, 31 * S, config(DUEL))[0]!.region).toBe("eu");
  });

  test("never a region that is not a neighbour", () => {
    const tickets = [solo("eu1", 25, { region: "eu" }), solo("asia1", 25, { region: "asia" })];
    expect(findMatches(tickets, 3600 * S, config(DUEL))).toEqual([]);
    // ...though both may meet in na, their common neighbour, if na has a ticket to anchor there.
    const ffa3 = { id: "ffa3", teamSize: 1, teamCount: 3 };
    const [m] = findMatches([...tickets, solo("na1", 25, { region: "na", at: 1 })], 3600 * S, config(ffa3));
    expect(m!.region).toBe("na");
  });

  test("both ways: a ticket plays in R only if R is in its own region's neighbour list", () => {
    const cfg = config(DUEL, { regionNeighbours: { eu: ["na"], na: [] } });
    // eu1 anchors in eu but na1 may not play in eu; na1 anchors in na and eu1 may play there.
    const [m] = findMatches([solo("eu1", 25, { region: "eu", at: 0 }), solo("na1", 25, { region: "na", at: 0 })], 60 * S, cfg);
    expect(m!.region).toBe("na");
    const euOnly = config(DUEL, { regionNeighbours: { eu: [], na: ["eu"] } });
    expect(findMatches([solo("eu1", 25, { region: "eu" }), solo("na1", 25, { region: "na" })], 60 * S, euOnly)[0]!.region).toBe("eu");
    const none = config(DUEL, { regionNeighbours: {} });
    expect(findMatches([solo("eu1", 25, { region: "eu" }), solo("na1", 25, { region: "na" })], 60 * S, none)).toEqual([]);
  });

  test("region names are plain keys (even \"constructor\")", () => {
    const cfg = config(DUEL, { regionNeighbours: { eu: ["constructor"] } });
    const tickets = [solo("a", 25, { region: "constructor" }), solo("b", 25, { region: "eu", at: 1 })];
    expect(findMatches(tickets, 0, cfg)).toEqual([]);
    expect(findMatches(tickets, 60 * S, cfg)[0]!.region).toBe("constructor");
  });

  test("regionWidenSeconds 0 never widens", () => {
    const tickets = [solo("eu1", 25, { region: "eu" }), solo("na1", 25, { region: "na" })];
    expect(findMatches(tickets, 24 * 3600 * S, config(DUEL, { regionWidenSeconds: 0 }))).toEqual([]);
  });

  test("a local candidate and a widened one compete on rating alone", () => {
    const tickets = [solo("eu1", 25, { region: "eu", at: 40 * S }), solo("eu2", 27, { region: "eu", at: 40 * S }), solo("na1", 25.5, { region: "na", at: 0 })];
    // na1 (waited 60 s, widened) anchors in na: eu candidates have not waited 30 s, so none joins.
    // eu1 anchors in eu: na1 widened and eu is its neighbour; 25.5 is nearer than 27.
    const matches = findMatches(tickets, 60 * S, config(DUEL));
    expect(matches).toHaveLength(1);
    expect(matches[0]!.region).toBe("eu");
    expect([...matches[0]!.ticketIds].sort()).toEqual(["eu1", "na1"]);
  });
});

describe("findMatches: blocks", () => {
  test("a blocked pair is split onto opposite teams even when the even split would join them", () => {
    // Without the block: {30, 20} vs {28, 22}.
    for (const [aBlocks, bBlocks] of [
      [["b.0"], []],
      [[], ["a.0"]],
    ]) {
      const tickets = [solo("a", 30, { blocked: aBlocks }), solo("b", 20, { blocked: bBlocks }), solo("c", 28), solo("d", 22)];
      const [m] = findMatches(tickets, 20 * S, config(SQUAD));
      expect(m).toBeDefined();
      expect(m!.ticketIds).toHaveLength(4);
      const together = m!.teams.some((t) => t.ticketIds.includes("a") && t.ticketIds.includes("b"));
      expect(together).toBe(false); // opponents, not teammates
    }
  });

  test("a match possible only with a blocked pair as teammates is not formed", () => {
    const tickets = (blocked: string[]) => [party("p", [25, 25]), solo("x", 25, { blocked }), solo("y", 25)];
    expect(findMatches(tickets([]), 0, config(SQUAD))).toHaveLength(1);
    expect(findMatches(tickets(["y.0"]), 0, config(SQUAD))).toEqual([]);
  });

  test("a block by one party member keeps the blocked player off the whole party's team", () => {
    // 3v3: each party takes one solo. Unblocked, the even split puts x with p: {60 + 20} vs {40 + 30}.
    const threes = { id: "trio", teamSize: 3, teamCount: 2 };
    const tickets = (blocked: string[]) => [party("p", [30, 30], { blocked }), party("q", [20, 20]), solo("x", 20), solo("y", 30)];
    expect(teamsOf(findMatches(tickets([]), 20 * S, config(threes))[0]!)).toEqual([
      ["p", "x"],
      ["q", "y"],
    ]);
    expect(teamsOf(findMatches(tickets(["x.0"]), 20 * S, config(threes))[0]!)).toEqual([
      ["p", "y"],
      ["q", "x"],
    ]);
  });

  test("blocked players may meet as opponents (duel, free-for-all)", () => {
    expect(findMatches([solo("a", 25, { blocked: ["b.0"] }), solo("b", 25, { blocked: ["a.0"] })], 0, config(DUEL))).toHaveLength(1);
    const everyone = ["a.0", "b.0", "c.0", "d.0"];
    const ffa = ["a", "b", "c", "d"].map((id) => solo(id, 25, { blocked: everyone.filter((x) => x !== `${id}.0`) }));
    expect(findMatches(ffa, 0, config(FFA))).toHaveLength(1);
  });

  test("a party whose own players block each other is never matched", () => {
    expect(findMatches([party("p", [25, 25]), party("q", [25, 25])], 0, config(SQUAD))).toHaveLength(1);
    expect(findMatches([party("p", [25, 25], { blocked: ["p.1"] }), party("q", [25, 25])], 0, config(SQUAD))).toEqual([]);
  });
});

describe("findMatches: priority and single use", () => {
  test("oldest first: with five equal players for a free-for-all of four, the newest waits", () => {
    const tickets = ["e", "d", "c", "b", "a"].map((id, i) => solo(id, 25, { at: (4 - i) * S }));
    const [m, ...rest] = findMatches(tickets, 10 * S, config(FFA));
    expect(rest).toEqual([]);
    expect(m!.ticketIds).toEqual(["a", "b", "c", "d"]);
  });

  test("the oldest ticket gets the contested opponent", () => {
    // b (27) is within reach of both a (25) and c (29); a has waited longest.
    const tickets = [solo("c", 29, { at: 1 * S }), solo("b", 27, { at: 2 * S }), solo("a", 25, { at: 0 })];
    const matches = findMatches(tickets, 3 * S, config(DUEL));
    expect(matches.map((m) => m.ticketIds)).toEqual([["a", "b"]]);
  });

  test("equal waiting times break ties by ticket id", () => {
    const tickets = [solo("z", 25), solo("y", 25), solo("x", 25)];
    expect(findMatches(tickets, 0, config(DUEL)).map((m) => m.ticketIds)).toEqual([["x", "y"]]);
  });

  test("the nearest rating is preferred among candidates", () => {
    const tickets = [solo("a", 25, { at: 0 }), solo("far", 27.5, { at: 1 }), solo("near", 24.5, { at: 2 })];
    expect(findMatches(tickets, 3 * S, config(DUEL)).map((m) => m.ticketIds)).toEqual([["a", "near"]]);
  });

  test("many tickets: each used once, every player once", () => {
    const tickets = Array.from({ length: 40 }, (_, i) => solo(`t${i}`, 25 + (i % 5) * 0.1, { at: i }));
    const matches = findMatches(tickets, 100 * S, config(FFA));
    expect(matches).toHaveLength(10);
    const ids = matches.flatMap((m) => m.ticketIds);
    expect(new Set(ids).size).toBe(40);
    const players = matches.flatMap((m) => m.teams.flatMap((t) => t.players.map((p) => p.accountId)));
    expect(new Set(players).size).toBe(40);
  });

  test("two tickets sharing a player: the later one is ignored, the player is placed once", () => {
    const shared = { ...solo("later", 25, { at: 5 }), players: [{ accountId: "a.0", mu: 25, sigma: 8 }] };
    const tickets = [solo("a", 25, { at: 0 }), shared, solo("b", 25, { at: 6 }), solo("c", 25, { at: 7 })];
    const matches = findMatches(tickets, 10 * S, config(DUEL));
    expect(matches.map((m) => m.ticketIds)).toEqual([["a", "b"]]);
    // Even if the older ticket cannot be matched, the later one stays out for this call.
    const alone = findMatches([{ ...solo("a", 99, { at: 0 }) }, shared, solo("b", 25, { at: 6 })], 10 * S, config(DUEL));
    expect(alone).toEqual([]);
  });

  test("a duplicate ticket id is considered once", () => {
    const matches = findMatches([solo("a", 25, { at: 0 }), { ...solo("a", 25, { at: 1 }), players: [{ accountId: "other", mu: 25, sigma: 8 }] }], 10 * S, config(DUEL));
    expect(matches).toEqual([]);
  });
});

describe("findMatches: determinism", () => {
  test("shuffled input gives the same output, and the input is not modified", () => {
    const random = prng(7);
    const tickets = Array.from({ length: 300 }, (_, i) => {
      const size = random() < 0.35 ? 2 : 1;
      return party(`t${String(i).padStart(3, "0")}`, Array.from({ length: size }, () => 15 + random() * 20), {
        at: Math.floor(random() * 60) * S, // many equal times: ties by id
        region: ["eu", "na", "asia"][Math.floor(random() * 3)]!,
        blocked: random() < 0.1 ? [`t${String(Math.floor(random() * 300)).padStart(3, "0")}.0`] : [],
      });
    });
    const snapshot = JSON.stringify(tickets);
    const expected = findMatches(tickets, 45 * S, config(SQUAD));
    expect(expected.length).toBeGreaterThan(30);
    for (let k = 0; k < 5; k++) {
      expect(findMatches(shuffled(tickets, random), 45 * S, config(SQUAD))).toEqual(expected);
    }
    expect(JSON.stringify(tickets)).toBe(snapshot);
  });

  test("no clock and no randomness: the same call twice gives the same result", () => {
    const tickets = Array.from({ length: 50 }, (_, i) => solo(`t${i}`, 20 + ((i * 7) % 11), { at: i * 100 }));
    const a = findMatches(tickets, 12 * S, config(DUEL));
    const b = findMatches(tickets, 12 * S, config(DUEL));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(0);
  });
});

describe("findMatches: output", () => {
  test("team ticket ids and players line up with the tickets", () => {
    const tickets = [party("p", [26, 24]), solo("a", 25), solo("b", 25.5)];
    const [m] = findMatches(tickets, 0, config(SQUAD));
    expect(accounts(m!)).toEqual(expect.arrayContaining([["p.0", "p.1"], ["a.0", "b.0"]]));
    for (const team of m!.teams) {
      const fromTickets = team.ticketIds.flatMap((id) => tickets.find((t) => t.id === id)!.players.map((p) => p.accountId));
      expect(team.players.map((p) => p.accountId)).toEqual(fromTickets);
    }
  });
});
