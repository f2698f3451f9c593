import { pickBackfill, type BackfillCandidate, type BackfillRules, type BackfillSeat } from "../../../server/modules/matchmaking/backfill-picker";
import { DEFAULT_NEIGHBOURS, DEFAULT_SCHEDULE } from "./matcher-fixtures";

/**
 * pickBackfill: the matcher's rules applied to one leaver's seat (region, spread widening with the
 * longer of the two waits, blocks with anyone on the match's record) and its choice order.
 * DEFAULT_SCHEDULE: spread 3 from 0 s, 6 from 10 s, 12 from 20 s, 25 from 40 s.
 */
const S = 1000;
const NOW = 1_000_000;
const rules = (overrides: Partial<BackfillRules> = {}): BackfillRules => ({
  spreadSchedule: DEFAULT_SCHEDULE,
  regionNeighbours: DEFAULT_NEIGHBOURS,
  regionWidenSeconds: 30,
  ...overrides,
});
const seat = (overrides: Partial<BackfillSeat> = {}): BackfillSeat => ({ region: "eu", mu: 25, openedAt: NOW, playerIds: ["p1", "p2", "p3", "leaver"], ...overrides });
/** A candidate `id` (account `${id}.acc`) that has waited `waitedSeconds` by NOW. */
const candidate = (id: string, mu: number, o: { waitedSeconds?: number; region?: string; accountId?: string } = {}): BackfillCandidate => ({
  ticketId: id,
  accountId: o.accountId ?? `${id}.acc`,
  region: o.region ?? "eu",
  enqueuedAt: NOW - (o.waitedSeconds ?? 0) * S,
  mu,
  sigma: 25 / 3,
});
const noBlocks = (): string[] => [];
const pick = (s: BackfillSeat, cs: BackfillCandidate[], r: BackfillRules = rules(), blocked: (id: string) => readonly string[] = noBlocks) =>
  pickBackfill(s, cs, NOW, r, blocked)?.ticketId ?? null;

describe("pickBackfill: region", () => {
  test("a candidate of the match's own region fits at once", () => {
    expect(pick(seat({ region: "na" }), [candidate("a", 25, { region: "na" })])).toBe("a");
  });

  test("a neighbour fits only once the candidate waited regionWidenSeconds", () => {
    const s = seat({ region: "eu" });
    expect(pick(s, [candidate("a", 25, { region: "na", waitedSeconds: 0 })])).toBeNull();
    const almost = { ...candidate("a", 25, { region: "na" }), enqueuedAt: NOW - 30 * S + 1 };
    expect(pick(s, [almost])).toBeNull();
    expect(pick(s, [candidate("a", 25, { region: "na", waitedSeconds: 30 })])).toBe("a");
    expect(pick(s, [candidate("a", 25, { region: "na", waitedSeconds: 300 })])).toBe("a");
  });

  test("a region that is not one of the candidate's neighbours never fits, however long they waited", () => {
    // DEFAULT_NEIGHBOURS: eu=na, na=eu|asia, asia=na: asia is not eu's neighbour.
    expect(pick(seat({ region: "eu" }), [candidate("a", 25, { region: "asia", waitedSeconds: 3600 })])).toBeNull();
    expect(pick(seat({ region: "eu" }), [candidate("a", 25, { region: "mars", waitedSeconds: 3600 })])).toBeNull();
  });

  test("the candidate's own neighbour list decides: it must list the match's region", () => {
    const oneWay = rules({ regionNeighbours: { asia: ["na"], na: [] } });
    expect(pick(seat({ region: "na" }), [candidate("a", 25, { region: "asia", waitedSeconds: 60 })], oneWay)).toBe("a");
    expect(pick(seat({ region: "asia" }), [candidate("a", 25, { region: "na", waitedSeconds: 60 })], oneWay)).toBeNull();
  });

  test("with regionWidenSeconds 0 a candidate never leaves their own region", () => {
    const never = rules({ regionWidenSeconds: 0 });
    expect(pick(seat({ region: "eu" }), [candidate("a", 25, { region: "na", waitedSeconds: 0 })], never)).toBeNull();
    expect(pick(seat({ region: "eu" }), [candidate("a", 25, { region: "na", waitedSeconds: 100_000 })], never)).toBeNull();
    expect(pick(seat({ region: "eu" }), [candidate("a", 25, { region: "eu" })], never)).toBe("a");
  });

  test("the seat's own age does not widen the region: only the candidate's wait does", () => {
    const oldSeat = seat({ region: "eu", openedAt: NOW - 3600 * S });
    expect(pick(oldSeat, [candidate("a", 25, { region: "na", waitedSeconds: 0 })])).toBeNull();
  });
});

