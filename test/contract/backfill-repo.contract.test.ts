import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import type { MatchStatus } from "../../server/db/generated/enums";
import { BackfillRepo, type BackfillPick } from "../../server/modules/matchmaking/backfill.repo";
import { insertMatch } from "../helpers/matches";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * BackfillRepo on PostgreSQL and on the embedded PGlite store: a leaver's seat (match_backfills)
 * from OPEN through FILLED to JOINED or CANCELLED, and the match-record and ticket writes that go
 * with each step (left_at, the newcomer's participant row with backfill_for and joined_at, the
 * ticket MATCHED, deleted or waiting again).
 *
 * PGlite runs every transaction exclusively, so the concurrency tests pass there by construction;
 * on PostgreSQL they exercise the conditional updates and the row locks. Every test uses its own
 * mode (open(mode) reads across the database).
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const name = (prefix: string) => `${prefix}${crypto.randomBytes(4).toString("hex")}`;

describe.each(DATABASE_STORES)("BackfillRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: BackfillRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new BackfillRepo(db.prisma);
  });
  afterAll(() => store?.close());

  const players = (n: number) => Promise.all(Array.from({ length: n }, () => createAccount(db)));

  /** A 2v2 match (a0, a1 against b0, b1) in `mode`, with each player's rating before it. */
  const match = async (mode: string, opts: { status?: MatchStatus; region?: string; roomId?: string } = {}) => {
    const [a0, a1, b0, b1] = (await players(4)).map((p) => p.id) as [string, string, string, string];
    const before = new Map([
      [a0, { mu: 31, sigma: 4 }],
      [a1, { mu: 22, sigma: 5 }],
      [b0, { mu: 27, sigma: 6 }],
      [b1, { mu: 19, sigma: 7 }],
    ]);
    const id = await insertMatch(db.prisma, { teams: [[a0, a1], [b0, b1]], mode, status: opts.status ?? "ACTIVE", region: opts.region ?? "eu", before });
    if (opts.roomId) await db.prisma.match.update({ where: { id }, data: { roomId: opts.roomId } });
    return { id, mode, a0, a1, b0, b1, all: [a0, a1, b0, b1] };
  };
  type TestMatch = Awaited<ReturnType<typeof match>>;

  /** A solo waiting ticket for a new player (or `accountId`). */
  const ticket = async (mode: string, accountId?: string, enqueuedAt = NOW) => {
    const player = accountId ?? (await createAccount(db)).id;
    const id = crypto.randomUUID();
    await db.prisma.matchTicket.create({
      data: { id, mode, region: "eu", partyId: null, leaderId: player, status: "WAITING", enqueuedAt, players: { create: [{ accountId: player }] } },
    });
    return { ticketId: id, accountId: player };
  };

  /** `leaver` leaves `m` for good and their seat is offered; returns the request id. */
  const openSeat = async (m: TestMatch, leaver: string, team: number, when = at(5)) => {
    const id = crypto.randomUUID();
    expect(await repo.playerLeft(m.id, leaver, when, { id, team })).toBe(true);
    return id;
  };

  const pickOf = (m: TestMatch, requestId: string, t: { ticketId: string; accountId: string }, replaces: string, team: number): BackfillPick => ({
    requestId,
    matchId: m.id,
    ticketId: t.ticketId,
    accountId: t.accountId,
    team,
    replaces,
    waitSeconds: 7.5,
    mu: 26.5,
    sigma: 3.25,
    at: at(10),
  });

  const seatRow = (id: string) =>
    db.prisma.matchBackfill.findUnique({ where: { id }, select: { matchId: true, team: true, replaces: true, status: true, accountId: true, createdAt: true, filledAt: true } });
  const ticketRow = (id: string) => db.prisma.matchTicket.findUnique({ where: { id }, select: { status: true, matchId: true, enqueuedAt: true } });
  const participant = (matchId: string, accountId: string) =>
    db.prisma.matchParticipant.findUnique({
      where: { matchId_accountId: { matchId, accountId } },
      select: { team: true, partyId: true, waitSeconds: true, muBefore: true, sigmaBefore: true, backfillFor: true, joinedAt: true, leftAt: true },
    });
  const participantIds = async (matchId: string) =>
    (await db.prisma.matchParticipant.findMany({ where: { matchId }, select: { accountId: true } })).map((p) => p.accountId).sort();

  describe("playerLeft", () => {
    test("records left_at and, with an offer, opens the leaver's seat on their team", async () => {
      const m = await match(name("m"));
      const requestId = crypto.randomUUID();
      expect(await repo.playerLeft(m.id, m.a0, at(5), { id: requestId, team: 0 })).toBe(true);
      expect(await participant(m.id, m.a0)).toMatchObject({ leftAt: at(5), backfillFor: null });
      expect(await seatRow(requestId)).toEqual({ matchId: m.id, team: 0, replaces: m.a0, status: "OPEN", accountId: null, createdAt: at(5), filledAt: null });
      for (const other of [m.a1, m.b0, m.b1]) expect((await participant(m.id, other))!.leftAt).toBeNull();
    });

    test("without an offer it records left_at only", async () => {
      const m = await match(name("m"));
      expect(await repo.playerLeft(m.id, m.b1, at(6), null)).toBe(true);
      expect((await participant(m.id, m.b1))!.leftAt).toEqual(at(6));
      expect(await db.prisma.matchBackfill.count({ where: { matchId: m.id } })).toBe(0);
    });

    test("a second leave of the same player is refused and writes nothing", async () => {
      const m = await match(name("m"));
      const first = await openSeat(m, m.a0, 0, at(5));
      const second = crypto.randomUUID();
      expect(await repo.playerLeft(m.id, m.a0, at(9), { id: second, team: 0 })).toBe(false);
      expect(await repo.playerLeft(m.id, m.a0, at(9), null)).toBe(false);
      expect((await participant(m.id, m.a0))!.leftAt).toEqual(at(5));
      expect(await seatRow(second)).toBeNull();
      expect((await db.prisma.matchBackfill.findMany({ where: { matchId: m.id }, select: { id: true } })).map((r) => r.id)).toEqual([first]);
    });

    test.each<MatchStatus>(["PENDING", "FINISHED", "CANCELLED"])("a %s match is refused and nothing is written", async (status) => {
      const m = await match(name("m"), { status });
      const requestId = crypto.randomUUID();
      expect(await repo.playerLeft(m.id, m.a0, at(5), { id: requestId, team: 0 })).toBe(false);
      expect((await participant(m.id, m.a0))!.leftAt).toBeNull();
      expect(await seatRow(requestId)).toBeNull();
    });

    test("a player who is not on the match's record is refused", async () => {
      const m = await match(name("m"));
      const [stranger] = await players(1);
      const requestId = crypto.randomUUID();
      expect(await repo.playerLeft(m.id, stranger!.id, at(5), { id: requestId, team: 0 })).toBe(false);
      expect(await repo.playerLeft(crypto.randomUUID(), m.a0, at(5), null)).toBe(false);
      expect(await seatRow(requestId)).toBeNull();
      expect((await participant(m.id, m.a0))!.leftAt).toBeNull();
    });
  });

  describe("open", () => {
    test("lists the mode's OPEN seats of ACTIVE matches, oldest first, with the leaver's rating and everyone on the record", async () => {
      const mode = name("m");
      const first = await match(mode, { roomId: "room-first" });
      const second = await match(mode, { region: "na" });
      const late = await openSeat(first, first.a0, 0, at(10));
      const early = await openSeat(second, second.b1, 1, at(2));
      const seats = await repo.open(mode);
      expect(seats.map((s) => s.id)).toEqual([early, late]);
      expect(seats[0]).toEqual({
        id: early,
        matchId: second.id,
        roomId: null,
        region: "na",
        team: 1,
        replaces: second.b1,
        createdAt: at(2),
        seat: { mu: 19, sigma: 7 },
        playerIds: expect.any(Array),
      });
      expect([...seats[0]!.playerIds].sort()).toEqual([...second.all].sort());
      expect(seats[1]).toMatchObject({ id: late, matchId: first.id, roomId: "room-first", region: "eu", team: 0, replaces: first.a0, createdAt: at(10), seat: { mu: 31, sigma: 4 } });
      expect([...seats[1]!.playerIds].sort()).toEqual([...first.all].sort());
    });

    test("seats opened at the same time are ordered by id", async () => {
      const mode = name("m");
      const m = await match(mode);
      const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      expect(await repo.playerLeft(m.id, m.a0, at(3), { id: ids[0]!, team: 0 })).toBe(true);
      expect(await repo.playerLeft(m.id, m.b0, at(3), { id: ids[1]!, team: 1 })).toBe(true);
      expect(await repo.playerLeft(m.id, m.a1, at(3), { id: ids[2]!, team: 0 })).toBe(true);
      expect((await repo.open(mode)).map((s) => s.id)).toEqual([...ids].sort());
    });

    test("leaves out other modes, matches no longer being played, and seats not OPEN", async () => {
      const mode = name("m");
      const listed = await match(mode);
      const shown = await openSeat(listed, listed.a0, 0, at(1));

      const otherMode = await match(name("other"));
      await openSeat(otherMode, otherMode.a0, 0, at(1));

      const ended = await match(mode);
      await openSeat(ended, ended.a0, 0, at(1));
      await db.prisma.match.update({ where: { id: ended.id }, data: { status: "FINISHED", finishedAt: at(4) } });

      const rest = await match(mode);
      const filled = await openSeat(rest, rest.a0, 0, at(1));
      const cancelled = await openSeat(rest, rest.a1, 0, at(1));
      const joined = await openSeat(rest, rest.b0, 1, at(1));
      await db.prisma.matchBackfill.update({ where: { id: filled }, data: { status: "FILLED", accountId: (await createAccount(db)).id } });
      await db.prisma.matchBackfill.update({ where: { id: cancelled }, data: { status: "CANCELLED" } });
      await db.prisma.matchBackfill.update({ where: { id: joined }, data: { status: "JOINED", accountId: (await createAccount(db)).id } });

      expect((await repo.open(mode)).map((s) => s.id)).toEqual([shown]);
      expect(await repo.open(name("empty"))).toEqual([]);
    });
  });

  describe("claim", () => {
    test("fills the seat, matches the ticket to the match and writes the newcomer's participant row", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode, undefined, at(-30));
      expect(await repo.claim(pickOf(m, requestId, t, m.a0, 0))).toBe(true);
      expect(await seatRow(requestId)).toMatchObject({ status: "FILLED", accountId: t.accountId, filledAt: at(10) });
      expect(await ticketRow(t.ticketId)).toEqual({ status: "MATCHED", matchId: m.id, enqueuedAt: at(-30) });
      expect(await participant(m.id, t.accountId)).toEqual({
        team: 0,
        partyId: null,
        waitSeconds: 7.5,
        muBefore: 26.5,
        sigmaBefore: 3.25,
        backfillFor: m.a0,
        joinedAt: null,
        leftAt: null,
      });
      expect(await repo.open(m.mode)).toEqual([]);
    });

    test("the picked player is on the record of the match's other seats", async () => {
      const m = await match(name("m"));
      const first = await openSeat(m, m.a0, 0, at(1));
      const t = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, first, t, m.a0, 0))).toBe(true);
      await openSeat(m, m.b0, 1, at(2));
      const [other] = await repo.open(m.mode);
      expect([...other!.playerIds].sort()).toEqual([...m.all, t.accountId].sort());
    });

    test("a seat that is not OPEN is not claimed and nothing is written", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const winner = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, requestId, winner, m.a0, 0))).toBe(true);
      const late = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, requestId, late, m.a0, 0))).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "FILLED", accountId: winner.accountId });
      expect(await ticketRow(late.ticketId)).toMatchObject({ status: "WAITING", matchId: null });
      expect(await participant(m.id, late.accountId)).toBeNull();

      const cancelled = await openSeat(m, m.b0, 1);
      await db.prisma.matchBackfill.update({ where: { id: cancelled }, data: { status: "CANCELLED" } });
      expect(await repo.claim(pickOf(m, cancelled, late, m.b0, 1))).toBe(false);
      expect(await repo.claim(pickOf(m, crypto.randomUUID(), late, m.b0, 1))).toBe(false);
      expect(await seatRow(cancelled)).toMatchObject({ status: "CANCELLED", accountId: null });
      expect(await ticketRow(late.ticketId)).toMatchObject({ status: "WAITING", matchId: null });
      expect(await participant(m.id, late.accountId)).toBeNull();
    });

    test("a ticket that is not WAITING (matched elsewhere, or gone) is not claimed: the seat stays OPEN", async () => {
      const m = await match(name("m"));
      const elsewhere = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode);
      await db.prisma.matchTicket.update({ where: { id: t.ticketId }, data: { status: "MATCHED", matchId: elsewhere.id } });
      expect(await repo.claim(pickOf(m, requestId, t, m.a0, 0))).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "OPEN", accountId: null, filledAt: null });
      expect(await ticketRow(t.ticketId)).toMatchObject({ status: "MATCHED", matchId: elsewhere.id });
      expect(await participant(m.id, t.accountId)).toBeNull();

      const [ghost] = await players(1);
      expect(await repo.claim(pickOf(m, requestId, { ticketId: crypto.randomUUID(), accountId: ghost!.id }, m.a0, 0))).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "OPEN", accountId: null, filledAt: null });
      expect(await participant(m.id, ghost!.id)).toBeNull();
      expect((await repo.open(m.mode)).map((s) => s.id)).toEqual([requestId]);
    });

    test("a player already on the match's record (the leaver queued again) is not claimed and nothing is written", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const again = await ticket(m.mode, m.a0);
      expect(await repo.claim(pickOf(m, requestId, again, m.a0, 0))).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "OPEN", accountId: null, filledAt: null });
      expect(await ticketRow(again.ticketId)).toMatchObject({ status: "WAITING", matchId: null });
      expect(await participant(m.id, m.a0)).toMatchObject({ backfillFor: null, leftAt: at(5), muBefore: 31 });
    });

    test("claims racing for one seat: exactly one wins, the others' tickets keep waiting", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const tickets = await Promise.all([1, 2, 3, 4].map(() => ticket(m.mode)));
      const results = await Promise.all(tickets.map((t) => repo.claim(pickOf(m, requestId, t, m.a0, 0))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = tickets[results.indexOf(true)]!;
      expect(await seatRow(requestId)).toMatchObject({ status: "FILLED", accountId: winner.accountId });
      for (const t of tickets.filter((x) => x !== winner)) {
        expect(await ticketRow(t.ticketId)).toMatchObject({ status: "WAITING", matchId: null });
        expect(await participant(m.id, t.accountId)).toBeNull();
      }
      expect(await participantIds(m.id)).toEqual([...m.all, winner.accountId].sort());
    });

    test("one ticket claimed for two seats at once: one seat is filled, the other stays OPEN", async () => {
      const m = await match(name("m"));
      const seats = [await openSeat(m, m.a0, 0), await openSeat(m, m.b0, 1)];
      const t = await ticket(m.mode);
      const results = await Promise.all([repo.claim(pickOf(m, seats[0]!, t, m.a0, 0)), repo.claim(pickOf(m, seats[1]!, t, m.b0, 1))]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [won, lost] = results[0] ? [seats[0]!, seats[1]!] : [seats[1]!, seats[0]!];
      expect(await seatRow(won)).toMatchObject({ status: "FILLED", accountId: t.accountId });
      expect(await seatRow(lost)).toMatchObject({ status: "OPEN", accountId: null, filledAt: null });
      expect((await repo.open(m.mode)).map((s) => s.id)).toEqual([lost]);
    });
  });

  describe("release", () => {
    test("refused for good: the ticket waits again with its enqueue time, the participant row goes and the seat is cancelled", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode, undefined, at(-40));
      const pick = pickOf(m, requestId, t, m.a0, 0);
      expect(await repo.claim(pick)).toBe(true);
      await repo.release(pick, false);
      expect(await ticketRow(t.ticketId)).toEqual({ status: "WAITING", matchId: null, enqueuedAt: at(-40) });
      expect(await participant(m.id, t.accountId)).toBeNull();
      expect(await seatRow(requestId)).toMatchObject({ status: "CANCELLED" });
      expect(await repo.open(m.mode)).toEqual([]);
      // The leaver's record is untouched.
      expect(await participantIds(m.id)).toEqual([...m.all].sort());
      expect((await participant(m.id, m.a0))!.leftAt).toEqual(at(5));
    });
  });

  describe("release to retry", () => {
    test("the room was busy or did not answer: the ticket waits again and the seat is offered again", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode, undefined, at(-40));
      const pick = pickOf(m, requestId, t, m.a0, 0);
      expect(await repo.claim(pick)).toBe(true);
      await repo.release(pick, true);
      expect(await ticketRow(t.ticketId)).toEqual({ status: "WAITING", matchId: null, enqueuedAt: at(-40) });
      expect(await participant(m.id, t.accountId)).toBeNull();
      expect(await seatRow(requestId)).toMatchObject({ status: "OPEN", accountId: null, filledAt: null });
      expect((await repo.open(m.mode)).map((s) => s.id)).toEqual([requestId]);
    });
  });

  describe("joined", () => {
    test("marks the seat JOINED, sets joined_at and deletes the player's ticket", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, requestId, t, m.a0, 0))).toBe(true);
      expect(await repo.joined(requestId, m.id, t.accountId, at(12))).toBe(true);
      expect(await seatRow(requestId)).toMatchObject({ status: "JOINED", accountId: t.accountId });
      expect(await participant(m.id, t.accountId)).toMatchObject({ joinedAt: at(12), backfillFor: m.a0, leftAt: null });
      expect(await ticketRow(t.ticketId)).toBeNull();
      expect(await db.prisma.matchTicketPlayer.count({ where: { accountId: t.accountId } })).toBe(0);
      // Once joined, it is no longer theirs to join again.
      expect(await repo.joined(requestId, m.id, t.accountId, at(20))).toBe(false);
      expect((await participant(m.id, t.accountId))!.joinedAt).toEqual(at(12));
    });

    test("refused when the seat is not FILLED by that account: nothing changes", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode);
      const [stranger] = await players(1);
      expect(await repo.joined(requestId, m.id, t.accountId, at(12))).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "OPEN", accountId: null });

      expect(await repo.claim(pickOf(m, requestId, t, m.a0, 0))).toBe(true);
      expect(await repo.joined(requestId, m.id, stranger!.id, at(12))).toBe(false);
      expect(await repo.joined(crypto.randomUUID(), m.id, t.accountId, at(12))).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "FILLED", accountId: t.accountId });
      expect((await participant(m.id, t.accountId))!.joinedAt).toBeNull();
      expect(await ticketRow(t.ticketId)).toMatchObject({ status: "MATCHED", matchId: m.id });
    });
  });

  describe("noShow", () => {
    test("reopens the seat for someone else and deletes the no-show's participant row and ticket", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0, at(5));
      const t = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, requestId, t, m.a0, 0))).toBe(true);
      expect(await repo.noShow(requestId, m.id, t.accountId)).toBe(true);
      expect(await seatRow(requestId)).toEqual({ matchId: m.id, team: 0, replaces: m.a0, status: "OPEN", accountId: null, createdAt: at(5), filledAt: null });
      expect(await participant(m.id, t.accountId)).toBeNull();
      expect(await ticketRow(t.ticketId)).toBeNull();
      expect(await db.prisma.matchTicketPlayer.count({ where: { accountId: t.accountId } })).toBe(0);
      expect((await repo.open(m.mode)).map((s) => s.id)).toEqual([requestId]);

      const next = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, requestId, next, m.a0, 0))).toBe(true);
      expect(await seatRow(requestId)).toMatchObject({ status: "FILLED", accountId: next.accountId });
    });

    test("refused when the seat is not FILLED by that account: nothing changes", async () => {
      const m = await match(name("m"));
      const requestId = await openSeat(m, m.a0, 0);
      const t = await ticket(m.mode);
      const [stranger] = await players(1);
      expect(await repo.claim(pickOf(m, requestId, t, m.a0, 0))).toBe(true);
      expect(await repo.noShow(requestId, m.id, stranger!.id)).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "FILLED", accountId: t.accountId });
      expect(await participant(m.id, t.accountId)).not.toBeNull();
      expect(await ticketRow(t.ticketId)).toMatchObject({ status: "MATCHED", matchId: m.id });

      expect(await repo.joined(requestId, m.id, t.accountId, at(12))).toBe(true);
      expect(await repo.noShow(requestId, m.id, t.accountId)).toBe(false);
      expect(await seatRow(requestId)).toMatchObject({ status: "JOINED", accountId: t.accountId });
      expect(await participant(m.id, t.accountId)).toMatchObject({ joinedAt: at(12) });
    });
  });

  describe("close", () => {
    test("cancels OPEN and FILLED seats, requeues the FILLED picks and removes their rows; JOINED seats stay", async () => {
      const m = await match(name("m"));
      const open1 = await openSeat(m, m.a0, 0, at(1));
      const filled = await openSeat(m, m.a1, 0, at(2));
      const joined = await openSeat(m, m.b0, 1, at(3));
      const pick = await ticket(m.mode, undefined, at(-20));
      const newcomer = await ticket(m.mode);
      expect(await repo.claim(pickOf(m, filled, pick, m.a1, 0))).toBe(true);
      expect(await repo.claim(pickOf(m, joined, newcomer, m.b0, 1))).toBe(true);
      expect(await repo.joined(joined, m.id, newcomer.accountId, at(11))).toBe(true);

      const requeued = await repo.close(m.id);
      expect(requeued).toHaveLength(1);
      expect(requeued[0]).toMatchObject({ id: pick.ticketId, mode: m.mode, region: "eu", partyId: null, leaderId: pick.accountId, playerIds: [pick.accountId], enqueuedAt: at(-20) });

      expect(await seatRow(open1)).toMatchObject({ status: "CANCELLED" });
      expect(await seatRow(filled)).toMatchObject({ status: "CANCELLED" });
      expect(await seatRow(joined)).toMatchObject({ status: "JOINED", accountId: newcomer.accountId });
      expect(await ticketRow(pick.ticketId)).toEqual({ status: "WAITING", matchId: null, enqueuedAt: at(-20) });
      expect(await participant(m.id, pick.accountId)).toBeNull();
      expect(await participant(m.id, newcomer.accountId)).toMatchObject({ joinedAt: at(11), backfillFor: m.b0 });
      expect(await participantIds(m.id)).toEqual([...m.all, newcomer.accountId].sort());
      expect(await repo.open(m.mode)).toEqual([]);

      // Nothing is left to close.
      expect(await repo.close(m.id)).toEqual([]);
    });

    test("with only OPEN seats it cancels them and requeues nobody; other matches are untouched", async () => {
      const mode = name("m");
      const m = await match(mode);
      const other = await match(mode);
      const seat = await openSeat(m, m.a0, 0);
      const kept = await openSeat(other, other.a0, 0);
      const otherPick = await ticket(mode);
      const otherFilled = await openSeat(other, other.b0, 1);
      expect(await repo.claim(pickOf(other, otherFilled, otherPick, other.b0, 1))).toBe(true);

      expect(await repo.close(m.id)).toEqual([]);
      expect(await seatRow(seat)).toMatchObject({ status: "CANCELLED" });
      expect(await seatRow(kept)).toMatchObject({ status: "OPEN" });
      expect(await seatRow(otherFilled)).toMatchObject({ status: "FILLED", accountId: otherPick.accountId });
      expect(await ticketRow(otherPick.ticketId)).toMatchObject({ status: "MATCHED", matchId: other.id });
      expect((await repo.open(mode)).map((s) => s.id)).toEqual([kept]);
      expect(await repo.close(crypto.randomUUID())).toEqual([]);
    });

    test("a claim racing the close: the pick never stays placed in the closed match", async () => {
      for (let round = 0; round < 4; round++) {
        const m = await match(name("m"));
        const requestId = await openSeat(m, m.a0, 0);
        const t = await ticket(m.mode);
        const [claimed, requeued] = await Promise.all([repo.claim(pickOf(m, requestId, t, m.a0, 0)), repo.close(m.id)]);
        expect(await seatRow(requestId)).toMatchObject({ status: "CANCELLED" });
        expect(await ticketRow(t.ticketId)).toMatchObject({ status: "WAITING", matchId: null });
        expect(await participant(m.id, t.accountId)).toBeNull();
        // Claimed first: the close requeued it; otherwise the claim lost and there was nothing to requeue.
        expect(requeued.map((r) => r.id)).toEqual(claimed ? [t.ticketId] : []);
      }
    });
  });
});
