import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { NotificationsRepo } from "../../server/modules/notifications/notifications.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/** NotificationsRepo on PostgreSQL and on the embedded PGlite store. */
const T0 = new Date("2026-06-01T12:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each(DATABASE_STORES)("NotificationsRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: NotificationsRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new NotificationsRepo(db.prisma);
  });
  afterAll(async () => {
    await store?.close();
  });

  const notify = (recipientId: string, actorId: string | null, createdAt: Date, extra: { type?: string; dedupeKey?: string; id?: string } = {}) =>
    repo.insert({
      id: extra.id ?? crypto.randomUUID(),
      recipientId,
      actorId,
      type: extra.type ?? "friend_request",
      dedupeKey: extra.dedupeKey ?? null,
      createdAt,
    });

  test("insert returns the stored row with its actor's public fields; an actor is optional", async () => {
    const [recipient, actor] = [await createAccount(db), await createAccount(db)];
    const id = crypto.randomUUID();
    expect(await notify(recipient.id, actor.id, T0, { id, type: "friend_accepted" })).toEqual({
      id,
      type: "friend_accepted",
      actor: { id: actor.id, username: actor.username, displayName: actor.username },
      createdAt: T0,
      readAt: null,
    });
    expect((await notify(recipient.id, null, T0)).actor).toBeNull();
  });

  describe("upsertDeduped", () => {
    const deduped = (recipientId: string, actorId: string, key: string, createdAt: Date) =>
      repo.upsertDeduped({ id: crypto.randomUUID(), recipientId, actorId, type: "friend_online", dedupeKey: key, createdAt });

    test("moves the unread notification with the same key to the new time instead of adding one", async () => {
      const [recipient, actor] = [await createAccount(db), await createAccount(db)];
      const key = `friend_online:${actor.id}`;
      const first = await deduped(recipient.id, actor.id, key, T0);
      const again = await deduped(recipient.id, actor.id, key, at(60));
      expect(again).toEqual({ ...first, createdAt: at(60) });
      expect(await repo.unreadCount(recipient.id)).toBe(1);
    });

    test("adds a new one when the earlier one was read, and keeps recipients apart", async () => {
      const [recipient, other, actor] = [await createAccount(db), await createAccount(db), await createAccount(db)];
      const key = `friend_online:${actor.id}`;
      const read = await deduped(recipient.id, actor.id, key, T0);
      await repo.markRead(recipient.id, [read.id], at(1));
      const fresh = await deduped(recipient.id, actor.id, key, at(2));
      expect(fresh.id).not.toBe(read.id);
      await deduped(other.id, actor.id, key, at(3));
      expect((await repo.list(recipient.id, { unreadOnly: false, limit: 10 })).map((n) => n.createdAt)).toEqual([at(2), T0]);
      expect(await repo.unreadCount(other.id)).toBe(1);
    });

    test("concurrent calls with one key store a single unread notification", async () => {
      const [recipient, actor] = [await createAccount(db), await createAccount(db)];
      const key = `friend_online:${actor.id}`;
      const rows = await Promise.all(Array.from({ length: 8 }, (_, i) => deduped(recipient.id, actor.id, key, at(i))));
      expect(new Set(rows.map((r) => r.id)).size).toBe(1);
      expect(await repo.unreadCount(recipient.id)).toBe(1);
    });
  });

  describe("upsertDedupedMany", () => {
    test("one call merges with each recipient's unread notification of the key, or adds one, and skips deleted recipients", async () => {
      const [a, b, c, actor] = [await createAccount(db), await createAccount(db), await createAccount(db), await createAccount(db)];
      const key = `friend_online:${actor.id}`;
      const earlier = await repo.upsertDeduped({ id: crypto.randomUUID(), recipientId: a.id, actorId: actor.id, type: "friend_online", dedupeKey: key, createdAt: T0 });
      const gone = crypto.randomUUID();
      const rows = await repo.upsertDedupedMany([a.id, b.id, c.id, gone], { id: actor.id, username: actor.username, displayName: actor.username }, "friend_online", key, at(30));
      expect(rows.map((r) => r.recipientId).sort()).toEqual([a.id, b.id, c.id].sort());
      expect(rows.find((r) => r.recipientId === a.id)).toEqual({ ...earlier, recipientId: a.id, createdAt: at(30) });
      for (const r of rows) expect(r).toMatchObject({ type: "friend_online", actor: { id: actor.id, username: actor.username, displayName: actor.username }, readAt: null, createdAt: at(30) });
      for (const id of [a.id, b.id, c.id]) expect(await repo.unreadCount(id)).toBe(1);
    });

    test("racing one-recipient and many-recipient calls with one key still store a single unread notification each", async () => {
      const [a, b, actor] = [await createAccount(db), await createAccount(db), await createAccount(db)];
      const key = `friend_online:${actor.id}`;
      const actorRef = { id: actor.id, username: actor.username, displayName: actor.username };
      await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => repo.upsertDedupedMany([a.id, b.id], actorRef, "friend_online", key, at(i))),
        ...Array.from({ length: 4 }, (_, i) =>
          repo.upsertDeduped({ id: crypto.randomUUID(), recipientId: i % 2 ? a.id : b.id, actorId: actor.id, type: "friend_online", dedupeKey: key, createdAt: at(10 + i) }),
        ),
      ]);
      expect(await repo.unreadCount(a.id)).toBe(1);
      expect(await repo.unreadCount(b.id)).toBe(1);
    });
  });

  describe("list", () => {
    test("newest first, ties broken by id (descending), paged by the last row of the previous page", async () => {
      const [recipient, actor] = [await createAccount(db), await createAccount(db)];
      const ids = Array.from({ length: 7 }, () => crypto.randomUUID());
      // Three share one timestamp: the id orders them.
      const times = [at(10), at(20), at(20), at(20), at(30), at(5), at(40)];
      for (const [i, id] of ids.entries()) await notify(recipient.id, actor.id, times[i]!, { id });
      const expected = ids
        .map((id, i) => ({ id, t: times[i]!.getTime() }))
        .sort((x, y) => y.t - x.t || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0))
        .map((x) => x.id);

      const seen: string[][] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await repo.list(recipient.id, { unreadOnly: false, after, limit: 3 });
        if (page.length === 0) break;
        seen.push(page.map((n) => n.id));
        const last = page[page.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(seen.flat()).toEqual(expected);
    });

    test("only the recipient's own notifications, and only unread ones when asked", async () => {
      const [recipient, other, actor] = [await createAccount(db), await createAccount(db), await createAccount(db)];
      const a = await notify(recipient.id, actor.id, at(1));
      const b = await notify(recipient.id, actor.id, at(2));
      await notify(other.id, actor.id, at(3));
      await repo.markRead(recipient.id, [a.id], at(4));
      expect((await repo.list(recipient.id, { unreadOnly: false, limit: 10 })).map((n) => n.id)).toEqual([b.id, a.id]);
      expect((await repo.list(recipient.id, { unreadOnly: true, limit: 10 })).map((n) => n.id)).toEqual([b.id]);
      expect(await repo.unreadCount(recipient.id)).toBe(1);
      expect(await repo.unreadCount(other.id)).toBe(1);
    });
  });

  describe("markRead", () => {
    test("marks only the recipient's own notifications: another player's ids are ignored", async () => {
      const [alice, bob, actor] = [await createAccount(db), await createAccount(db), await createAccount(db)];
      const alices = await notify(alice.id, actor.id, at(1));
      const bobs = await notify(bob.id, actor.id, at(1));
      expect(await repo.markRead(bob.id, [alices.id], at(5))).toBe(0);
      expect(await repo.unreadCount(alice.id)).toBe(1);
      expect(await repo.markRead(bob.id, [alices.id, bobs.id, crypto.randomUUID()], at(5))).toBe(1);
      expect(await repo.unreadCount(alice.id)).toBe(1);
      expect(await repo.unreadCount(bob.id)).toBe(0);
    });

    test("'all' marks every unread notification of the recipient; already read ones keep their time", async () => {
      const [alice, bob, actor] = [await createAccount(db), await createAccount(db), await createAccount(db)];
      const early = await notify(alice.id, actor.id, at(1));
      await notify(alice.id, actor.id, at(2));
      await notify(alice.id, null, at(3));
      await notify(bob.id, actor.id, at(1));
      expect(await repo.markRead(alice.id, [early.id], at(10))).toBe(1);
      expect(await repo.markRead(alice.id, "all", at(20))).toBe(2);
      expect(await repo.markRead(alice.id, "all", at(30))).toBe(0);
      const rows = await repo.list(alice.id, { unreadOnly: false, limit: 10 });
      expect(rows.map((r) => r.readAt)).toEqual([at(20), at(20), at(10)]);
      expect(await repo.unreadCount(bob.id)).toBe(1);
    });
  });

  test("deleting the recipient's account deletes their notifications", async () => {
    const [recipient, actor] = [await createAccount(db), await createAccount(db)];
    await notify(recipient.id, actor.id, at(1));
    await db.prisma.account.delete({ where: { id: recipient.id } });
    expect(await db.prisma.notification.count({ where: { recipientId: recipient.id } })).toBe(0);
  });
});
