import { ConfigError, loadConfig } from "../../../server/config";
import { parseBackfill } from "../../../server/modules/matchmaking/matchmaking-config";

/** MATCH_BACKFILL: which modes refill a leaver's seat, and up to what percent of the target score. */
const SECRET = "k8Jq2vN5xR7tY1wZ3bC6dF9gH4jL0mP2sQ5uV8yA";
const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", JWT_SECRET: SECRET, ...env });

/** The problems loadConfig reports for `env`; fails the test if it accepted it. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected loadConfig to refuse this configuration");
}

describe("parseBackfill", () => {
  test("accepts mode:percent pairs", () => {
    expect(parseBackfill("squad:50,ffa:100")).toEqual({ squad: 50, ffa: 100 });
    expect(parseBackfill("duel:1")).toEqual({ duel: 1 });
    expect(parseBackfill(" squad:50 , ffa:30 ,")).toEqual({ squad: 50, ffa: 30 });
    expect(parseBackfill("")).toEqual({});
  });

  test.each(["squad", "squad:", ":50", "squad:50%", "squad=50", "Squad:50", "squad:-5", "squad:1.5", "squad:1000", "squad:50:60", "sq ad:50", "-squad:50"])(
    "refuses the malformed entry %p, naming it",
    (entry) => {
      const result = parseBackfill(`duel:40,${entry}`);
      expect(typeof result).toBe("string");
      expect(result).toContain(`"${entry.trim()}"`);
    },
  );

  test("refuses a percent of 0 or above 100", () => {
    expect(parseBackfill("squad:0")).toBe('"squad:0": the percent must be 1..100');
    expect(parseBackfill("squad:101")).toBe('"squad:101": the percent must be 1..100');
    expect(parseBackfill("duel:50,ffa:999")).toMatch(/"ffa:999": the percent must be 1\.\.100/);
    expect(parseBackfill("squad:100")).toEqual({ squad: 100 });
  });

  test("refuses a mode listed twice, even with the same percent", () => {
    expect(parseBackfill("squad:50,ffa:30,squad:60")).toBe('mode "squad" is listed twice');
    expect(parseBackfill("squad:50,squad:50")).toBe('mode "squad" is listed twice');
  });
});

describe("MATCH_BACKFILL in loadConfig", () => {
  test("by default no mode backfills", () => {
    expect(load({}).matchmaking.backfill).toEqual({});
    expect(load({ MATCH_BACKFILL: "" }).matchmaking.backfill).toEqual({});
  });

  test("modes of GAME_MODES are accepted with their percent", () => {
    expect(load({ MATCH_BACKFILL: "squad:50,ffa:100" }).matchmaking.backfill).toEqual({ squad: 50, ffa: 100 });
    expect(load({ GAME_MODES: "duo:2x2,raid:5x2", MATCH_BACKFILL: "raid:25" }).matchmaking.backfill).toEqual({ raid: 25 });
  });

  test("a mode that is not in GAME_MODES is refused, naming MATCH_BACKFILL and the mode", () => {
    const problems = problemsOf({ MATCH_BACKFILL: "squad:50,raid:40" });
    expect(problems).toEqual([expect.stringMatching(/^MATCH_BACKFILL: raid not in GAME_MODES/)]);
    // Checked against the configured modes, not the defaults.
    expect(problemsOf({ GAME_MODES: "duo:2x2", MATCH_BACKFILL: "squad:50" })).toEqual([expect.stringMatching(/^MATCH_BACKFILL: squad not in GAME_MODES/)]);
    expect(() => load({ MATCH_BACKFILL: "raid:40" })).toThrow(/MATCH_BACKFILL/);
  });

  test("every unknown mode is named", () => {
    const [problem, ...rest] = problemsOf({ MATCH_BACKFILL: "raid:40,siege:20,squad:10" });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^MATCH_BACKFILL: /);
    expect(problem).toContain("raid");
    expect(problem).toContain("siege");
    expect(problem).not.toContain("squad");
  });

  test("a one-against-one mode is refused: any leave ends it by forfeit, so no seat could ever be refilled", () => {
    expect(problemsOf({ MATCH_BACKFILL: "duel:50" })).toEqual([expect.stringMatching(/^MATCH_BACKFILL: duel is one player against one/)]);
    // One player per team but more than two teams (free-for-all) goes on after a leave.
    expect(load({ MATCH_BACKFILL: "ffa:50" }).matchmaking.backfill).toEqual({ ffa: 50 });
  });

  test("a mode may be named like an inherited object property (constructor)", () => {
    expect(parseBackfill("constructor:50")).toEqual({ constructor: 50 });
    const config = load({ GAME_MODES: "constructor:2x2,plain:2x2", MATCH_BACKFILL: "constructor:50" });
    expect(config.matchmaking.backfill).toEqual({ constructor: 50 });
    expect(Object.hasOwn(config.matchmaking.backfill, "plain")).toBe(false);
  });

  test("a malformed value is refused with the parser's reason under MATCH_BACKFILL", () => {
    expect(problemsOf({ MATCH_BACKFILL: "squad:0" })).toEqual([expect.stringMatching(/^MATCH_BACKFILL: .*the percent must be 1\.\.100/)]);
    expect(problemsOf({ MATCH_BACKFILL: "squad=50" })).toEqual([expect.stringMatching(/^MATCH_BACKFILL: .*"squad=50"/)]);
    expect(problemsOf({ MATCH_BACKFILL: "ffa:10,ffa:20" })).toEqual([expect.stringMatching(/^MATCH_BACKFILL: .*listed twice/)]);
  });
});
