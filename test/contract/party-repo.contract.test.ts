import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { PartyRepo } from "../../server/modules/parties/party.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * PartyRepo on PostgreSQL and on the embedded PGlite store: parties and their members, invites
 * with expiry, and the party transaction that serialises every change and bumps the version.
 *
 * PGlite runs every transaction exclusively (one at a time for the whole database), so the
 * serialisation tests pass there by construction; on PostgreSQL they exercise the party row lock.
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const MINUTE = 60_000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);

describe.each(DATABASE_STORES)("PartyRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: PartyRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new PartyRepo(db.prisma, db.sql);
  });
  afterAll(() => store?.close());

  const newParty = async () => {
    const leader = await createAccount(db);
    const id = crypto.randomUUID();
    await repo.create(id, leader.id, NOW);
    return { id, leader };
  };

  test("create makes the leader its only, ready member at version 1", async () => {
    const { id, leader } = await newParty();
    expect(await repo.partyOf(leader.id)).toBe(id);
    expect(await repo.load(id, NOW)).toEqual({
      id,
      leaderId: leader.id,
      version: 1,
      members: [{ accountId: leader.id, username: leader.username, displayName: leader.displayName, ready: true, joinedAt: NOW, joinPolicy: "ask" }],
      invites: [],
      joinRequests: [],
      ticket: null,
      joinCode: null,
    });
    expect(await repo.load(crypto.randomUUID(), NOW)).toBeNull();
    expect(await repo.partyOf(crypto.randomUUID())).toBeNull();
    // A player is in one party at most.
    await expect(repo.create(crypto.randomUUID(), leader.id, NOW)).rejects.toThrow();
    expect(await repo.partyOf(leader.id)).toBe(id);
  });

  test("the transaction bumps the version once per writing call, never for a read or a missing party", async () => {
    const { id, leader } = await newParty();
    const [a, b] = [await createAccount(db), await createAccount(db)];
    const read = await repo.inPartyTransaction(id, NOW, async (tx) => tx.party.members.length);
    expect(read).toEqual({ result: 1, version: 1 });
    const wrote = await repo.inPartyTransaction(id, NOW, async (tx) => {
      await tx.addMember(a.id, at(1));
      await tx.addMember(b.id, at(2));
      await tx.setReady(a.id, true);
      return "ok";
    });
    expect(wrote).toEqual({ result: "ok", version: 2 });
    expect(await repo.inPartyTransaction(id, NOW, (tx) => tx.touch())).toEqual({ result: undefined, version: 3 });
    expect((await repo.load(id, NOW))!.version).toBe(3);
    expect(await repo.partyOf(b.id)).toBe(id);

    const fn = jest.fn(async () => "ran");
    expect(await repo.inPartyTransaction(crypto.randomUUID(), NOW, fn)).toBeNull();
    expect(fn).not.toHaveBeenCalled();
    expect((await repo.load(id, NOW))!.members.map((m) => m.accountId)).toEqual([leader.id, a.id, b.id]);
  });

  test("members oldest first (ties by id); ready, leader and removal are written", async () => {
    const { id, leader } = await newParty();
    const [x, y] = [await createAccount(db), await createAccount(db)];
    await repo.inPartyTransaction(id, NOW, async (tx) => {
      await tx.addMember(y.id, at(1));
      await tx.addMember(x.id, at(1));
    });
    const tied = [x.id, y.id].sort();
    expect((await repo.load(id, NOW))!.members.map((m) => m.accountId)).toEqual([leader.id, ...tied]);
    expect((await repo.load(id, NOW))!.members.find((m) => m.accountId === x.id)).toMatchObject({ ready: false, joinedAt: at(1) });

    await repo.inPartyTransaction(id, NOW, async (tx) => {
      await tx.setReady(x.id, true);
      await tx.setLeader(x.id);
      await tx.removeMember(leader.id);
    });
    const party = (await repo.load(id, NOW))!;
    expect(party).toMatchObject({ leaderId: x.id, version: 3 });
    expect(party.members.map((m) => [m.accountId, m.ready])).toEqual(tied.map((m) => [m, m === x.id]));
    expect(await repo.partyOf(leader.id)).toBeNull();
  });

  test("an error inside the transaction rolls every write back and keeps the version", async () => {
    const { id, leader } = await newParty();
    const other = await newParty();
    const a = await createAccount(db);
    await expect(
      repo.inPartyTransaction(id, NOW, async (tx) => {
        await tx.addMember(a.id, at(1));
        await tx.setLeader(a.id);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    // A player already in another party cannot be added (the member row's key refuses it).
    await expect(repo.inPartyTransaction(id, NOW, (tx) => tx.addMember(other.leader.id, at(1)))).rejects.toThrow();
    expect(await repo.load(id, NOW)).toMatchObject({ leaderId: leader.id, version: 1, members: [{ accountId: leader.id }] });
    expect(await repo.partyOf(a.id)).toBeNull();
    expect(await repo.partyOf(other.leader.id)).toBe(other.id);
  });

  test("disband deletes the party, its members and its invites", async () => {
    const { id, leader } = await newParty();
    const [a, invited] = [await createAccount(db), await createAccount(db)];
    await repo.inPartyTransaction(id, NOW, async (tx) => {
      await tx.addMember(a.id, at(1));
      await tx.upsertInvite(invited.id, leader.id, NOW, at(5));
    });
    expect(await repo.inPartyTransaction(id, NOW, (tx) => tx.disband())).toEqual({ result: undefined, version: 2 });
    expect(await repo.load(id, NOW)).toBeNull();
    expect(await repo.partyOf(leader.id)).toBeNull();
    expect(await repo.partyOf(a.id)).toBeNull();
    expect(await repo.invitesFor(invited.id, NOW)).toEqual([]);
    expect(await repo.inPartyTransaction(id, NOW, async () => "late")).toBeNull();
  });

  test("invites: one per invitee (an upsert renews it), unexpired only, oldest first, with sender and party size", async () => {
    const p1 = await newParty();
    const p2 = await newParty();
    const [to, member] = [await createAccount(db), await createAccount(db)];
    await repo.inPartyTransaction(p2.id, NOW, (tx) => tx.upsertInvite(to.id, p2.leader.id, at(0), at(5)));
    await repo.inPartyTransaction(p1.id, NOW, async (tx) => {
      await tx.addMember(member.id, NOW);
      await tx.upsertInvite(to.id, p1.leader.id, at(1), at(2));
    });
    // Renewed by another member: still one invite, from them, with the new expiry and creation time.
    await repo.inPartyTransaction(p1.id, NOW, (tx) => tx.upsertInvite(to.id, member.id, at(1), at(10)));
    expect(await repo.invitesFor(to.id, at(3))).toEqual([
      { partyId: p2.id, from: { id: p2.leader.id, username: p2.leader.username, displayName: p2.leader.displayName }, expiresAt: at(5), size: 1 },
      { partyId: p1.id, from: { id: member.id, username: member.username, displayName: member.displayName }, expiresAt: at(10), size: 2 },
    ]);
    expect((await repo.load(p1.id, at(3)))!.invites).toEqual([{ toId: to.id, toUsername: to.username, toDisplayName: to.displayName, fromId: member.id, expiresAt: at(10) }]);
    // At its expiry an invite is gone from every read.
    expect((await repo.invitesFor(to.id, at(5))).map((i) => i.partyId)).toEqual([p1.id]);
    expect((await repo.load(p2.id, at(5)))!.invites).toEqual([]);
    expect(await repo.findInvite(p2.id, to.id, at(4))).toEqual({ fromId: p2.leader.id });
    expect(await repo.findInvite(p2.id, to.id, at(5))).toBeNull();
  });

  test("deleting invites: by the party's transaction, directly, and the expired sweep", async () => {
    const { id, leader } = await newParty();
    const [a, b, c] = [await createAccount(db), await createAccount(db), await createAccount(db)];
    await repo.inPartyTransaction(id, NOW, async (tx) => {
      await tx.upsertInvite(a.id, leader.id, NOW, at(1));
      await tx.upsertInvite(b.id, leader.id, NOW, at(2));
      await tx.upsertInvite(c.id, leader.id, NOW, at(60));
    });
    expect(await repo.inPartyTransaction(id, NOW, (tx) => tx.deleteInvite(a.id))).toMatchObject({ version: 3 });
    expect(await repo.findInvite(id, a.id, NOW)).toBeNull();
    expect(await repo.deleteInvite(id, a.id)).toBe(false);
    const before = await db.prisma.partyInvite.count({ where: { expiresAt: { lte: at(2) } } });
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await repo.deleteExpiredInvites(at(2))).toBe(before);
    expect(await repo.findInvite(id, b.id, NOW)).toBeNull();
    expect(await repo.deleteInvite(id, c.id)).toBe(true);
    expect((await repo.load(id, NOW))!.invites).toEqual([]);
  });

  test("join codes: one per party (a new one replaces it), unexpired only, a taken code refused, gone with the party", async () => {
    const [p, q] = [await newParty(), await newParty()];
    const set = (partyId: string, code: string, expires: Date) =>
      repo.inPartyTransaction(partyId, NOW, (tx) => tx.setJoinCode(code, p.leader.id, NOW, expires));
    expect(await set(p.id, "AAAABBBB", at(10))).toEqual({ result: true, version: 2 });
    expect((await repo.load(p.id, NOW))!.joinCode).toEqual({ code: "AAAABBBB", expiresAt: at(10) });
    expect(await repo.partyOfJoinCode("AAAABBBB", NOW)).toBe(p.id);
    // Another party cannot take it, and nothing is written (the version stays).
    expect(await set(q.id, "AAAABBBB", at(10))).toEqual({ result: false, version: 1 });
    // A new code replaces the old.
    expect(await set(p.id, "CCCCDDDD", at(20))).toEqual({ result: true, version: 3 });
    expect(await repo.partyOfJoinCode("AAAABBBB", NOW)).toBeNull();
    expect(await repo.partyOfJoinCode("CCCCDDDD", at(19))).toBe(p.id);
    // Expired: neither found nor shown.
    expect(await repo.partyOfJoinCode("CCCCDDDD", at(20))).toBeNull();
    expect((await repo.load(p.id, at(20)))!.joinCode).toBeNull();
    // Revoked, then the code is free for another party; a disband takes the party's code with it.
    await repo.inPartyTransaction(p.id, NOW, (tx) => tx.deleteJoinCode());
    expect(await repo.partyOfJoinCode("CCCCDDDD", NOW)).toBeNull();
    expect(await set(q.id, "CCCCDDDD", at(10))).toEqual({ result: true, version: 2 });
    await repo.inPartyTransaction(q.id, NOW, (tx) => tx.disband());
    expect(await repo.partyOfJoinCode("CCCCDDDD", NOW)).toBeNull();
    expect(await set(p.id, "CCCCDDDD", at(10))).toMatchObject({ result: true });
  });

  test("join policy: ask by default, saved per account, read with the party's members", async () => {
    const { id, leader } = await newParty();
    expect(await repo.joinPolicy(leader.id)).toBe("ask");
    await repo.setJoinPolicy(leader.id, "friends");
    expect(await repo.joinPolicy(leader.id)).toBe("friends");
    await repo.setJoinPolicy(leader.id, "nobody");
    expect((await repo.load(id, NOW))!.members[0]!.joinPolicy).toBe("nobody");
    const other = await createAccount(db);
    expect(await repo.joinPolicies([leader.id, other.id, crypto.randomUUID()])).toEqual(new Map([[leader.id, "nobody"], [other.id, "ask"]]));
  });

  test("join requests: one per requester (an upsert renews it), unexpired only, oldest first, answered or swept, gone with the party", async () => {
    const { id, leader } = await newParty();
    const [a, b] = await Promise.all([createAccount(db), createAccount(db)]);
    const other = await newParty();
    const ask = (fromId: string, fromPartyId: string | null, createdAt: Date, expiresAt: Date) =>
      repo.inPartyTransaction(id, NOW, (tx) => tx.upsertJoinRequest(fromId, leader.id, fromPartyId, createdAt, expiresAt));
    expect(await ask(a.id, null, at(1), at(3))).toMatchObject({ version: 2 });
    await ask(b.id, other.id, at(2), at(20));
    const requests = (await repo.load(id, NOW))!.joinRequests;
    expect(requests).toEqual([
      { fromId: a.id, fromUsername: a.username, fromDisplayName: a.displayName, viaId: leader.id, viaUsername: leader.username, viaDisplayName: leader.displayName, fromPartyId: null, expiresAt: at(3) },
      { fromId: b.id, fromUsername: b.username, fromDisplayName: b.displayName, viaId: leader.id, viaUsername: leader.username, viaDisplayName: leader.displayName, fromPartyId: other.id, expiresAt: at(20) },
    ]);
    // Expired requests are left out of the view, then swept.
    expect((await repo.load(id, at(5)))!.joinRequests.map((r) => r.fromId)).toEqual([b.id]);
    expect(await repo.deleteExpiredJoinRequests(at(5))).toBe(1);
    // Asking again renews the one request (now the newest).
    await ask(b.id, null, at(6), at(30));
    expect((await repo.load(id, NOW))!.joinRequests).toEqual([expect.objectContaining({ fromId: b.id, fromPartyId: null, expiresAt: at(30) })]);
    await repo.inPartyTransaction(id, NOW, (tx) => tx.deleteJoinRequest(b.id));
    expect((await repo.load(id, NOW))!.joinRequests).toEqual([]);
    await ask(a.id, null, at(1), at(30));
    await repo.inPartyTransaction(id, NOW, (tx) => tx.disband());
    expect(await db.prisma.partyJoinRequest.count({ where: { partyId: id } })).toBe(0);
  });

  test("the party's ticket shows in its row", async () => {
    const { id, leader } = await newParty();
    await db.prisma.matchTicket.create({
      data: { id: crypto.randomUUID(), mode: "duel", region: "eu", partyId: id, leaderId: leader.id, enqueuedAt: at(1), players: { create: [{ accountId: leader.id }] } },
    });
    expect((await repo.load(id, NOW))!.ticket).toEqual({ mode: "duel", region: "eu", enqueuedAt: at(1), status: "WAITING" });
  });

  test("concurrent transactions on one party serialise: a size check holds and every version is distinct", async () => {
    const { id } = await newParty();
    const joiners = await Promise.all(Array.from({ length: 8 }, () => createAccount(db)));
    const MAX = 4;
    const outcomes = await Promise.all(
      joiners.map((j, i) =>
        repo.inPartyTransaction(id, NOW, async (tx) => {
          if (tx.party.members.length >= MAX) return false;
          await tx.addMember(j.id, at(i + 1));
          return true;
        }),
      ),
    );
    expect(outcomes.filter((o) => o?.result).length).toBe(MAX - 1);
    const party = (await repo.load(id, NOW))!;
    expect(party.members).toHaveLength(MAX);
    expect(party.version).toBe(MAX);
    const wrote = outcomes.filter((o) => o?.result).map((o) => o!.version);
    expect(wrote.sort()).toEqual([2, 3, 4]);

    const touches = await Promise.all(Array.from({ length: 6 }, () => repo.inPartyTransaction(id, NOW, (tx) => tx.touch())));
    expect(touches.map((t) => t!.version).sort((x, y) => x - y)).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
