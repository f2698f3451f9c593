import crypto from "node:crypto";
import { JoinSnapshotRepo } from "../../server/modules/lobby/join-snapshot.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

// The lobby join's one statement, on both stores: it runs on the driver directly (not through
// Prisma), so each driver's own types (dates, counts, json) must come out the same.
describe.each(DATABASE_STORES)("join snapshot on %s", (_name, open) => {
  let store: StoreUnderTest;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store.close());

  test("everything a join needs, for a player with a friend, a block, an unread notification and a party invite", async () => {
    const prisma = store.db.prisma;
    const [me, friend, blocker, leader] = await Promise.all([1, 2, 3, 4].map(() => createAccount(store.db)));
    const now = new Date();
    const sessionId = crypto.randomUUID();
    await prisma.session.create({ data: { id: sessionId, accountId: me!.id, expiresAt: new Date(now.getTime() + 3_600_000) } });
    const seen = new Date(now.getTime() - 60_000);
    await prisma.account.update({ where: { id: friend!.id }, data: { lastSeenAt: seen } });
    await prisma.friendEdge.createMany({
      data: [
        { accountId: me!.id, otherId: friend!.id, state: "FRIEND", createdAt: now, updatedAt: now },
        { accountId: friend!.id, otherId: me!.id, state: "FRIEND", createdAt: now, updatedAt: now },
        { accountId: blocker!.id, otherId: me!.id, state: "BLOCKED", createdAt: now, updatedAt: now },
      ],
    });
    await prisma.notification.createMany({
      data: [
        { id: crypto.randomUUID(), recipientId: me!.id, actorId: friend!.id, type: "friend_online", createdAt: now },
        { id: crypto.randomUUID(), recipientId: me!.id, actorId: friend!.id, type: "friend_online", createdAt: seen, readAt: now },
      ],
    });
    const partyId = crypto.randomUUID();
    await prisma.party.create({ data: { id: partyId, leaderId: leader!.id, createdAt: now, members: { create: [{ accountId: leader!.id, joinedAt: now }] } } });
    const expiresAt = new Date(now.getTime() + 60_000);
    await prisma.partyInvite.create({ data: { partyId, toId: me!.id, fromId: leader!.id, createdAt: now, expiresAt } });

    const snapshot = await new JoinSnapshotRepo(store.db.sql, 20).load(me!.id, sessionId, now);

    expect(snapshot.sessionLive).toBe(true);
    expect(snapshot.preference).toEqual({ status: "online", text: undefined });
    expect(snapshot.friends).toEqual([{ id: friend!.id, username: friend!.username, displayName: friend!.displayName, lastSeenAt: seen }]);
    expect([...snapshot.hidden]).toEqual([blocker!.id]);
    expect(snapshot.notifications.unreadCount).toBe(1);
    expect(snapshot.notifications.rows).toEqual([{ id: expect.any(String), type: "friend_online", actor: friend, createdAt: now, readAt: null }]);
    expect(snapshot.partyId).toBeNull();
    expect(snapshot.invites).toEqual([{ partyId, from: { id: leader!.id, username: leader!.username, displayName: leader!.displayName }, expiresAt, size: 1 }]);
    expect(snapshot.dmPositions.size).toBe(0);
    expect(snapshot.dmUnread).toEqual([]);
  });

  test("a session that ended, or another account's, is not live", async () => {
    const [me, other] = await Promise.all([1, 2].map(() => createAccount(store.db)));
    const now = new Date();
    const revoked = crypto.randomUUID();
    await store.db.prisma.session.create({ data: { id: revoked, accountId: me!.id, expiresAt: new Date(now.getTime() + 3_600_000), revokedAt: now } });
    const repo = new JoinSnapshotRepo(store.db.sql, 20);
    expect((await repo.load(me!.id, revoked, now)).sessionLive).toBe(false);
    expect((await repo.load(other!.id, revoked, now)).sessionLive).toBe(false);
    expect((await repo.load(other!.id, revoked, now)).preference).toBeNull();
  });
});
