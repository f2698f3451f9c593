import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { isUniqueViolation } from "../../server/db/db-errors";
import { MatchmakingRepo, type NewMatch } from "../../server/modules/matchmaking/matchmaking.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * MatchmakingRepo on PostgreSQL and on the embedded PGlite store: tickets (a player is on one at
 * most), claims of tickets into a match, the match's life (activate, cancel with requeue, abandon,
 * hosts, stale sweeps) and the queue leases.
 *
 * PGlite runs every transaction exclusively (one at a time for the whole database), so the
 * concurrency tests pass there by construction; on PostgreSQL they exercise the row locks and
 * the unique keys. Every test uses its own mode and queue names (the reads span the database).
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const SECOND = 1000;
const at = (seconds: number) => new Date(NOW.getTime() + seconds * SECOND);
const name = (prefix: string) => `${prefix}${crypto.randomBytes(4).toString("hex")}`;

describe.each(DATABASE_STORES)("MatchmakingRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: MatchmakingRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new MatchmakingRepo(db.prisma, db.sql);
  });
  afterAll(() => store?.close());

  const ticket = async (mode: string, playerIds: string[], enqueuedAt = NOW, partyId: string | null = null) => {
    const id = crypto.randomUUID();
    await repo.insertTicket({ id, mode, region: "eu", partyId, leaderId: playerIds[0]!, enqueuedAt, playerIds });
    return id;
  };
  const players = (n: number) => Promise.all(Array.from({ length: n }, () => createAccount(db)));
  const matchOf = (mode: string, playerIds: string[], createdAt = NOW): NewMatch => ({
    id: crypto.randomUUID(),
    mode,
    region: "eu",
    quality: 0.5,
    createdAt,
    participants: playerIds.map((accountId, i) => ({ accountId, team: i % 2, partyId: null, waitSeconds: i, mu: 25, sigma: 8 })),
  });
  /** Two solo tickets claimed into a pending match. */
  const pendingMatch = async (mode = name("m"), createdAt = NOW) => {
    const [a, b] = await players(2);
    const tickets = [await ticket(mode, [a!.id]), await ticket(mode, [b!.id], at(1))];
    const match = matchOf(mode, [a!.id, b!.id], createdAt);
    expect(await repo.claim(match, tickets)).toBe(true);
    return { match, tickets, a: a!, b: b! };
  };

  test("a ticket is found by each of its players and by its party", async () => {
    const mode = name("m");
    const [leader, member] = await players(2);
    const partyId = crypto.randomUUID();
    const id = await ticket(mode, [leader!.id, member!.id], NOW, partyId);
    const expected = { id, mode, region: "eu", partyId, leaderId: leader!.id, status: "WAITING", enqueuedAt: NOW, matchId: null };
    const found = await repo.ticketOf(member!.id);
    expect(found).toMatchObject(expected);
    expect(found!.playerIds.sort()).toEqual([leader!.id, member!.id].sort());
    expect(await repo.ticketOf(leader!.id)).toMatchObject({ id });
    expect(await repo.ticketOfParty(partyId)).toMatchObject(expected);
    expect(await repo.ticketOfParty(crypto.randomUUID())).toBeNull();
  });

  test("a player is on one ticket at most: a second ticket is refused whole, and of two at once one wins", async () => {
    const mode = name("m");
    const [a, b, c] = await players(3);
    await ticket(mode, [a!.id]);
    const refused = crypto.randomUUID();
    const err = await repo.insertTicket({ id: refused, mode, region: "eu", partyId: null, leaderId: b!.id, enqueuedAt: NOW, playerIds: [b!.id, a!.id] }).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(await repo.ticketOf(b!.id)).toBeNull();
    expect((await repo.waiting(mode)).map((t) => t.playerIds)).toEqual([[a!.id]]);

    const results = await Promise.allSettled([1, 2, 3, 4].map(() => ticket(mode, [c!.id])));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(isUniqueViolation(r.reason)).toBe(true);
  });

  test("waiting lists a mode's waiting tickets oldest first; cancelWaiting removes a waiting ticket once", async () => {
    const mode = name("m");
    const [a, b, c] = await players(3);
    const late = await ticket(mode, [a!.id], at(5));
    const early = await ticket(mode, [b!.id], at(1));
    await ticket(name("other"), [c!.id], at(0));
    expect((await repo.waiting(mode)).map((t) => t.id)).toEqual([early, late]);
    expect(await repo.cancelWaiting(early)).toMatchObject({ id: early, playerIds: [b!.id] });
    expect(await repo.cancelWaiting(early)).toBeNull();
    expect(await repo.ticketOf(b!.id)).toBeNull();
    expect((await repo.waiting(mode)).map((t) => t.id)).toEqual([late]);
  });

  test("claim marks every ticket matched and writes the pending match with its participants", async () => {
    const { match, tickets, a, b } = await pendingMatch();
    expect(await repo.ticketOf(a.id)).toMatchObject({ id: tickets[0], status: "MATCHED", matchId: match.id });
    expect(await repo.waiting(match.mode)).toEqual([]);
    expect(await repo.activeMatchOfAny([b.id])).toBe(match.id);
    expect(await repo.matchPlayers(match.id)).toEqual({ mode: match.mode, players: expect.arrayContaining([{ accountId: a.id, team: 0 }, { accountId: b.id, team: 1 }]) });
    expect(await repo.matchPlayers(crypto.randomUUID())).toBeNull();
    const row = await db.prisma.match.findUnique({ where: { id: match.id }, select: { status: true, quality: true } });
    expect(row).toEqual({ status: "PENDING", quality: 0.5 });
  });

  test("a claim with a ticket no longer waiting writes nothing", async () => {
    const mode = name("m");
    const [a, b] = await players(2);
    const [ta, tb] = [await ticket(mode, [a!.id]), await ticket(mode, [b!.id])];
    await repo.cancelWaiting(tb);
    const match = matchOf(mode, [a!.id, b!.id]);
    expect(await repo.claim(match, [ta, tb])).toBe(false);
    expect(await repo.ticketOf(a!.id)).toMatchObject({ status: "WAITING", matchId: null });
    expect(await db.prisma.match.findUnique({ where: { id: match.id } })).toBeNull();
    expect(await repo.activeMatchOfAny([a!.id, b!.id])).toBeNull();
  });

  test("two concurrent claims sharing a ticket: exactly one wins and nobody is placed twice", async () => {
    const mode = name("m");
    const [a, b, c] = await players(3);
    const [ta, tb, tc] = [await ticket(mode, [a!.id]), await ticket(mode, [b!.id]), await ticket(mode, [c!.id])];
    const first = matchOf(mode, [a!.id, b!.id]);
    const second = matchOf(mode, [b!.id, c!.id]);
    const results = await Promise.all([repo.claim(first, [ta, tb]), repo.claim(second, [tb, tc])]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const seats = await db.prisma.matchParticipant.findMany({ where: { accountId: b!.id }, select: { matchId: true } });
    expect(seats).toHaveLength(1);
    const loser = results[0] ? { match: second, only: c! } : { match: first, only: a! };
    expect(await db.prisma.match.count({ where: { id: loser.match.id } })).toBe(0);
    expect(await repo.ticketOf(loser.only.id)).toMatchObject({ status: "WAITING", matchId: null });
  });

  test("activate starts a pending match once and deletes its tickets", async () => {
    const { match, a, b } = await pendingMatch();
    expect(await repo.activate(match.id, at(10))).toBe(true);
    expect(await repo.activate(match.id, at(11))).toBe(false);
    expect(await db.prisma.match.findUnique({ where: { id: match.id }, select: { status: true, startedAt: true } })).toEqual({ status: "ACTIVE", startedAt: at(10) });
    expect(await repo.ticketOf(a.id)).toBeNull();
    expect(await repo.activeMatchOfAny([a.id, b.id])).toBe(match.id);
    expect(await repo.cancelPending(match.id, [], at(12), "late")).toBeNull();
  });

  test("cancelPending drops the no-shows' tickets and requeues the others with their enqueue time", async () => {
    const { match, tickets, a, b } = await pendingMatch();
    const out = await repo.cancelPending(match.id, [b.id], at(30), "join_deadline");
    expect(out).toEqual({
      requeued: [expect.objectContaining({ id: tickets[0], playerIds: [a.id] })],
      dropped: [expect.objectContaining({ id: tickets[1], playerIds: [b.id] })],
      unticketed: [],
    });
    expect(await repo.ticketOf(a.id)).toMatchObject({ status: "WAITING", matchId: null, enqueuedAt: NOW });
    expect(await repo.ticketOf(b.id)).toBeNull();
    expect((await repo.waiting(match.mode)).map((t) => t.id)).toEqual([tickets[0]]);
    expect(await db.prisma.match.findUnique({ where: { id: match.id }, select: { status: true, finishedAt: true, endReason: true } })).toEqual({
      status: "CANCELLED",
      finishedAt: at(30),
      endReason: "join_deadline",
    });
    expect(await repo.activeMatchOfAny([a.id, b.id])).toBeNull();
    expect(await repo.cancelPending(match.id, [], at(31), "again")).toBeNull();
    expect(await repo.activate(match.id, at(32))).toBe(false);
  });

  test("hostedBy lists a process's pending and active matches; abandonActive ends only an active one", async () => {
    const host = name("host-");
    const pending = await pendingMatch();
    const active = await pendingMatch();
    const done = await pendingMatch();
    for (const m of [pending, active, done]) await repo.setHost(m.match.id, name("room"), host);
    await repo.activate(active.match.id, at(1));
    await repo.cancelPending(done.match.id, [], at(1), "x");
    const hosted = await repo.hostedBy(host);
    expect(hosted.map((m) => [m.id, m.status]).sort()).toEqual(
      [
        [pending.match.id, "PENDING"],
        [active.match.id, "ACTIVE"],
      ].sort(),
    );
    expect(hosted.find((m) => m.id === active.match.id)!.playerIds.sort()).toEqual([active.a.id, active.b.id].sort());
    expect(await repo.hostedBy(name("nobody"))).toEqual([]);

    expect(await repo.abandonActive(pending.match.id, at(2), "host_lost")).toBe(false);
    expect(await repo.abandonActive(active.match.id, at(2), "host_lost")).toBe(true);
    expect(await repo.abandonActive(active.match.id, at(3), "host_lost")).toBe(false);
    expect(await db.prisma.match.findUnique({ where: { id: active.match.id }, select: { status: true, endReason: true } })).toEqual({ status: "CANCELLED", endReason: "host_lost" });
    expect((await repo.hostedBy(host)).map((m) => m.id)).toEqual([pending.match.id]);
  });

  test("stalePending lists pending matches formed before a time", async () => {
    const old = new Date("2021-01-01T00:00:00.000Z");
    const stale = await pendingMatch(name("m"), old);
    const fresh = await pendingMatch(name("m"), new Date(old.getTime() + 60 * SECOND));
    const startedOld = await pendingMatch(name("m"), old);
    await repo.activate(startedOld.match.id, NOW);
    const found = await repo.stalePending(new Date(old.getTime() + 30 * SECOND));
    const ids = found.map((m) => m.id);
    expect(ids).toContain(stale.match.id);
    expect(ids).not.toContain(fresh.match.id);
    expect(ids).not.toContain(startedOld.match.id);
    expect(found.find((m) => m.id === stale.match.id)!.playerIds.sort()).toEqual([stale.a.id, stale.b.id].sort());
  });

  test("a lease is taken when free or expired, renewed by its holder, refused to others meanwhile", async () => {
    const queue = name("queue:");
    expect(await repo.leaseHolder(queue)).toBeNull();
    expect(await repo.tryLease(queue, "p1", NOW, at(10))).toBe(true);
    expect(await repo.tryLease(queue, "p2", at(5), at(15))).toBe(false);
    expect(await repo.tryLease(queue, "p1", at(5), at(15))).toBe(true);
    expect(await repo.leaseHolder(queue)).toEqual({ owner: "p1", expiresAt: at(15) });
    expect(await repo.tryLease(queue, "p2", at(14), at(24))).toBe(false);
    expect(await repo.tryLease(queue, "p2", at(15), at(25))).toBe(true);
    expect(await repo.leaseHolder(queue)).toEqual({ owner: "p2", expiresAt: at(25) });
    await repo.releaseLeases("p1");
    expect(await repo.leaseHolder(queue)).toMatchObject({ owner: "p2" });
    await repo.releaseLeases("p2");
    expect(await repo.leaseHolder(queue)).toBeNull();
  });

  test("of many processes taking a free lease at once, exactly one holds it", async () => {
    const queue = name("queue:");
    const owners = ["a", "b", "c", "d", "e", "f"].map((o) => name(o));
    const won = await Promise.all(owners.map((o) => repo.tryLease(queue, o, NOW, at(10))));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await repo.leaseHolder(queue)).toEqual({ owner: owners[won.indexOf(true)], expiresAt: at(10) });
  });

  test("blocksAmong, waitingCounts and windowStats", async () => {
    const [a, b, c] = await players(3);
    await db.prisma.friendEdge.create({ data: { accountId: a!.id, otherId: b!.id, state: "BLOCKED", createdAt: NOW, updatedAt: NOW } });
    await db.prisma.friendEdge.create({ data: { accountId: a!.id, otherId: c!.id, state: "FRIEND", createdAt: NOW, updatedAt: NOW } });
    expect(await repo.blocksAmong([a!.id, b!.id, c!.id])).toEqual([{ accountId: a!.id, otherId: b!.id }]);
    expect(await repo.blocksAmong([a!.id, c!.id])).toEqual([]);
    expect(await repo.blocksAmong([])).toEqual([]);

    const mode = name("m");
    await ticket(mode, [a!.id, b!.id]);
    await ticket(mode, [c!.id]);
    expect((await repo.waitingCounts()).filter((q) => q.mode === mode)).toEqual([{ mode, region: "eu", tickets: 2, players: 3 }]);

    const since = new Date("2031-01-01T00:00:00.000Z");
    expect(await repo.windowStats(since)).toEqual({ matches: 0, p50: null, p95: null, quality: null });
    await pendingMatch(name("m"), since);
    // Waits 0 and 1 second (matchOf), quality 0.5.
    expect(await repo.windowStats(since)).toEqual({ matches: 1, p50: 0.5, p95: 0.95, quality: 0.5 });
  });
});
