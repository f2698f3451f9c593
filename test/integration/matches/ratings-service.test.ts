import { rate } from "openskill";
import type { PrismaClient } from "../../../server/db/database";
import type { RatingsService } from "../../../server/modules/ratings/ratings.service";
import { MatchResultMessageSchema, type MatchResultMessage } from "../../../shared/schemas/match";
import { insertAccounts, insertMatch, outcome, setRating, storedMatch, storedRating } from "../../helpers/matches";
import { startTestServer, type TestServer } from "../../helpers/test-server";

let t: TestServer;
let prisma: PrismaClient;
let ratings: RatingsService;
beforeAll(async () => {
  t = await startTestServer();
  prisma = t.server.db.prisma;
  ratings = t.server.services.ratings;
});
afterAll(() => t.close());

const NEW = { mu: 25, sigma: 25 / 3 };
const ids = async (n: number) => (await insertAccounts(prisma, n)).map((a) => a.id);

/** recordResult, asserting it recorded (not null) and that the message has the wire shape. */
async function record(matchId: string, o = outcome(0)): Promise<MatchResultMessage> {
  const result = await ratings.recordResult(matchId, o);
  expect(result).not.toBeNull();
  return MatchResultMessageSchema.strict().parse(result);
}

const entryOf = (msg: MatchResultMessage, accountId: string) => {
  const e = msg.ratings.find((r) => r.accountId === accountId);
  if (!e) throw new Error(`no rating for ${accountId}`);
  return e;
};

describe("new players", () => {
  test("ratingsFor gives the default (mu 25, sigma 25/3) to players without a stored rating, and stored ones as stored", async () => {
    const [a, b] = await ids(2);
    await setRating(prisma, a!, { mu: 31.5, sigma: 4.25 }, "duel");
    await setRating(prisma, b!, { mu: 19, sigma: 6 }, "squad");
    const got = await ratings.ratingsFor([a!, b!, a!], "duel");
    expect([...got.entries()]).toEqual([
      [a, { mu: 31.5, sigma: 4.25 }],
      [b, NEW],
    ]);
    expect(await ratings.ratingsFor([], "duel")).toEqual(new Map());
  });

  test("a new player has no stored ratings, and their first match starts from display 0", async () => {
    const [a, b] = await ids(2);
    expect(await ratings.ratings(a!)).toEqual({ accountId: a, ratings: [] });
    const msg = await record(await insertMatch(prisma, { teams: [[a!], [b!]] }));
    expect(entryOf(msg, a!).before).toBeCloseTo(0, 10);
    expect(entryOf(msg, b!).before).toBeCloseTo(0, 10);
  });

  test("ratings() of an unknown account is account_not_found", async () => {
    await expect(ratings.ratings("0190b3c4-0000-7000-8000-000000000000")).rejects.toMatchObject({ code: "account_not_found", status: 404 });
  });
});

