import { predictDraw } from "openskill";
import { drawMargin, drawProbability, erf, erfinv, teamTotals } from "../../../server/modules/matchmaking/draw-probability";
import { prng } from "./matcher-fixtures";

describe("draw probability (OpenSkill predictDraw without the overhead)", () => {
  test("erf at known points", () => {
    const known: Array<[number, number]> = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-0.7, -0.6778011938374184],
      [6.5, 1],
    ];
    for (const [x, y] of known) expect(erf(x)).toBeCloseTo(y, 15);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
  });

  test("erfinv inverts erf", () => {
    for (const x of [-2.5, -1, -0.3, 1e-6, 0.05, 0.4, 1.2, 2.9]) expect(erfinv(erf(x))).toBeCloseTo(x, 12);
    expect(erfinv(0)).toBe(0);
    expect(erfinv(1)).toBe(Infinity);
    expect(Number.isNaN(erfinv(2))).toBe(true);
  });

  test("the draw margin of a duel matches OpenSkill's (identical players: P = erf(m / (c * sqrt 2)))", () => {
    const p = predictDraw([[{ mu: 25, sigma: 0 }], [{ mu: 25, sigma: 0 }]]);
    const c = Math.sqrt(2 * (25 / 6) ** 2);
    expect(erf(drawMargin(2) / (c * Math.SQRT2))).toBeCloseTo(p, 14);
  });

  test.each(Array.from({ length: 25 }, (_, i) => [i + 1]))("seed %i: equals openskill's predictDraw to 1e-12", (seed) => {
    const random = prng(seed);
    const teamCount = 2 + Math.floor(random() * 4);
    const teamSize = 1 + Math.floor(random() * 5);
    const teams = Array.from({ length: teamCount }, () =>
      Array.from({ length: teamSize }, () => ({ mu: 5 + random() * 40, sigma: 0.5 + random() * 8 })),
    );
    const expected = predictDraw(teams);
    const actual = drawProbability(teams.map(teamTotals), teamCount * teamSize);
    expect(Math.abs(actual - expected)).toBeLessThan(1e-12);
    expect(actual).toBeGreaterThan(0);
    expect(actual).toBeLessThanOrEqual(1);
  });
});
