import { RaceGame } from "../../../server/modules/matches/race-game";
import { MatchBackfillSeats } from "../../../server/realtime/rooms/match-backfill-seats";

/**
 * The match room's side of backfill: MatchBackfillSeats (which seats may be offered, held for the
 * picked player and taken by them) and RaceGame.add (the newcomer plays on the leaver's team).
 */
const alice = { accountId: "alice", username: "Alice", displayName: "Alice" };
const bob = { accountId: "bob", username: "Bob", displayName: "Bob" };

describe("MatchBackfillSeats: the backfill point", () => {
  test("seats are offered while the leading team is below ceil(target * percent / 100)", () => {
    const half = new MatchBackfillSeats(50, 10); // cutoff 5
    expect(half.allows([0, 0])).toBe(true);
    expect(half.allows([4, 4])).toBe(true);
    expect(half.allows([5, 0])).toBe(false);
    expect(half.allows([0, 6])).toBe(false);

    const rounded = new MatchBackfillSeats(50, 7); // 3.5 rounds up to 4
    expect(rounded.allows([3, 0])).toBe(true);
    expect(rounded.allows([4, 0])).toBe(false);

    const third = new MatchBackfillSeats(30, 20); // 6 exactly
    expect(third.allows([5, 1])).toBe(true);
    expect(third.allows([6, 1])).toBe(false);

    const whole = new MatchBackfillSeats(100, 10); // until the target itself
    expect(whole.allows([9, 9])).toBe(true);
    expect(whole.allows([10, 0])).toBe(false);
  });

  test("the leading team decides, among any number of teams", () => {
    const seats = new MatchBackfillSeats(50, 10);
    expect(seats.allows([1, 4, 0, 2])).toBe(true);
    expect(seats.allows([1, 2, 5, 0])).toBe(false);
    expect(seats.allows([])).toBe(true);
  });

  test("the cutoff is at least 1: a tiny percent still backfills before the first point", () => {
    const tiny = new MatchBackfillSeats(1, 10); // 0.1 rounds up to 1
    expect(tiny.allows([0, 0])).toBe(true);
    expect(tiny.allows([1, 0])).toBe(false);
    const zero = new MatchBackfillSeats(0, 10); // 0 is raised to 1
    expect(zero.allows([0, 0])).toBe(true);
    expect(zero.allows([0, 1])).toBe(false);
  });

  test("a null percent (the mode does not backfill) never allows, not even at 0-0", () => {
    const never = new MatchBackfillSeats(null, 10);
    expect(never.allows([0, 0])).toBe(false);
    expect(never.allows([])).toBe(false);
    never.opened("r1", 0);
    expect(never.hold("r1", alice, 1000, [0, 0])).toBe("closed");
    expect(never.take("alice", "r1")).toBeNull();
  });
});