describe("recordResult", () => {
  test("1v1: the winner goes up, the loser down, both become more certain; everything is stored", async () => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    const finishedAt = new Date(Date.UTC(2026, 2, 3, 4, 5, 6));
    const msg = await record(matchId, outcome(0, { playerScores: new Map([[a!, 5], [b!, 2]]), teamScores: [5, 2], finishedAt }));

    expect(msg).toMatchObject({ matchId, winnerTeam: 0, scores: [5, 2], reason: "target_reached" });
    expect(msg.ratings.map((r) => [r.accountId, r.team])).toEqual([[a, 0], [b, 1]]);
    expect(entryOf(msg, a!).after).toBeGreaterThan(entryOf(msg, a!).before);
    expect(entryOf(msg, b!).after).toBeLessThan(entryOf(msg, b!).before);

    const ra = (await storedRating(prisma, a!))!;
    const rb = (await storedRating(prisma, b!))!;
    expect(ra.mu).toBeGreaterThan(NEW.mu);
    expect(rb.mu).toBeLessThan(NEW.mu);
    expect(ra.sigma).toBeLessThan(NEW.sigma);
    expect(rb.sigma).toBeLessThan(NEW.sigma);
    expect([ra.games, rb.games]).toEqual([1, 1]);
    expect(ra.updatedAt).toEqual(finishedAt);
    // The message's display values are the stored ratings' mu - 3 sigma.
    expect(entryOf(msg, a!).after).toBeCloseTo(ra.mu - 3 * ra.sigma, 10);
    expect(entryOf(msg, b!).after).toBeCloseTo(rb.mu - 3 * rb.sigma, 10);

    const m = await storedMatch(prisma, matchId);
    expect(m).toMatchObject({ status: "FINISHED", winnerTeam: 0, finishedAt, endReason: "target_reached" });
    expect(m.participants.map((p) => [p.accountId, p.muBefore, p.muAfter, p.sigmaAfter, p.score])).toEqual([
      [a, NEW.mu, ra.mu, ra.sigma, 5],
      [b, NEW.mu, rb.mu, rb.sigma, 2],
    ]);
  });

  test("the new ratings are OpenSkill's for the ratings the match formed with, the winner ranked first", async () => {
    const [a, b] = await ids(2);
    await setRating(prisma, a!, { mu: 30, sigma: 5, games: 7 });
    await setRating(prisma, b!, { mu: 22, sigma: 7, games: 3 });
    // Team 1 wins: ranks follow team indexes, not list position.
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    const msg = await record(matchId, outcome(1, { reason: "forfeit" }));
    const [[ea], [eb]] = rate([[{ mu: 30, sigma: 5 }], [{ mu: 22, sigma: 7 }]], { rank: [2, 1] });
    expect(await storedRating(prisma, a!)).toMatchObject({ mu: ea!.mu, sigma: ea!.sigma, games: 8 });
    expect(await storedRating(prisma, b!)).toMatchObject({ mu: eb!.mu, sigma: eb!.sigma, games: 4 });
    expect(entryOf(msg, a!).before).toBeCloseTo(30 - 15, 10);
    expect(entryOf(msg, b!).before).toBeCloseTo(22 - 21, 10);
    expect(msg.reason).toBe("forfeit");
    expect((await storedMatch(prisma, matchId)).endReason).toBe("forfeit");
  });

  test("computes from the participants' muBefore/sigmaBefore, not from a stored rating that moved since", async () => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]], before: new Map([[a!, { mu: 28, sigma: 6 }], [b!, { mu: 24, sigma: 6 }]]) });
    await setRating(prisma, a!, { mu: 40, sigma: 2, games: 50 });
    await record(matchId, outcome(0));
    const [[ea]] = rate([[{ mu: 28, sigma: 6 }], [{ mu: 24, sigma: 6 }]], { rank: [1, 2] });
    expect(await storedRating(prisma, a!)).toMatchObject({ mu: ea!.mu, sigma: ea!.sigma, games: 51 });
  });

  test("an upset moves ratings more than the expected result", async () => {
    const [fav1, dog1, fav2, dog2] = await ids(4);
    for (const f of [fav1!, fav2!]) await setRating(prisma, f, { mu: 32, sigma: 4 });
    for (const d of [dog1!, dog2!]) await setRating(prisma, d, { mu: 20, sigma: 4 });
    await record(await insertMatch(prisma, { teams: [[fav1!], [dog1!]] }), outcome(0));
    await record(await insertMatch(prisma, { teams: [[fav2!], [dog2!]] }), outcome(1));
    const expectedGain = (await storedRating(prisma, fav1!))!.mu - 32;
    const upsetGain = (await storedRating(prisma, dog2!))!.mu - 20;
    expect(expectedGain).toBeGreaterThan(0);
    expect(upsetGain).toBeGreaterThan(expectedGain);
  });

  test("is idempotent: a second call returns null and changes nothing", async () => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    await record(matchId, outcome(0, { finishedAt: new Date(Date.UTC(2026, 0, 5)) }));
    const ratingsAfterFirst = [await storedRating(prisma, a!), await storedRating(prisma, b!)];
    const matchAfterFirst = await storedMatch(prisma, matchId);

    expect(await ratings.recordResult(matchId, outcome(1, { finishedAt: new Date(Date.UTC(2026, 0, 6)), reason: "forfeit" }))).toBeNull();
    expect(await ratings.recordResult(matchId, outcome(0))).toBeNull();
    expect([await storedRating(prisma, a!), await storedRating(prisma, b!)]).toEqual(ratingsAfterFirst);
    expect(await storedMatch(prisma, matchId)).toEqual(matchAfterFirst);
    expect(ratingsAfterFirst.map((r) => r!.games)).toEqual([1, 1]);
  });

  test("two concurrent calls for one match: exactly one records, the ratings move once", async () => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    const results = await Promise.all([ratings.recordResult(matchId, outcome(0)), ratings.recordResult(matchId, outcome(1))]);
    const recorded = results.filter((r) => r !== null);
    expect(recorded).toHaveLength(1);
    expect((await storedRating(prisma, a!))!.games).toBe(1);
    expect((await storedRating(prisma, b!))!.games).toBe(1);
    const m = await storedMatch(prisma, matchId);
    expect(m.winnerTeam).toBe(recorded[0]!.winnerTeam);
    const winnerId = recorded[0]!.winnerTeam === 0 ? a! : b!;
    expect((await storedRating(prisma, winnerId))!.mu).toBeGreaterThan(NEW.mu);
  });

  test.each(["CANCELLED", "PENDING", "FINISHED"] as const)("refuses a %s match: null, nothing written", async (status) => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]], status, ...(status === "FINISHED" ? { winnerTeam: 1 } : {}) });
    const before = await storedMatch(prisma, matchId);
    expect(await ratings.recordResult(matchId, outcome(0))).toBeNull();
    expect(await storedMatch(prisma, matchId)).toEqual(before);
    expect(before.status).toBe(status);
    expect(before.participants.every((p) => p.muAfter === null && p.sigmaAfter === null)).toBe(true);
    expect(await storedRating(prisma, a!)).toBeNull();
    expect(await storedRating(prisma, b!)).toBeNull();
  });

  test("an unknown match: null", async () => {
    expect(await ratings.recordResult("0190b3c4-0000-7000-8000-000000000001", outcome(0))).toBeNull();
  });

  test("a winner team the match does not have is refused and nothing is written", async () => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    await expect(ratings.recordResult(matchId, outcome(2))).rejects.toThrow(/winner team 2/);
    expect((await storedMatch(prisma, matchId)).status).toBe("ACTIVE");
    expect(await storedRating(prisma, a!)).toBeNull();
  });

  test("a draw between equals: nobody's mu moves, both become more certain; no winner stored", async () => {
    const [a, b] = await ids(2);
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    const msg = await record(matchId, outcome(null, { teamScores: [3, 3] }));
    expect(msg.winnerTeam).toBeNull();
    for (const id of [a!, b!]) {
      const r = (await storedRating(prisma, id))!;
      expect(r.mu).toBeCloseTo(NEW.mu, 10);
      expect(r.sigma).toBeLessThan(NEW.sigma);
    }
    expect(await storedMatch(prisma, matchId)).toMatchObject({ status: "FINISHED", winnerTeam: null });
  });

  test("a draw between unequal players moves the stronger down and the weaker up", async () => {
    const [strong, weak] = await ids(2);
    await setRating(prisma, strong!, { mu: 30, sigma: 5 });
    await setRating(prisma, weak!, { mu: 20, sigma: 5 });
    await record(await insertMatch(prisma, { teams: [[strong!], [weak!]] }), outcome(null));
    expect((await storedRating(prisma, strong!))!.mu).toBeLessThan(30);
    expect((await storedRating(prisma, weak!))!.mu).toBeGreaterThan(20);
  });

  test("2v2: both winners go up, both losers down, teammates of equal rating move alike", async () => {
    const [a1, a2, b1, b2] = await ids(4);
    const matchId = await insertMatch(prisma, { mode: "squad", teams: [[a1!, a2!], [b1!, b2!]] });
    const msg = await record(matchId, outcome(1));
    const stored = async (id: string) => (await storedRating(prisma, id, "squad"))!;
    const [ra1, ra2, rb1, rb2] = [await stored(a1!), await stored(a2!), await stored(b1!), await stored(b2!)];
    expect(ra1.mu).toBeLessThan(NEW.mu);
    expect(ra1.mu).toBeCloseTo(ra2.mu, 10);
    expect(rb1.mu).toBeGreaterThan(NEW.mu);
    expect(rb1.mu).toBeCloseTo(rb2.mu, 10);
    for (const r of [ra1, ra2, rb1, rb2]) expect(r.sigma).toBeLessThan(NEW.sigma);
    const [expectedLoser, expectedWinner] = rate([[NEW, NEW], [NEW, NEW]], { rank: [2, 1] });
    expect(ra1.mu).toBeCloseTo(expectedLoser![0]!.mu, 10);
    expect(rb1.mu).toBeCloseTo(expectedWinner![0]!.mu, 10);
    expect(msg.ratings.map((r) => [r.accountId, r.team]).sort()).toEqual(
      [[a1, 0], [a2, 0], [b1, 1], [b2, 1]].sort(),
    );
    // The mode of the match: nothing was written for duel.
    expect(await storedRating(prisma, a1!, "duel")).toBeNull();
  });

  test("a backfilled seat: the newcomer's rating does not move and the team is rated as it was matched; the leaver is rated as a loss", async () => {
    const [a1, a2, b1, b2, n] = await ids(5);
    await setRating(prisma, n!, { mu: 40, sigma: 3, games: 9 }, "squad");
    // a2 left; n took a2's seat and team 0 won.
    const matchId = await insertMatch(prisma, {
      mode: "squad",
      teams: [[a1!, a2!, n!], [b1!, b2!]],
      backfillFor: { [n!]: a2! },
      left: [a2!],
    });
    const msg = await record(matchId, outcome(0, { playerScores: new Map([[n!, 3], [a1!, 2]]) }));
    const [loser, winner] = rate([[NEW, NEW], [NEW, NEW]], { rank: [2, 1] });
    const stored = async (id: string) => (await storedRating(prisma, id, "squad"))!;
    // The winners (the starters of team 0 who stayed) get the update of a win of the team as matched: a2's rating counts, n's does not.
    expect((await stored(a1!)).mu).toBeCloseTo(winner![0]!.mu, 10);
    // The leaver gets the loss update their team would get, though the team won.
    expect((await stored(a2!)).mu).toBeCloseTo(loser![1]!.mu, 10);
    expect((await stored(a2!)).mu).toBeLessThan(NEW.mu);
    // The backfill's stored rating stays, games too; their score is on the record.
    expect(await stored(n!)).toMatchObject({ mu: 40, sigma: 3, games: 9 });
    expect(entryOf(msg, n!)).toMatchObject({ team: 0, before: entryOf(msg, n!).after, backfillFor: a2, left: false });
    expect(entryOf(msg, a2!)).toMatchObject({ team: 0, backfillFor: null, left: true });
    expect(entryOf(msg, a1!)).toMatchObject({ backfillFor: null, left: false });
    expect((await storedMatch(prisma, matchId)).participants.find((p) => p.accountId === n)).toMatchObject({ score: 3, muAfter: 40, sigmaAfter: 3 });
    // The history tells each who played which part.
    const history = async (id: string) => (await ratings.history(id, { limit: 5 })).items[0]!.you;
    expect(await history(n!)).toMatchObject({ team: 0, won: true, score: 3, backfillFor: a2, left: false, ratingBefore: 40 - 9, ratingAfter: 40 - 9 });
    expect(await history(a2!)).toMatchObject({ team: 0, won: true, backfillFor: null, left: true });
  });

  test("a leaver on the losing team gets the same loss as their teammates", async () => {
    const [a1, a2, b1, b2] = await ids(4);
    const matchId = await insertMatch(prisma, { mode: "squad", teams: [[a1!, a2!], [b1!, b2!]], left: [a2!] });
    await record(matchId, outcome(1));
    const stored = async (id: string) => (await storedRating(prisma, id, "squad"))!;
    expect((await stored(a2!)).mu).toBeCloseTo((await stored(a1!)).mu, 10);
    expect((await stored(a2!)).mu).toBeLessThan(NEW.mu);
  });

  test("4-team free-for-all: the winner ranks first, the three others share second", async () => {
    const players = await ids(4);
    const teams = players.map((p) => [p]);
    const matchId = await insertMatch(prisma, { mode: "ffa", teams });
    const msg = await record(matchId, outcome(2, { teams: 4 }));
    expect(msg.scores).toEqual([2, 2, 5, 2]);
    const expected = rate(teams.map(() => [NEW]), { rank: [2, 2, 1, 2] });
    const stored = await Promise.all(players.map(async (p) => (await storedRating(prisma, p, "ffa"))!));
    stored.forEach((r, i) => {
      expect(r.mu).toBeCloseTo(expected[i]![0]!.mu, 10);
      expect(r.sigma).toBeCloseTo(expected[i]![0]!.sigma, 10);
    });
    expect(stored[2]!.mu).toBeGreaterThan(NEW.mu);
    for (const i of [0, 1, 3]) {
      expect(stored[i]!.mu).toBeLessThan(NEW.mu);
      expect(stored[i]!.mu).toBeCloseTo(stored[0]!.mu, 10);
    }
  });

  test("a player who deleted their account is left out; the others are still rated", async () => {
    const [a, b, c] = await ids(3);
    const matchId = await insertMatch(prisma, { mode: "ffa", teams: [[a!], [b!], [c!]] });
    await prisma.account.delete({ where: { id: c! } });
    const msg = await record(matchId, outcome(0, { teams: 3 }));
    expect(msg.ratings.map((r) => r.accountId).sort()).toEqual([a!, b!].sort());
    expect((await storedRating(prisma, a!, "ffa"))!.mu).toBeGreaterThan(NEW.mu);
    expect((await storedRating(prisma, b!, "ffa"))!.mu).toBeLessThan(NEW.mu);
  });

  test("with one team left there is no one to rate against: the match finishes, ratings stay", async () => {
    const [a, b] = await ids(2);
    await setRating(prisma, a!, { mu: 27, sigma: 6, games: 4 });
    const matchId = await insertMatch(prisma, { teams: [[a!], [b!]] });
    await prisma.account.delete({ where: { id: b! } });
    const msg = await record(matchId, outcome(0, { reason: "forfeit" }));
    expect(msg.ratings).toEqual([{ accountId: a, team: 0, before: 27 - 18, after: 27 - 18, backfillFor: null, left: false }]);
    expect(await storedRating(prisma, a!)).toMatchObject({ mu: 27, sigma: 6, games: 4 });
    expect(await storedMatch(prisma, matchId)).toMatchObject({ status: "FINISHED", winnerTeam: 0 });
  });

  test("ratings() lists every mode played, by name, with display = mu - 3 sigma and games", async () => {
    const [a, b, c, d] = await ids(4);
    await record(await insertMatch(prisma, { mode: "squad", teams: [[a!, c!], [b!, d!]] }), outcome(0));
    await record(await insertMatch(prisma, { mode: "duel", teams: [[a!], [b!]] }), outcome(1));
    await record(await insertMatch(prisma, { mode: "duel", teams: [[a!], [b!]] }), outcome(1));
    const got = await ratings.ratings(a!);
    expect(got.accountId).toBe(a);
    expect(got.ratings.map((r) => [r.mode, r.games])).toEqual([["duel", 2], ["squad", 1]]);
    for (const r of got.ratings) expect(r.display).toBeCloseTo(r.mu - 3 * r.sigma, 10);
    const duel = (await storedRating(prisma, a!, "duel"))!;
    expect(got.ratings[0]).toMatchObject({ mu: duel.mu, sigma: duel.sigma });
    expect(duel.mu).toBeLessThan(NEW.mu);
  });
});
