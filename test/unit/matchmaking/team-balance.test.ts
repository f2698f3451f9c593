import { assignTeams, imbalanceOf, type BalanceItem } from "../../../server/modules/matchmaking/team-balance";
import { prng } from "./matcher-fixtures";

/** Every valid split (brute force): sizes exactly teamSize, no conflicting teammates. */
function allSplits(items: BalanceItem[], teamCount: number, teamSize: number, conflicts: (i: number, j: number) => boolean): number[][] {
  const out: number[][] = [];
  const team = new Array<number>(items.length).fill(-1);
  const load = new Array<number>(teamCount).fill(0);
  const place = (i: number): void => {
    if (i === items.length) {
      if (load.every((l) => l === teamSize)) out.push([...team]);
      return;
    }
    for (let t = 0; t < teamCount; t++) {
      if (load[t]! + items[i]!.size > teamSize) continue;
      if (team.some((u, j) => u === t && conflicts(i, j))) continue;
      team[i] = t;
      load[t]! += items[i]!.size;
      place(i + 1);
      load[t]! -= items[i]!.size;
      team[i] = -1;
    }
  };
  place(0);
  return out;
}

function checkValid(items: BalanceItem[], team: number[], teamCount: number, teamSize: number, conflicts: ((i: number, j: number) => boolean) | null): void {
  const load = new Array<number>(teamCount).fill(0);
  team.forEach((t, i) => (load[t]! += items[i]!.size));
  expect(load.every((l) => l <= teamSize)).toBe(true);
  if (conflicts) for (let i = 0; i < team.length; i++) for (let j = 0; j < i; j++) if (team[i] === team[j]) expect(conflicts(i, j)).toBe(false);
}

describe("assignTeams", () => {
  test("30, 28, 22, 20 in two teams of two: {30, 20} vs {28, 22}", () => {
    const items = [30, 28, 22, 20].map((mu) => ({ size: 1, muSum: mu }));
    const split = assignTeams(items, 2, 2, null, { firstOnly: false })!;
    expect(split.team[0]).toBe(split.team[3]);
    expect(split.team[1]).toBe(split.team[2]);
    expect(split.team[0]).not.toBe(split.team[1]);
    expect(split.imbalance).toBe(0);
  });

  test.each(Array.from({ length: 60 }, (_, i) => [i + 1]))("seed %i: the best split, as a brute force finds it", (seed) => {
    const random = prng(seed);
    const teamCount = 2 + (seed % 3);
    const teamSize = 1 + (seed % 4);
    // Fill the teams exactly with parties of random sizes.
    const items: BalanceItem[] = [];
    const remaining = new Array<number>(teamCount).fill(teamSize);
    for (let t = 0; t < teamCount; t++) {
      while (remaining[t]! > 0) {
        const size = 1 + Math.floor(random() * remaining[t]!);
        remaining[t]! -= size;
        items.push({ size, muSum: size * (15 + random() * 20) });
      }
    }
    const pairs = new Set<string>();
    if (seed % 2 === 0) for (let k = 0; k < 2; k++) pairs.add(`${Math.floor(random() * items.length)},${Math.floor(random() * items.length)}`);
    const conflicts = (i: number, j: number) => i !== j && (pairs.has(`${i},${j}`) || pairs.has(`${j},${i}`));
    const splits = allSplits(items, teamCount, teamSize, conflicts);
    const result = assignTeams(items, teamCount, teamSize, conflicts, { firstOnly: false });
    if (splits.length === 0) {
      expect(result).toBeNull();
      return;
    }
    const best = Math.min(...splits.map((s) => imbalanceOf(items, s, teamCount)));
    expect(result).not.toBeNull();
    checkValid(items, result!.team, teamCount, teamSize, conflicts);
    expect(result!.imbalance).toBeCloseTo(best, 9);
    expect(imbalanceOf(items, result!.team, teamCount)).toBeCloseTo(result!.imbalance, 9);
  });

  test("conflicting items never share a team; impossible splits give null", () => {
    const items = [{ size: 2, muSum: 50 }, { size: 1, muSum: 25 }, { size: 1, muSum: 25 }];
    const xy = (i: number, j: number) => (i === 1 && j === 2) || (i === 2 && j === 1);
    expect(assignTeams(items, 2, 2, xy, { firstOnly: true })).toBeNull();
    expect(assignTeams(items, 2, 2, xy, { firstOnly: false })).toBeNull();
    const split = assignTeams(items, 2, 2, null, { firstOnly: true })!;
    expect(split.team[1]).toBe(split.team[2]);
    expect(split.team[0]).not.toBe(split.team[1]);
  });

  test("a partial group (for feasibility checks) need not fill the teams", () => {
    const items = [{ size: 2, muSum: 50 }, { size: 1, muSum: 25 }];
    const split = assignTeams(items, 2, 2, null, { firstOnly: true })!;
    checkValid(items, split.team, 2, 2, null);
    expect(assignTeams([{ size: 2, muSum: 50 }, { size: 2, muSum: 50 }, { size: 2, muSum: 50 }], 2, 2, null, { firstOnly: true })).toBeNull();
  });

  test("32 v 32 (too many splits to try them all): at least as even as the classic greedy", () => {
    const random = prng(99);
    const items = Array.from({ length: 64 }, () => ({ size: 1, muSum: 10 + random() * 30 }));
    // Greedy: highest mu first, into the team with the lowest sum that has room.
    const greedy = new Array<number>(64).fill(-1);
    const sums = [0, 0];
    const load = [0, 0];
    for (const i of items.map((_, i) => i).sort((a, b) => items[b]!.muSum - items[a]!.muSum)) {
      const t = load[0]! < 32 && (load[1]! >= 32 || sums[0]! <= sums[1]!) ? 0 : 1;
      greedy[i] = t;
      sums[t]! += items[i]!.muSum;
      load[t]! += 1;
    }
    const split = assignTeams(items, 2, 32, null, { firstOnly: false })!;
    checkValid(items, split.team, 2, 32, null);
    expect(split.team.filter((t) => t === 0)).toHaveLength(32);
    expect(split.imbalance).toBeLessThanOrEqual(imbalanceOf(items, greedy, 2) + 1e-9);
    // Twenty random splits for scale: the search does far better than chance.
    const randomSplit = () => {
      const order = items.map((_, i) => i).sort(() => random() - 0.5);
      const team = new Array<number>(64);
      order.forEach((i, k) => (team[i] = k < 32 ? 0 : 1));
      return imbalanceOf(items, team, 2);
    };
    const typical = Math.min(...Array.from({ length: 20 }, randomSplit));
    expect(split.imbalance).toBeLessThan(typical);
  });

  test("an initial assignment is kept unless the search finds a strictly better one", () => {
    const items = [25, 25, 25, 25].map((mu) => ({ size: 1, muSum: mu }));
    const initial = [1, 0, 0, 1];
    expect(assignTeams(items, 2, 2, null, { firstOnly: false, initial })!.team).toEqual(initial);
  });
});
