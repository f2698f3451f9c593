import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { CursorCodec } from "../../server/lib/cursor";
import { RatingsRepo, type FinishWrite } from "../../server/modules/ratings/ratings.repo";
import { RatingsService } from "../../server/modules/ratings/ratings.service";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * RatingsRepo on PostgreSQL and on the embedded PGlite store: stored ratings per mode, the
 * transaction that holds a match row while its result is written (so a result is recorded once),
 * and the match history pages.
 *
 * PGlite runs every transaction exclusively (one at a time for the whole database), so the
 * concurrent-record test passes there by construction; on PostgreSQL it exercises the match row lock.
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
type Status = "PENDING" | "ACTIVE" | "FINISHED" | "CANCELLED";

describe.each(DATABASE_STORES)("RatingsRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: RatingsRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new RatingsRepo(db.prisma);
  });
  afterAll(() => store?.close());

  /** A match with one player per entry of `teams` (their team index), rated mu 25 / sigma 8 before. */
  const match = async (playerIds: string[], teams: number[], status: Status = "ACTIVE", createdAt = NOW, mode = "duel", id: string = crypto.randomUUID()) => {
    await db.prisma.match.create({
      data: {
        id,
        mode,
        region: "eu",
        quality: 0.4,
        status,
        createdAt,
        participants: { create: playerIds.map((accountId, i) => ({ accountId, team: teams[i]!, waitSeconds: 1, muBefore: 25, sigmaBefore: 8 })) },
      },
    });
    return id;
  };
  const finishWrite = (mode: string, results: FinishWrite["results"], rated = true): FinishWrite => ({
    winnerTeam: 0,
    finishedAt: at(60),
    endReason: "target_reached",
    mode,
    results,
    rated,
  });

  test("ratings per mode: ratingsIn reads one mode for many players, ratingsOf every mode of one player", async () => {
    const [a, b, c] = [await createAccount(db), await createAccount(db), await createAccount(db)];
    const rating = (accountId: string, mode: string, mu: number, games: number) =>
      db.prisma.rating.create({ data: { accountId, mode, mu, sigma: 7, games, updatedAt: NOW } });
    await rating(a.id, "duel", 30, 3);
    await rating(a.id, "arena", 20, 1);
    await rating(b.id, "duel", 27, 2);
    const duel = await repo.ratingsIn([a.id, b.id, c.id], "duel");
    expect(duel.sort((x, y) => x.mu - y.mu)).toEqual([
      { accountId: b.id, mu: 27, sigma: 7 },
      { accountId: a.id, mu: 30, sigma: 7 },
    ]);
    expect(await repo.ratingsIn([], "duel")).toEqual([]);
    expect(await repo.ratingsOf(a.id)).toEqual([
      { mode: "arena", mu: 20, sigma: 7, games: 1 },
      { mode: "duel", mu: 30, sigma: 7, games: 3 },
    ]);
    expect(await repo.ratingsOf(c.id)).toEqual([]);
    expect(await repo.accountExists(c.id)).toBe(true);
    expect(await repo.accountExists(crypto.randomUUID())).toBe(false);
  });

  test("withLockedMatch reads the match and its players (by team, then id); null for an unknown match", async () => {
    const players = [await createAccount(db), await createAccount(db), await createAccount(db)];
    const id = await match(players.map((p) => p.id), [1, 0, 1], "ACTIVE", NOW, "trio");
    const seen = await repo.withLockedMatch(id, async (tx) => tx.match);
    const team1 = [players[0]!.id, players[2]!.id].sort();
    expect(seen).toEqual({
      id,
      mode: "trio",
      status: "ACTIVE",
      rated: true,
      participants: [players[1]!.id, ...team1].map((accountId) => ({ accountId, team: accountId === players[1]!.id ? 0 : 1, muBefore: 25, sigmaBefore: 8, backfillFor: null, leftAt: null })),
    });
    const fn = jest.fn(async () => "ran");
    expect(await repo.withLockedMatch(crypto.randomUUID(), fn)).toBeNull();
    expect(fn).not.toHaveBeenCalled();
  });

  test("a player whose account is gone is not among the participants", async () => {
    const [a, b] = [await createAccount(db), await createAccount(db)];
    const id = await match([a.id, b.id], [0, 1]);
    await db.prisma.account.delete({ where: { id: b.id } });
    expect((await repo.withLockedMatch(id, async (tx) => tx.match.participants))!.map((p) => p.accountId)).toEqual([a.id]);
  });

  test("finish writes the result, the participants' new ratings and the stored ratings (games + 1)", async () => {
    const [a, b] = [await createAccount(db), await createAccount(db)];
    await db.prisma.rating.create({ data: { accountId: a.id, mode: "duel", mu: 25, sigma: 8, games: 4, updatedAt: NOW } });
    const id = await match([a.id, b.id], [0, 1]);
    await repo.withLockedMatch(id, (tx) =>
      tx.finish(finishWrite("duel", [
        { accountId: a.id, muAfter: 27, sigmaAfter: 7.5, score: 10, rated: true },
        { accountId: b.id, muAfter: 23, sigmaAfter: 7.6, score: 4, rated: true },
      ])),
    );
    expect(await db.prisma.match.findUnique({ where: { id }, select: { status: true, winnerTeam: true, finishedAt: true, endReason: true } })).toEqual({
      status: "FINISHED",
      winnerTeam: 0,
      finishedAt: at(60),
      endReason: "target_reached",
    });
    const parts = await db.prisma.matchParticipant.findMany({ where: { matchId: id }, orderBy: { team: "asc" }, select: { muAfter: true, sigmaAfter: true, score: true } });
    expect(parts).toEqual([{ muAfter: 27, sigmaAfter: 7.5, score: 10 }, { muAfter: 23, sigmaAfter: 7.6, score: 4 }]);
    expect(await repo.ratingsOf(a.id)).toEqual([{ mode: "duel", mu: 27, sigma: 7.5, games: 5 }]);
    expect(await repo.ratingsOf(b.id)).toEqual([{ mode: "duel", mu: 23, sigma: 7.6, games: 1 }]);
  });

  test("a participant written unrated (a backfill) keeps their stored rating while the others' move", async () => {
    const [a, b] = [await createAccount(db), await createAccount(db)];
    await db.prisma.rating.create({ data: { accountId: b.id, mode: "duel", mu: 20, sigma: 6, games: 2, updatedAt: NOW } });
    const id = await match([a.id, b.id], [0, 1]);
    await repo.withLockedMatch(id, (tx) =>
      tx.finish(finishWrite("duel", [
        { accountId: a.id, muAfter: 27, sigmaAfter: 7.5, score: 3, rated: true },
        { accountId: b.id, muAfter: 20, sigmaAfter: 6, score: 1, rated: false },
      ])),
    );
    expect(await repo.ratingsOf(a.id)).toEqual([{ mode: "duel", mu: 27, sigma: 7.5, games: 1 }]);
    expect(await repo.ratingsOf(b.id)).toEqual([{ mode: "duel", mu: 20, sigma: 6, games: 2 }]);
    const parts = await db.prisma.matchParticipant.findMany({ where: { matchId: id }, orderBy: { team: "asc" }, select: { score: true } });
    expect(parts).toEqual([{ score: 3 }, { score: 1 }]);
  });

  test("an unrated finish leaves stored ratings alone; an error rolls the whole result back", async () => {
    const [a, b] = [await createAccount(db), await createAccount(db)];
    const unrated = await match([a.id], [0]);
    await repo.withLockedMatch(unrated, (tx) => tx.finish(finishWrite("duel", [{ accountId: a.id, muAfter: 25, sigmaAfter: 8, score: 3, rated: false }], false)));
    expect(await repo.ratingsOf(a.id)).toEqual([]);
    expect(await db.prisma.match.findUnique({ where: { id: unrated }, select: { status: true } })).toEqual({ status: "FINISHED" });

    const failed = await match([a.id, b.id], [0, 1]);
    await expect(
      repo.withLockedMatch(failed, async (tx) => {
        await tx.finish(finishWrite("duel", [{ accountId: a.id, muAfter: 30, sigmaAfter: 7, score: 1, rated: true }]));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await db.prisma.match.findUnique({ where: { id: failed }, select: { status: true } })).toEqual({ status: "ACTIVE" });
    expect(await repo.ratingsOf(a.id)).toEqual([]);
  });

  test("a result is recorded once, even when recorded twice at the same time", async () => {
    const service = new RatingsService(repo, new CursorCodec("contract-test-cursor-secret-0123456789abcdef"));
    const [a, b] = [await createAccount(db), await createAccount(db)];
    const id = await match([a.id, b.id], [0, 1]);
    const outcome = { winnerTeam: 1, teamScores: [3, 10], playerScores: new Map([[b.id, 10]]), reason: "target_reached" as const, finishedAt: at(60) };
    const results = await Promise.all([service.recordResult(id, outcome), service.recordResult(id, outcome), service.recordResult(id, outcome)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await service.recordResult(id, outcome)).toBeNull();
    const [ra, rb] = [await repo.ratingsOf(a.id), await repo.ratingsOf(b.id)];
    expect(ra).toMatchObject([{ mode: "duel", games: 1 }]);
    expect(rb).toMatchObject([{ mode: "duel", games: 1 }]);
    expect(rb[0]!.mu).toBeGreaterThan(ra[0]!.mu);
    // Not active (pending, cancelled): nothing is recorded.
    const pending = await match([a.id, b.id], [0, 1], "PENDING");
    expect(await service.recordResult(pending, outcome)).toBeNull();
    expect(await db.prisma.match.findUnique({ where: { id: pending }, select: { status: true } })).toEqual({ status: "PENDING" });
  });

  test("history pages a player's finished and cancelled matches newest first, ties by id, never another's", async () => {
    const [me, other, stranger] = [await createAccount(db), await createAccount(db), await createAccount(db)];
    // Two matches formed at the same instant: the keyset must page through both.
    const tiedIds = [crypto.randomUUID(), crypto.randomUUID()].sort().reverse();
    const m1 = await match([me.id, other.id], [0, 1], "FINISHED", at(1));
    const m2 = await match([me.id, other.id], [0, 1], "CANCELLED", at(2), "duel", tiedIds[1]);
    const m3 = await match([me.id, other.id], [0, 1], "FINISHED", at(2), "duel", tiedIds[0]);
    await match([me.id, other.id], [0, 1], "ACTIVE", at(3));
    await match([me.id, other.id], [0, 1], "PENDING", at(4));
    await match([other.id, stranger.id], [0, 1], "FINISHED", at(5));

    const first = await repo.history(me.id, undefined, 2);
    expect(first.map((r) => r.matchId)).toEqual([m3, m2]);
    const last = first[1]!;
    const second = await repo.history(me.id, { createdAt: last.match.createdAt, id: last.matchId }, 2);
    expect(second.map((r) => r.matchId)).toEqual([m1]);
    expect((await repo.history(me.id, undefined, 10)).map((r) => r.matchId)).toEqual([m3, m2, m1]);

    expect(first[0]).toMatchObject({
      team: 0,
      score: 0,
      muBefore: 25,
      sigmaBefore: 8,
      muAfter: null,
      match: { mode: "duel", region: "eu", status: "FINISHED", quality: 0.4, createdAt: at(2) },
    });
    expect(first[0]!.match.participants.map((p) => p.account.id).sort()).toEqual([me.id, other.id].sort());
    expect(await repo.history(stranger.id, undefined, 10)).toHaveLength(1);
  });
});
