import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { ChatRepo, type MessageRow } from "../../server/modules/chat/chat.repo";
import { dmChannelId } from "../../shared/schemas/chat";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * ChatRepo on PostgreSQL and on the embedded PGlite store: per-channel seqs, history pages and
 * catch-up ranges, DM unread counts, deletions, reports, mutes and retention sweeps.
 *
 * PGlite runs every transaction exclusively (one at a time for the whole database), so the
 * concurrent-append test passes there by construction; on PostgreSQL it exercises the channel
 * row lock that append holds until commit.
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const MINUTE = 60_000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);

describe.each(DATABASE_STORES)("ChatRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: ChatRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new ChatRepo(db.prisma);
  });
  afterAll(() => store?.close());

  const publicChannel = async () => {
    const id = `public:c${crypto.randomBytes(4).toString("hex")}`;
    await repo.ensureChannels([{ id, kind: "PUBLIC" }], NOW);
    return id;
  };
  const send = (channelId: string, senderId: string, body: string, createdAt = NOW) =>
    repo.append({ channelId, senderId, body, originalBody: null, createdAt });
  const seqs = (rows: MessageRow[]) => rows.map((r) => Number(r.seq));

  test("ensureChannels is idempotent and keeps the channel's position", async () => {
    const id = await publicChannel();
    expect(await repo.channelKind(id)).toBe("PUBLIC");
    expect(await repo.lastSeq(id)).toBe(0n);
    const sender = await createAccount(db);
    await send(id, sender.id, "one");
    // A second process starting up (and both at once) neither fails nor resets last_seq.
    await Promise.all([repo.ensureChannels([{ id, kind: "PUBLIC" }], at(5)), repo.ensureChannels([{ id, kind: "PUBLIC" }], at(5))]);
    expect(await repo.lastSeq(id)).toBe(1n);
    expect(await repo.channelKind("public:nosuch")).toBeNull();
    expect(await repo.lastSeq("public:nosuch")).toBe(0n);
  });

  test("append numbers a channel's messages 1, 2, 3 independently of other channels and returns the sender", async () => {
    const [a, b] = [await publicChannel(), await publicChannel()];
    const sender = await createAccount(db);
    const first = await send(a, sender.id, "hello", at(1));
    expect(first).toEqual({ id: expect.any(BigInt), channelId: a, seq: 1n, body: "hello", createdAt: at(1), sender: { id: sender.id, username: sender.username, displayName: sender.displayName } });
    expect((await send(b, sender.id, "other")).seq).toBe(1n);
    expect((await send(a, sender.id, "again")).seq).toBe(2n);
    expect(await repo.lastSeq(a)).toBe(2n);
    expect(await repo.lastSeq(b)).toBe(1n);
    await expect(send("public:nosuch", sender.id, "x")).rejects.toThrow(/does not exist/);
  });

  test("concurrent sends to one channel get distinct consecutive seqs, in id order", async () => {
    const id = await publicChannel();
    const senders = await Promise.all([1, 2, 3, 4].map(() => createAccount(db)));
    const sent = await Promise.all(Array.from({ length: 24 }, (_, i) => send(id, senders[i % 4]!.id, `m${i}`)));
    expect(sent.map((m) => Number(m.seq)).sort((x, y) => x - y)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await repo.lastSeq(id)).toBe(24n);
    // Seqs are committed in order: ordering by seq orders by id too (dmUnread's "newest" relies on ids).
    const stored = await repo.range(id, 0n, undefined, 100);
    const ids = stored.map((m) => m.id);
    expect(seqs(stored)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect([...ids].sort((x, y) => (x < y ? -1 : 1))).toEqual(ids);
  });

  test("latest pages backwards (before a seq), oldest first, skipping deleted messages", async () => {
    const id = await publicChannel();
    const sender = await createAccount(db);
    const rows = [];
    for (let i = 1; i <= 7; i++) rows.push(await send(id, sender.id, `m${i}`, at(i)));
    expect(seqs(await repo.latest(id, 3))).toEqual([5, 6, 7]);
    expect(seqs(await repo.latest(id, 3, 5n))).toEqual([2, 3, 4]);
    expect(seqs(await repo.latest(id, 3, 2n))).toEqual([1]);
    expect(await repo.markDeleted(rows[5]!.id, null, "spam", at(10))).toBe(true);
    expect(seqs(await repo.latest(id, 3))).toEqual([4, 5, 7]);
    expect(seqs(await repo.latest(id, 10, 100n))).toEqual([1, 2, 3, 4, 5, 7]);
    expect(await repo.latest(crypto.randomUUID(), 10)).toEqual([]);
  });

  test("range is after < seq <= upto, oldest first, at most limit, skipping deleted messages", async () => {
    const id = await publicChannel();
    const sender = await createAccount(db);
    const rows = [];
    for (let i = 1; i <= 6; i++) rows.push(await send(id, sender.id, `m${i}`));
    expect(seqs(await repo.range(id, 2n, 5n, 10))).toEqual([3, 4, 5]);
    expect(seqs(await repo.range(id, 2n, undefined, 10))).toEqual([3, 4, 5, 6]);
    expect(seqs(await repo.range(id, 0n, undefined, 2))).toEqual([1, 2]);
    expect(seqs(await repo.range(id, 6n, undefined, 10))).toEqual([]);
    await repo.markDeleted(rows[3]!.id, null, "spam", NOW);
    expect(seqs(await repo.range(id, 2n, 5n, 10))).toEqual([3, 5]);
  });

  test("markDeleted deletes once and findMessage shows the deletion and the channel kind", async () => {
    const id = await publicChannel();
    const [sender, moderator] = [await createAccount(db), await createAccount(db)];
    const m = await send(id, sender.id, "rude");
    expect(await repo.findMessage(m.id)).toMatchObject({ id: m.id, senderId: sender.id, deletedAt: null, channel: { id, kind: "PUBLIC" } });
    expect(await repo.markDeleted(m.id, moderator.id, "abuse", at(1))).toBe(true);
    expect(await repo.markDeleted(m.id, moderator.id, "again", at(2))).toBe(false);
    expect(await repo.findMessage(m.id)).toMatchObject({ deletedAt: at(1) });
    const row = await db.prisma.chatMessage.findUnique({ where: { id: m.id }, select: { deletedBy: true, deleteReason: true } });
    expect(row).toEqual({ deletedBy: moderator.id, deleteReason: "abuse" });
    expect(await repo.markDeleted(m.id + 1_000_000n, null, "x", NOW)).toBe(false);
    expect(await repo.findMessage(m.id + 1_000_000n)).toBeNull();
  });

  test("DM channels: both sides created at once, membership, positions, unread counts and read markers", async () => {
    const [me, alice, bob] = [await createAccount(db), await createAccount(db), await createAccount(db)];
    const withAlice = dmChannelId(me.id, alice.id);
    const withBob = dmChannelId(me.id, bob.id);
    await Promise.all([
      repo.ensureMemberChannel(withAlice, "DM", [me.id, alice.id], NOW),
      repo.ensureMemberChannel(withAlice, "DM", [alice.id, me.id], NOW),
    ]);
    await repo.ensureMemberChannel(withBob, "DM", [me.id, bob.id], NOW);
    expect(await repo.isMember(withAlice, me.id)).toBe(true);
    expect(await repo.isMember(withAlice, bob.id)).toBe(false);
    expect(await repo.channelKind(withAlice)).toBe("DM");
    expect(await repo.dmUnread(me.id)).toEqual([]);

    await send(withAlice, alice.id, "a1");
    await send(withAlice, me.id, "mine");
    await send(withAlice, alice.id, "a3");
    await send(withBob, bob.id, "b1");
    // Most recently active first; my own messages are never unread.
    expect(await repo.dmUnread(me.id)).toEqual([
      { channelId: withBob, otherId: bob.id, otherUsername: bob.username, otherDisplayName: bob.displayName, unread: 1 },
      { channelId: withAlice, otherId: alice.id, otherUsername: alice.username, otherDisplayName: alice.displayName, unread: 2 },
    ]);
    expect(await repo.dmUnread(alice.id)).toEqual([{ channelId: withAlice, otherId: me.id, otherUsername: me.username, otherDisplayName: me.displayName, unread: 1 }]);
    expect(await repo.dmPositions(me.id)).toEqual(new Map([[withAlice, 3], [withBob, 1]]));

    const a4 = await send(withAlice, alice.id, "a4");
    expect((await repo.dmUnread(me.id))[0]).toMatchObject({ channelId: withAlice, unread: 3 });
    await repo.markRead(me.id, withAlice, 3n);
    expect((await repo.dmUnread(me.id)).find((r) => r.channelId === withAlice)).toMatchObject({ unread: 1 });
    // A read marker never moves back.
    await repo.markRead(me.id, withAlice, 1n);
    expect((await repo.dmUnread(me.id)).find((r) => r.channelId === withAlice)).toMatchObject({ unread: 1 });
    // Deleted messages are not unread.
    await repo.markDeleted(a4.id, null, "gone", NOW);
    await repo.markRead(me.id, withBob, 1n);
    expect(await repo.dmUnread(me.id)).toEqual([]);

    await repo.removeMember(withBob, me.id);
    expect(await repo.isMember(withBob, me.id)).toBe(false);
    expect(await repo.dmPositions(me.id)).toEqual(new Map([[withAlice, 4]]));
  });

  test("a report is stored once per reporter and counted per message", async () => {
    const id = await publicChannel();
    const [sender, r1, r2] = [await createAccount(db), await createAccount(db), await createAccount(db)];
    const m = await send(id, sender.id, "bad");
    const report = (reporterId: string) => repo.addReport({ id: crypto.randomUUID(), messageId: m.id, reporterId, reason: "abuse", note: null, createdAt: NOW });
    expect(await report(r1.id)).toBe(true);
    expect(await report(r1.id)).toBe(false);
    expect(await report(r2.id)).toBe(true);
    expect(await repo.reportCount(m.id)).toBe(2);
  });

  test("the mute in force is the unrevoked one expiring last; auto mutes are counted since a time", async () => {
    const account = await createAccount(db);
    const mute = (source: "AUTO" | "OPERATOR", createdAt: Date, expiresAt: Date, reason: string) =>
      repo.addMute({ id: crypto.randomUUID(), accountId: account.id, source, reason, createdBy: null, createdAt, expiresAt });
    expect(await repo.activeMute(account.id, NOW)).toBeNull();
    await mute("AUTO", at(-30), at(-1), "expired");
    expect(await repo.activeMute(account.id, NOW)).toBeNull();
    await mute("AUTO", at(-5), at(10), "short");
    await mute("OPERATOR", at(-4), at(60), "long");
    expect(await repo.activeMute(account.id, NOW)).toEqual({ expiresAt: at(60), reason: "long" });
    await db.prisma.chatMute.updateMany({ where: { accountId: account.id, reason: "long" }, data: { revokedAt: NOW } });
    expect(await repo.activeMute(account.id, NOW)).toEqual({ expiresAt: at(10), reason: "short" });
    expect(await repo.activeMute(account.id, at(10))).toBeNull();
    expect(await repo.countAutoMutesSince(account.id, at(-30))).toBe(2);
    expect(await repo.countAutoMutesSince(account.id, at(-5))).toBe(1);
    expect(await repo.countAutoMutesSince(account.id, at(-4))).toBe(0);
  });

  test("a retention sweep deletes only the kind's messages older than the cutoff, across batches", async () => {
    const old = new Date("2020-01-01T00:00:00.000Z");
    const cutoff = new Date("2020-02-01T00:00:00.000Z");
    const sender = await createAccount(db);
    const pub = await publicChannel();
    const party = `party:${crypto.randomUUID()}`;
    await repo.ensureMemberChannel(party, "PARTY", [sender.id], old);
    for (let i = 0; i < 5; i++) await send(pub, sender.id, `old${i}`, old);
    await send(pub, sender.id, "new", cutoff);
    await send(party, sender.id, "party-old", old);
    expect(await repo.deleteOlderThan("DM", cutoff, 2)).toBe(0);
    expect(await repo.deleteOlderThan("PUBLIC", cutoff, 2)).toBe(5);
    expect((await repo.latest(pub, 10)).map((m) => m.body)).toEqual(["new"]);
    expect((await repo.latest(party, 10)).map((m) => m.body)).toEqual(["party-old"]);
    // Seqs keep counting after a sweep.
    expect((await send(pub, sender.id, "next")).seq).toBe(7n);
  });

  test("direct-message policy and account lookups", async () => {
    const account = await createAccount(db);
    expect(await repo.dmPolicy(account.id)).toBe("FRIENDS");
    await repo.setDmPolicy(account.id, "ANYONE");
    expect(await repo.dmPolicy(account.id)).toBe("ANYONE");
    expect(await repo.findAccount(account.id)).toEqual(account);
    const ghost = crypto.randomUUID();
    await repo.setDmPolicy(ghost, "ANYONE");
    expect(await repo.dmPolicy(ghost)).toBeNull();
    expect(await repo.findAccount(ghost)).toBeNull();
  });
});