describe("MatchBackfillSeats: hold, take, expire", () => {
  test("only an open seat can be held: an unknown request id is refused", () => {
    const seats = new MatchBackfillSeats(50, 10);
    expect(seats.hold("r1", alice, 1000, [0, 0])).toBe("closed");
    seats.opened("r1", 1);
    expect(seats.hold("r2", alice, 1000, [0, 0])).toBe("closed");
    expect(seats.hold("r1", alice, 1000, [0, 0])).toBe("held");
  });

  test("a held seat is busy for anyone else; the same player holding again moves the deadline", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    expect(seats.hold("r1", alice, 1000, [0, 0])).toBe("held");
    expect(seats.hold("r1", bob, 2000, [0, 0])).toBe("busy");
    expect(seats.take("bob", "r1")).toBeNull();
    // A retried hold for Alice (an answer that came too late the first time) stands, with the new deadline.
    expect(seats.hold("r1", alice, 2000, [0, 0])).toBe("held");
    expect(seats.take("alice", "r1")).toEqual({ requestId: "r1", team: 0, accountId: "alice", username: "Alice", displayName: "Alice", deadline: 2000 });
  });

  test("a withdrawn seat (recording the leaver failed) can no longer be held or taken", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    seats.hold("r1", alice, 1000, [0, 0]);
    seats.withdraw("r1");
    expect(seats.take("alice", "r1")).toBeNull();
    expect(seats.hold("r1", bob, 2000, [0, 0])).toBe("closed");
    expect(seats.expired(10_000)).toEqual([]);
  });

  test("an open seat is not held once the leading team reached the cutoff", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    expect(seats.hold("r1", alice, 1000, [5, 0])).toBe("closed");
    expect(seats.hold("r1", alice, 1000, [0, 7])).toBe("closed");
    expect(seats.take("alice", "r1")).toBeNull();
    expect(seats.hold("r1", alice, 1000, [4, 0])).toBe("held");
  });

  test("take hands the held seat to the account it is held for, once, with its team and deadline", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 2);
    seats.hold("r1", alice, 5000, [0, 0, 0]);
    expect(seats.take("bob", "r1")).toBeNull();
    expect(seats.take("alice", "r2")).toBeNull();
    expect(seats.take("alice", "r1")).toEqual({ requestId: "r1", team: 2, accountId: "alice", username: "Alice", displayName: "Alice", deadline: 5000 });
    expect(seats.take("alice", "r1")).toBeNull();
  });

  test("an open seat that is not held cannot be taken", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    expect(seats.take("alice", "r1")).toBeNull();
    expect(seats.hold("r1", alice, 1000, [0, 0])).toBe("held");
  });

  test("a taken seat is neither open nor held: it cannot be held again nor expire", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    seats.hold("r1", alice, 1000, [0, 0]);
    expect(seats.take("alice", "r1")).not.toBeNull();
    expect(seats.hold("r1", bob, 2000, [0, 0])).toBe("closed");
    expect(seats.expired(10_000)).toEqual([]);
  });

  test("expired releases held seats at their deadline, not before", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    seats.opened("r2", 1);
    seats.hold("r1", alice, 1000, [0, 0]);
    seats.hold("r2", bob, 2000, [0, 0]);
    expect(seats.expired(999)).toEqual([]);
    expect(seats.expired(1000)).toEqual([{ requestId: "r1", team: 0, accountId: "alice", username: "Alice", displayName: "Alice", deadline: 1000 }]);
    expect(seats.expired(1500)).toEqual([]);
    // Bob's seat is still held for him.
    expect(seats.take("bob", "r2")).toMatchObject({ requestId: "r2", team: 1 });
  });

  test("an expired seat is no longer the no-show's but stays open for someone else", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 1);
    seats.hold("r1", alice, 1000, [0, 0]);
    expect(seats.expired(1000).map((s) => s.accountId)).toEqual(["alice"]);
    expect(seats.take("alice", "r1")).toBeNull();
    expect(seats.hold("r1", bob, 3000, [1, 2])).toBe("held");
    expect(seats.take("bob", "r1")).toEqual({ requestId: "r1", team: 1, accountId: "bob", username: "Bob", displayName: "Bob", deadline: 3000 });
  });

  test("an expired seat can be held again only before the cutoff", () => {
    const seats = new MatchBackfillSeats(50, 10);
    seats.opened("r1", 0);
    seats.hold("r1", alice, 1000, [0, 0]);
    seats.expired(1000);
    expect(seats.hold("r1", bob, 3000, [5, 0])).toBe("closed");
  });
});

