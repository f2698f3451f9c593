import { RaceGame } from "../../../server/modules/matches/race-game";

describe("RaceGame", () => {
  test("the first team to the target score wins; points come only from the team's own players", () => {
    const game = new RaceGame([["a1", "a2"], ["b1", "b2"]], 3, 0);
    game.score("a1", 0);
    game.score("b1", 0);
    game.score("a2", 1);
    expect(game.finished).toBe(false);
    expect(game.score("a1", 2)).toEqual({ accepted: true, winnerTeam: 0 });
    expect(game.finished).toBe(true);
    expect(game.teamScores).toEqual([3, 1]);
    expect(game.playerScores.get("a1")).toBe(2);
  });

  test("a player scores at most once per cooldown, judged by the server's clock", () => {
    const game = new RaceGame([["a"], ["b"]], 10, 250);
    expect(game.score("a", 1000).accepted).toBe(true);
    expect(game.score("a", 1249)).toEqual({ accepted: false, reason: "cooldown" });
    expect(game.score("a", 1250).accepted).toBe(true);
    expect(game.teamScores).toEqual([2, 0]);
  });

  test("strangers and finished matches score nothing", () => {
    const game = new RaceGame([["a"], ["b"]], 1, 0);
    expect(game.score("x", 0)).toEqual({ accepted: false, reason: "not_a_player" });
    game.score("a", 0);
    expect(game.score("b", 1)).toEqual({ accepted: false, reason: "not_playing" });
    expect(game.teamScores).toEqual([1, 0]);
  });

  test("a team whose players all left forfeits; the last team standing wins", () => {
    const game = new RaceGame([["a1", "a2"], ["b1"], ["c1"]], 5, 0);
    expect(game.leave("a1")).toEqual({ finished: false, winnerTeam: null });
    expect(game.leave("a2")).toEqual({ finished: false, winnerTeam: null });
    expect(game.score("a2", 0)).toEqual({ accepted: false, reason: "not_playing" });
    expect(game.leave("c1")).toEqual({ finished: true, winnerTeam: 1 });
  });

  test("everyone leaving ends the match without a winner", () => {
    const game = new RaceGame([["a"], ["b"]], 5, 0);
    game.leave("a");
    expect(game.finished).toBe(true);
    expect(game.winnerTeam).toBe(1);
    const empty = new RaceGame([["a", "b"], ["c"]], 5, 0);
    empty.leave("c");
    expect(empty.winnerTeam).toBe(0);
  });
});
