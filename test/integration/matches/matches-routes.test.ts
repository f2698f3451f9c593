import type { PrismaClient } from "../../../server/db/database";
import { CursorCodec } from "../../../server/lib/cursor";
import {
  MatchHistoryResponseSchema,
  RatingsResponseSchema,
  type MatchHistoryEntry,
  type MatchHistoryResponse,
  type RatingsResponse,
} from "../../../shared/schemas/match";
import { errorBody, failure, type HttpResponse } from "../../helpers/http";
import { insertMatch, outcome, storedRating } from "../../helpers/matches";
import { expectStatus, newPlayers, startSocialServer, tamperedCursors, walkPages, type Player, type SocialTestServer } from "../../helpers/social";

let t: SocialTestServer;
let prisma: PrismaClient;
beforeAll(async () => {
  t = await startSocialServer();
  prisma = t.server.db.prisma;
});
afterAll(() => t.close());

const UNKNOWN_ID = "0190b3c4-0000-7000-8000-00000000abcd";
const T0 = Date.UTC(2026, 5, 1, 12);
const minute = (n: number) => new Date(T0 + n * 60_000);

const historyRes = (p: Player, query = "") => t.api.get(`/matches/history${query}`, { token: p.token });
async function history(p: Player, query = ""): Promise<MatchHistoryResponse> {
  return MatchHistoryResponseSchema.strict().parse(expectStatus(await historyRes(p, query), 200).body);
}
async function fullHistory(p: Player, limit: number): Promise<MatchHistoryEntry[]> {
  const pages = await walkPages((cursor) => history(p, `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
  for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(limit);
  expect(pages[pages.length - 1]!.nextCursor).toBeUndefined();
  return pages.flatMap((page) => page.items);
}
async function ratingsOf(by: Player, path = "/ratings"): Promise<RatingsResponse> {
  return RatingsResponseSchema.strict().parse(expectStatus(await t.api.get(path, { token: by.token }), 200).body);
}

/** A match of `teams` formed at `createdAt`, finished with `winnerTeam` through the service. */
async function finishedMatch(teams: Player[][], createdAt: Date, winnerTeam: number | null, mode = "duel"): Promise<string> {
  const matchId = await insertMatch(prisma, { mode, teams: teams.map((team) => team.map((p) => p.id)), createdAt });
  const scores = new Map(teams.flat().map((p, i) => [p.id, i + 1]));
  const result = await t.server.services.ratings.recordResult(matchId, outcome(winnerTeam, { teams: teams.length, playerScores: scores, finishedAt: new Date(createdAt.getTime() + 30_000) }));
  expect(result).not.toBeNull();
  return matchId;
}

/** The error envelope, its requestId echoing the X-Request-Id header. */
function envelope(res: HttpResponse) {
  const error = errorBody(res);
  expect(error.requestId).toBe(res.headers["x-request-id"]);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

describe("GET /matches/history", () => {
  test("lists the caller's finished and cancelled matches newest first, with teams and the caller's side", async () => {
    const [a, b, c, d] = await newPlayers(t.api, 4) as [Player, Player, Player, Player];
    const duel = await finishedMatch([[a], [b]], minute(1), 0);
    const aDuel = (await storedRating(prisma, a.id, "duel"))!;
    const squad = await finishedMatch([[c, b], [a, d]], minute(2), 0, "squad");
    const cancelled = await insertMatch(prisma, { teams: [[a.id], [c.id]], status: "CANCELLED", createdAt: minute(3), finishedAt: minute(4) });
    const draw = await finishedMatch([[d], [a]], minute(4), null);
    // Still forming or being played: not history yet.
    await insertMatch(prisma, { teams: [[a.id], [b.id]], status: "ACTIVE", createdAt: minute(5) });
    await insertMatch(prisma, { teams: [[a.id], [d.id]], status: "PENDING", createdAt: minute(6) });

    const page = await history(a);
    expect(page.nextCursor).toBeUndefined();
    expect(page.items.map((e) => e.id)).toEqual([draw, cancelled, squad, duel]);
    const [eDraw, eCancelled, eSquad, eDuel] = page.items as [MatchHistoryEntry, MatchHistoryEntry, MatchHistoryEntry, MatchHistoryEntry];

    expect(eDuel).toEqual({
      id: duel,
      mode: "duel",
      region: "eu",
      status: "finished",
      quality: 0.5,
      createdAt: minute(1).toISOString(),
      finishedAt: new Date(T0 + 60_000 + 30_000).toISOString(),
      winnerTeam: 0,
      you: { team: 0, won: true, score: 1, ratingBefore: 0, ratingAfter: expect.any(Number), backfillFor: null, left: false },
      teams: [[{ id: a.id, username: a.username, displayName: a.username }], [{ id: b.id, username: b.username, displayName: b.username }]],
    });
    expect(eDuel.you.ratingAfter).toBeCloseTo(aDuel.mu - 3 * aDuel.sigma, 10);
    expect(eDuel.you.ratingAfter).toBeGreaterThan(0);

    // Squad: a is on team 1, which lost; teammates listed by username.
    expect(eSquad.you).toMatchObject({ team: 1, won: false, score: 3, ratingBefore: 0 });
    expect(eSquad.you.ratingAfter).toBeLessThan(0);
    const byName = (ps: Player[]) => [...ps].sort((x, y) => x.username.toLowerCase().localeCompare(y.username.toLowerCase())).map((p) => ({ id: p.id, username: p.username, displayName: p.username }));
    expect(eSquad.teams).toEqual([byName([c, b]), byName([a, d])]);

    expect(eCancelled).toMatchObject({ status: "cancelled", winnerTeam: null, finishedAt: minute(4).toISOString() });
    expect(eCancelled.you).toEqual({ team: 0, won: false, score: 0, ratingBefore: expect.any(Number), ratingAfter: null, backfillFor: null, left: false });

    // The draw: nobody won; a's duel rating going in was the one after the first duel.
    expect(eDraw).toMatchObject({ status: "finished", winnerTeam: null });
    expect(eDraw.you.won).toBe(false);
    expect(eDraw.you.team).toBe(1);
    expect(eDraw.you.ratingBefore).toBeCloseTo(eDuel.you.ratingAfter!, 10);
    const aNow = (await storedRating(prisma, a.id, "duel"))!;
    expect(eDraw.you.ratingAfter).toBeCloseTo(aNow.mu - 3 * aNow.sigma, 10);
    expect(aDuel.games).toBe(1);
    expect(aNow.games).toBe(2);
  });

  test("pages through every match exactly once, newest first, matches formed at the same instant included", async () => {
    const [a, b] = await newPlayers(t.api, 2) as [Player, Player];
    const made: { id: string; at: number }[] = [];
    for (let i = 0; i < 9; i++) {
      // Three matches share each instant: the keyset must break ties by id, not skip or repeat them.
      const at = minute(100 + Math.floor(i / 3));
      const id = i % 2 === 0 ? await finishedMatch([[a], [b]], at, i % 3 === 0 ? 0 : 1) : await insertMatch(prisma, { teams: [[b.id], [a.id]], status: "CANCELLED", createdAt: at });
      made.push({ id, at: at.getTime() });
    }
    const expected = [...made].sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1)).map((m) => m.id);
    for (const limit of [1, 2, 4, 9, 100]) {
      const ids = (await fullHistory(a, limit)).map((e) => e.id);
      expect(ids).toEqual(expected);
    }
    expect((await fullHistory(b, 2)).map((e) => e.id)).toEqual(expected);
    const first = await history(a, "?limit=9");
    expect(first.nextCursor).toBeUndefined();
  });

  test("a player without matches gets an empty list", async () => {
    const [p] = await newPlayers(t.api, 1) as [Player];
    expect(await history(p)).toEqual({ items: [] });
  });

  test("only ever the caller's matches: other players' matches, query parameters and their cursors change nothing", async () => {
    const [a, b, c, d] = await newPlayers(t.api, 4) as [Player, Player, Player, Player];
    const cd = await finishedMatch([[c], [d]], minute(199), 0);
    const ab = await finishedMatch([[a], [b]], minute(200), 1);
    const ab2 = await finishedMatch([[a], [b]], minute(201), 0);

    expect((await history(c)).items.map((e) => e.id)).toEqual([cd]);
    // An account id in the query is not a way to pick whose history: it is ignored.
    for (const q of [`?accountId=${a.id}`, `?account=${a.id}`, `?playerId=${a.id}&limit=50`]) {
      expect((await history(c, q)).items.map((e) => e.id)).toEqual([cd]);
    }
    // A's cursor (a position in A's list) given by C only positions C's own list: C's older match,
    // never A's next one.
    const aPage = await history(a, "?limit=1");
    expect(aPage.items.map((e) => e.id)).toEqual([ab2]);
    expect((await history(c, `?cursor=${encodeURIComponent(aPage.nextCursor!)}`)).items.map((e) => e.id)).toEqual([cd]);
    expect((await history(a, `?cursor=${encodeURIComponent(aPage.nextCursor!)}`)).items.map((e) => e.id)).toEqual([ab]);
    // Every entry is one the caller played in.
    for (const p of [a, b, c, d]) {
      for (const e of (await history(p)).items) expect(e.teams.flat().map((x) => x.id)).toContain(p.id);
    }
  });

  test("an altered, cut or forged cursor is 400 invalid_cursor", async () => {
    const [a, b] = await newPlayers(t.api, 2) as [Player, Player];
    await finishedMatch([[a], [b]], minute(300), 0);
    await finishedMatch([[a], [b]], minute(301), 1);
    const cursor = (await history(a, "?limit=1")).nextCursor!;
    expect(cursor).toBeDefined();
    for (const [how, bad] of Object.entries(tamperedCursors(cursor))) {
      const res = await historyRes(a, `?cursor=${encodeURIComponent(bad)}`);
      expect([how, failure(res)]).toEqual([how, [400, "invalid_cursor"]]);
      expect(envelope(res).fields).toEqual([{ path: "cursor", message: "is invalid" }]);
    }
  });

  test("a validly signed cursor of another list (notifications, friends) is 400 invalid_cursor", async () => {
    const [a] = await newPlayers(t.api, 1) as [Player];
    const codec = new CursorCodec(t.env.JWT_SECRET!);
    const others = [
      codec.encode({ t: T0, id: UNKNOWN_ID, f: "all" }),
      codec.encode({ k: "someone", id: UNKNOWN_ID, s: "friend" }),
      codec.encode({ c: "public:general", s: 10 }),
      codec.encode({ m: "history", t: T0, id: UNKNOWN_ID, extra: 1 }),
      codec.encode({ m: "other", t: T0, id: UNKNOWN_ID }),
    ];
    for (const cursor of others) expect(failure(await historyRes(a, `?cursor=${encodeURIComponent(cursor)}`))).toEqual([400, "invalid_cursor"]);
    // The same codec's own history cursor is accepted (the refusals above are about the list).
    expect(expectStatus(await historyRes(a, `?cursor=${encodeURIComponent(codec.encode({ m: "history", t: T0, id: UNKNOWN_ID }))}`), 200).body).toEqual({ items: [] });
  });

  test.each([
    ["limit 0", "?limit=0", "limit"],
    ["limit 101", "?limit=101", "limit"],
    ["a non-numeric limit", "?limit=abc", "limit"],
    ["a fractional limit", "?limit=1.5", "limit"],
    ["a 513-character cursor", `?cursor=${"x".repeat(513)}`, "cursor"],
    ["an empty cursor", "?cursor=", "cursor"],
  ])("%s is 400 invalid_request naming the field", async (_name, query, field) => {
    const [a] = await newPlayers(t.api, 1) as [Player];
    const res = await historyRes(a, query);
    expect(failure(res)).toEqual([400, "invalid_request"]);
    expect(envelope(res).fields?.map((f) => f.path)).toEqual([field]);
  });
});

describe("GET /ratings and GET /players/:accountId/ratings", () => {
  test("a new player has no ratings; after matches, one per mode played, the same to everyone", async () => {
    const [a, b, c, d] = await newPlayers(t.api, 4) as [Player, Player, Player, Player];
    expect(await ratingsOf(a)).toEqual({ accountId: a.id, ratings: [] });
    expect(await ratingsOf(b, `/players/${a.id}/ratings`)).toEqual({ accountId: a.id, ratings: [] });

    await finishedMatch([[a], [b]], minute(400), 0);
    await finishedMatch([[a, c], [b, d]], minute(401), 1, "squad");
    const own = await ratingsOf(a);
    const duel = (await storedRating(prisma, a.id, "duel"))!;
    const squad = (await storedRating(prisma, a.id, "squad"))!;
    expect(own).toEqual({
      accountId: a.id,
      ratings: [
        { mode: "duel", mu: duel.mu, sigma: duel.sigma, display: expect.any(Number), games: 1 },
        { mode: "squad", mu: squad.mu, sigma: squad.sigma, display: expect.any(Number), games: 1 },
      ],
    });
    expect(own.ratings[0]!.display).toBeCloseTo(duel.mu - 3 * duel.sigma, 10);
    expect(own.ratings[0]!.display).toBeGreaterThan(0);
    expect(own.ratings[1]!.display).toBeLessThan(0);
    // Ratings are public: any signed-in player sees the same numbers, including the player themself.
    expect(await ratingsOf(c, `/players/${a.id}/ratings`)).toEqual(own);
    expect(await ratingsOf(a, `/players/${a.id}/ratings`)).toEqual(own);
    // GET /ratings is always the caller's.
    expect((await ratingsOf(b)).accountId).toBe(b.id);
  });

  test("blocks do not hide ratings (they are public like a ladder), in either direction", async () => {
    const [a, b] = await newPlayers(t.api, 2) as [Player, Player];
    await finishedMatch([[a], [b]], minute(500), 0);
    expectStatus(await t.social.block(a, b.id), 204);
    expect((await ratingsOf(b, `/players/${a.id}/ratings`)).ratings.map((r) => r.mode)).toEqual(["duel"]);
    expect((await ratingsOf(a, `/players/${b.id}/ratings`)).ratings.map((r) => r.mode)).toEqual(["duel"]);
  });

  test("an unknown account is 404 account_not_found; a malformed id is 400 invalid_request naming accountId", async () => {
    const [a] = await newPlayers(t.api, 1) as [Player];
    const unknown = await t.api.get(`/players/${UNKNOWN_ID}/ratings`, { token: a.token });
    expect(failure(unknown)).toEqual([404, "account_not_found"]);
    envelope(unknown);
    for (const bad of ["not-a-uuid", "123", `${a.id}x`]) {
      const res = await t.api.get(`/players/${bad}/ratings`, { token: a.token });
      expect(failure(res)).toEqual([400, "invalid_request"]);
      expect(envelope(res).fields?.map((f) => f.path)).toEqual(["accountId"]);
    }
  });
});

describe("authentication", () => {
  const paths = () => ["/matches/history", "/ratings", `/players/${UNKNOWN_ID}/ratings`];

  test("every route needs a Bearer token: 401 unauthorized without one, invalid_token for a bad one", async () => {
    for (const path of paths()) {
      const none = await t.api.get(path);
      expect([path, failure(none)]).toEqual([path, [401, "unauthorized"]]);
      expect(none.headers["www-authenticate"]).toMatch(/^Bearer /);
      envelope(none);
      const bad = await t.api.get(path, { token: "not.a.token" });
      expect([path, failure(bad)]).toEqual([path, [401, "invalid_token"]]);
    }
  });

  test("mounted at the root without swallowing other paths: unknown routes stay 404 not_found", async () => {
    for (const path of ["/matches", "/matches/history/x", "/players", `/players/${UNKNOWN_ID}`, "/nope"]) {
      expect([path, failure(await t.api.get(path))]).toEqual([path, [404, "not_found"]]);
    }
    expect(failure(await t.api.post("/ratings", {}))).toEqual([404, "not_found"]);
  });
});