describe("RaceGame.add: a backfill joins a game in progress", () => {
  test("the newcomer joins the team with its score so far and starts at 0 themselves", () => {
    const game = new RaceGame([["a1", "a2"], ["b1", "b2"]], 10, 0);
    game.score("a1", 0);
    game.score("a2", 1);
    game.score("b1", 2);
    game.leave("a2");
    game.add("n", 0);
    expect(game.team("n")).toBe(0);
    expect(game.teamScores).toEqual([2, 1]);
    expect(game.playerScores.get("n")).toBe(0);
    expect(game.playerScores.get("a2")).toBe(1);
  });

  test("the newcomer's points count for their team, and can win the match for it", () => {
    const game = new RaceGame([["a1", "a2"], ["b1", "b2"]], 3, 0);
    game.score("a2", 0);
    game.score("a2", 1);
    game.leave("a2");
    game.add("n", 0);
    expect(game.score("n", 2)).toEqual({ accepted: true, winnerTeam: 0 });
    expect(game.teamScores).toEqual([3, 0]);
    expect(game.playerScores.get("n")).toBe(1);
    expect(game.finished).toBe(true);
  });

  test("the newcomer is held to the cooldown like everyone else, from their own first point", () => {
    const game = new RaceGame([["a"], ["b"], ["c"]], 10, 250);
    game.score("a", 1000);
    game.leave("a");
    game.add("n", 0);
    expect(game.score("n", 1010).accepted).toBe(true);
    expect(game.score("n", 1100)).toEqual({ accepted: false, reason: "cooldown" });
    expect(game.score("n", 1260).accepted).toBe(true);
    expect(game.teamScores).toEqual([3, 0, 0]);
  });

  test("free-for-all: a team whose only player left stands again once a backfill joins it", () => {
    const withBackfill = new RaceGame([["a"], ["b"], ["c"], ["d"]], 10, 0);
    const without = new RaceGame([["a"], ["b"], ["c"], ["d"]], 10, 0);
    for (const g of [withBackfill, without]) expect(g.leave("a")).toEqual({ finished: false, winnerTeam: null });
    withBackfill.add("n", 0);
    for (const g of [withBackfill, without]) expect(g.leave("b")).toEqual({ finished: false, winnerTeam: null });
    // Without the backfill only d is left standing; with it, team 0 still plays.
    expect(without.leave("c")).toEqual({ finished: true, winnerTeam: 3 });
    expect(withBackfill.leave("c")).toEqual({ finished: false, winnerTeam: null });
    expect(withBackfill.leave("d")).toEqual({ finished: true, winnerTeam: 0 });
  });

  test("a backfill who leaves in turn counts as gone: the team falls again", () => {
    const game = new RaceGame([["a"], ["b"], ["c"]], 10, 0);
    game.leave("a");
    game.add("n", 0);
    expect(game.leave("n")).toEqual({ finished: false, winnerTeam: null });
    expect(game.score("n", 0)).toEqual({ accepted: false, reason: "not_playing" });
    expect(game.leave("b")).toEqual({ finished: true, winnerTeam: 2 });
  });

  test("adding after the game is over does nothing", () => {
    const won = new RaceGame([["a"], ["b"]], 1, 0);
    won.score("a", 0);
    won.add("n", 1);
    expect(won.team("n")).toBeUndefined();
    expect(won.playerScores.has("n")).toBe(false);
    expect(won.score("n", 1)).toEqual({ accepted: false, reason: "not_a_player" });

    const forfeited = new RaceGame([["a"], ["b"], ["c"]], 5, 0);
    forfeited.leave("a");
    forfeited.leave("b");
    expect(forfeited.finished).toBe(true);
    forfeited.add("n", 0);
    expect(forfeited.team("n")).toBeUndefined();
    expect(forfeited.winnerTeam).toBe(2);
  });

  test("adding to a team the game does not have does nothing", () => {
    const game = new RaceGame([["a"], ["b"], ["c"]], 5, 0);
    for (const team of [-1, 3, 99]) {
      game.add(`n${team}`, team);
      expect(game.team(`n${team}`)).toBeUndefined();
      expect(game.playerScores.has(`n${team}`)).toBe(false);
      expect(game.score(`n${team}`, 0)).toEqual({ accepted: false, reason: "not_a_player" });
    }
    expect(game.teamScores).toEqual([0, 0, 0]);
  });

  test("someone already on the game's record (playing or gone) is not added again", () => {
    const game = new RaceGame([["a1", "a2"], ["b1"], ["c1"]], 5, 0);
    game.score("a1", 0);
    game.add("a1", 1);
    expect(game.team("a1")).toBe(0);
    expect(game.playerScores.get("a1")).toBe(1);
    game.score("b1", 1);
    game.leave("b1");
    game.add("b1", 2);
    expect(game.team("b1")).toBe(1);
    expect(game.playerScores.get("b1")).toBe(1);
    expect(game.score("b1", 2)).toEqual({ accepted: false, reason: "not_playing" });
  });
});
