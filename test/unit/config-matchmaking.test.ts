import { ConfigError, loadConfig } from "../../server/config";
import { spreadAfter } from "../../server/modules/matchmaking/matchmaking-config";

const SECRET = "k8Jq2vN5xR7tY1wZ3bC6dF9gH4jL0mP2sQ5uV8yA";
const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", JWT_SECRET: SECRET, ...env });

describe("matchmaking configuration", () => {
  test("defaults: duel, squad and free-for-all; three regions with neighbours; a widening spread", () => {
    const c = load({});
    expect(c.matchmaking.modes).toEqual([
      { id: "duel", teamSize: 1, teamCount: 2 },
      { id: "squad", teamSize: 2, teamCount: 2 },
      { id: "ffa", teamSize: 1, teamCount: 4 },
    ]);
    expect(c.matchmaking.regionNeighbours).toEqual({ eu: ["na"], na: ["eu", "asia"], asia: ["na"] });
    expect(c.parties.maxSize).toBe(2);
    expect(spreadAfter(c.matchmaking.spreadSchedule, 0)).toBe(3);
    expect(spreadAfter(c.matchmaking.spreadSchedule, 10_000)).toBe(6);
    expect(spreadAfter(c.matchmaking.spreadSchedule, 39_999)).toBe(12);
    expect(spreadAfter(c.matchmaking.spreadSchedule, 600_000)).toBe(25);
  });

  test("custom modes set the party size limit to the largest team", () => {
    const c = load({ GAME_MODES: "duo:2x2,raid:5x2" });
    expect(c.matchmaking.modes.map((m) => m.id)).toEqual(["duo", "raid"]);
    expect(c.parties.maxSize).toBe(5);
    expect(load({ GAME_MODES: "duo:2x2", PARTY_MAX_SIZE: "3" }).parties.maxSize).toBe(3);
  });

  test("every malformed matchmaking variable is reported at once", () => {
    let error: unknown;
    try {
      load({ GAME_MODES: "duel:1x1,bad", MATCH_SPREAD_SCHEDULE: "5=3", MATCH_REGIONS: "eu,Bad Region" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toMatch(/GAME_MODES: "duel:1x1" needs at least 1 player per team and 2 teams/);
    expect(problems).toMatch(/MATCH_SPREAD_SCHEDULE: the schedule must start at 0 seconds/);
    expect(problems).toMatch(/MATCH_REGIONS/);
  });

  test("neighbours must be configured regions", () => {
    expect(() => load({ MATCH_REGIONS: "eu,na", MATCH_REGION_NEIGHBOURS: "eu=mars" })).toThrow(/MATCH_REGION_NEIGHBOURS: "mars"/);
  });
});