describe("pickBackfill: spread", () => {
  test("a candidate within the spread of a fresh seat and a fresh ticket fits; the bound is inclusive", () => {
    expect(pick(seat({ mu: 25 }), [candidate("a", 28)])).toBe("a");
    expect(pick(seat({ mu: 25 }), [candidate("a", 22)])).toBe("a");
    expect(pick(seat({ mu: 25 }), [candidate("a", 28.01)])).toBeNull();
    expect(pick(seat({ mu: 25 }), [candidate("a", 21.99)])).toBeNull();
  });

  test("the spread widens with the candidate's wait", () => {
    const justBefore = { ...candidate("a", 30), enqueuedAt: NOW - 10 * S + 1 };
    expect(pick(seat({ mu: 25 }), [justBefore])).toBeNull();
    expect(pick(seat({ mu: 25 }), [candidate("a", 30, { waitedSeconds: 10 })])).toBe("a");
    expect(pick(seat({ mu: 25 }), [candidate("a", 37, { waitedSeconds: 20 })])).toBe("a");
    expect(pick(seat({ mu: 25 }), [candidate("a", 37.5, { waitedSeconds: 20 })])).toBeNull();
  });

  test("the spread widens with the seat's own age, for a candidate who just queued", () => {
    const fresh = candidate("a", 30, { waitedSeconds: 0 });
    expect(pick(seat({ mu: 25, openedAt: NOW - 10 * S + 1 }), [fresh])).toBeNull();
    expect(pick(seat({ mu: 25, openedAt: NOW - 10 * S }), [fresh])).toBe("a");
    expect(pick(seat({ mu: 25, openedAt: NOW - 40 * S }), [candidate("b", 50)])).toBe("b");
    expect(pick(seat({ mu: 25, openedAt: NOW - 40 * S }), [candidate("b", 50.5)])).toBeNull();
  });

  test("the longer of the two waits counts, whichever it is", () => {
    // Seat 20 s old (spread 12) and candidate 10 s (6): 12 applies.
    expect(pick(seat({ mu: 25, openedAt: NOW - 20 * S }), [candidate("a", 36, { waitedSeconds: 10 })])).toBe("a");
    // Seat 10 s old (6) and candidate 20 s (12): 12 applies.
    expect(pick(seat({ mu: 25, openedAt: NOW - 10 * S }), [candidate("a", 36, { waitedSeconds: 20 })])).toBe("a");
    // Both 10 s: only 6.
    expect(pick(seat({ mu: 25, openedAt: NOW - 10 * S }), [candidate("a", 36, { waitedSeconds: 10 })])).toBeNull();
  });
});

describe("pickBackfill: who may not take the seat", () => {
  test("a candidate who blocked, or was blocked by, anyone on the match's record is skipped", () => {
    const s = seat({ playerIds: ["p1", "p2", "leaver"] });
    const blocks: Record<string, string[]> = { "near.acc": ["p2"], "leaverBlock.acc": ["leaver"], "far.acc": ["stranger"] };
    const blocked = (id: string) => blocks[id] ?? [];
    const cs = [candidate("near", 25), candidate("leaverBlock", 25.1), candidate("far", 26)];
    expect(pick(s, cs, rules(), blocked)).toBe("far");
    expect(pick(s, [candidate("near", 25)], rules(), blocked)).toBeNull();
    expect(pick(s, [candidate("leaverBlock", 25)], rules(), blocked)).toBeNull();
  });

  test("blocks are looked up by the candidate's account id", () => {
    const asked: string[] = [];
    const blocked = (id: string) => (asked.push(id), id === "x.acc" ? ["p1"] : []);
    expect(pick(seat(), [candidate("x", 25), candidate("y", 26)], rules(), blocked)).toBe("y");
    expect(asked).toContain("x.acc");
    expect(asked.every((id) => id === "x.acc" || id === "y.acc")).toBe(true);
  });

  test("a candidate already on the match's record (the leaver queued again, a teammate) is skipped", () => {
    const s = seat({ playerIds: ["p1", "leaver"] });
    expect(pick(s, [candidate("back", 25, { accountId: "leaver" }), candidate("other", 27)])).toBe("other");
    expect(pick(s, [candidate("back", 25, { accountId: "leaver" })])).toBeNull();
    expect(pick(s, [candidate("mate", 25, { accountId: "p1" })])).toBeNull();
  });

  test("a candidate with a non-finite mu is skipped", () => {
    for (const mu of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(pick(seat({ openedAt: NOW - 3600 * S }), [candidate("bad", mu, { waitedSeconds: 3600 })])).toBeNull();
      expect(pick(seat(), [candidate("bad", mu), candidate("good", 27)])).toBe("good");
    }
  });

  test("nobody fitting gives null, as does an empty queue", () => {
    expect(pick(seat(), [])).toBeNull();
    const cs = [candidate("far", 40), candidate("away", 25, { region: "asia", waitedSeconds: 100 }), candidate("mate", 25, { accountId: "p1" })];
    expect(pickBackfill(seat(), cs, NOW, rules(), noBlocks)).toBeNull();
  });
});

describe("pickBackfill: choice", () => {
  const permutations = <T>(xs: T[]): T[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));

  test("the nearest mu to the seat wins over a longer wait", () => {
    const cs = [candidate("old", 27.5, { waitedSeconds: 9 }), candidate("near", 24.5, { waitedSeconds: 0 }), candidate("mid", 26, { waitedSeconds: 5 })];
    for (const order of permutations(cs)) expect(pick(seat({ mu: 25 }), order)).toBe("near");
  });

  test("at an equal gap (above or below the seat) the longest waiting wins", () => {
    const cs = [candidate("above", 27, { waitedSeconds: 3 }), candidate("below", 23, { waitedSeconds: 8 }), candidate("new", 23, { waitedSeconds: 1 })];
    for (const order of permutations(cs)) expect(pick(seat({ mu: 25 }), order)).toBe("below");
  });

  test("at an equal gap and wait the lowest ticket id wins", () => {
    const cs = [candidate("t-b", 26, { waitedSeconds: 2 }), candidate("t-a", 24, { waitedSeconds: 2 }), candidate("t-c", 26, { waitedSeconds: 2 })];
    for (const order of permutations(cs)) expect(pick(seat({ mu: 25 }), order)).toBe("t-a");
  });

  test("the candidate returned is the one given, unchanged", () => {
    const c = candidate("a", 25.5, { waitedSeconds: 4 });
    expect(pickBackfill(seat(), [candidate("b", 27), c], NOW, rules(), noBlocks)).toBe(c);
    expect(c).toEqual(candidate("a", 25.5, { waitedSeconds: 4 }));
  });
});
