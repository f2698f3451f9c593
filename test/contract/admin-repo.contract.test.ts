import crypto from "node:crypto";
import { AdminRepo } from "../../server/modules/admin/admin.repo";
import { ChatRepo } from "../../server/modules/chat/chat.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * The operator reads and revocations of AdminRepo on PostgreSQL and on the embedded PGlite store
 * (the migration that adds the ADMIN role and the operator token version runs on both), the
 * audited transaction, sanctions, reports and the console's read models.
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const HOUR = 3_600_000;

describe.each(DATABASE_STORES)("AdminRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let repo: AdminRepo;

  beforeAll(async () => {
    store = await open();
    repo = new AdminRepo(store.db.prisma);
  });
  afterAll(() => store?.close());

  const ban = (accountId: string, expiresAt: Date | null) =>
    repo.withAudit(
      { id: crypto.randomUUID(), operatorId: crypto.randomUUID(), action: "ban", targetType: "account", targetId: accountId, reason: "r", createdAt: NOW },
      (tx) => repo.ban(tx, { id: crypto.randomUUID(), accountId, reason: "r", createdBy: crypto.randomUUID(), createdAt: NOW, expiresAt }),
    );

  test("an operator's role, token version and ban in force, by id and by username", async () => {
    const account = await createAccount(store.db);
    await store.db.prisma.$transaction((tx) => repo.setRole(tx, account.id, "ADMIN"));
    expect(await repo.findOperator(account.id, NOW)).toEqual({
      id: account.id,
      username: account.username,
      role: "ADMIN",
      disabledAt: null,
      tokenVersion: 0,
      ban: null,
    });

    await ban(account.id, new Date(NOW.getTime() + HOUR));
    expect(await repo.findOperator(account.id, NOW)).toMatchObject({ tokenVersion: 1, ban: { expiresAt: new Date(NOW.getTime() + HOUR) } });
    // Expired by then: no ban in force, the version stays.
    expect(await repo.findOperator(account.id, new Date(NOW.getTime() + 2 * HOUR))).toMatchObject({ tokenVersion: 1, ban: null });
    const byName = await repo.findOperatorForLogin(account.username.toLowerCase(), NOW);
    expect(byName).toMatchObject({ id: account.id, role: "ADMIN", tokenVersion: 1, passwordHash: expect.stringMatching(/^\$argon2id\$/) });
    expect(await repo.findOperator(crypto.randomUUID(), NOW)).toBeNull();
  });

  test("disable revokes sessions and tokens; enable clears only the flag; back to player revokes tokens", async () => {
    const account = await createAccount(store.db);
    await store.db.prisma.session.create({ data: { id: crypto.randomUUID(), accountId: account.id, expiresAt: new Date(NOW.getTime() + HOUR) } });
    await store.db.prisma.$transaction((tx) => repo.setRole(tx, account.id, "VIEWER"));

    await store.db.prisma.$transaction((tx) => repo.disable(tx, account.id, NOW));
    expect(await repo.findOperator(account.id, NOW)).toMatchObject({ role: "VIEWER", disabledAt: NOW, tokenVersion: 1 });
    const sessions = await store.db.prisma.session.findMany({ where: { accountId: account.id }, select: { revokedAt: true, revokedReason: true } });
    expect(sessions).toEqual([{ revokedAt: NOW, revokedReason: "disabled" }]);

    await store.db.prisma.$transaction((tx) => repo.enable(tx, account.id));
    expect(await repo.findOperator(account.id, NOW)).toMatchObject({ disabledAt: null, tokenVersion: 1 });

    await store.db.prisma.$transaction((tx) => repo.setRole(tx, account.id, "PLAYER"));
    expect(await repo.findOperator(account.id, NOW)).toMatchObject({ role: "PLAYER", tokenVersion: 2 });
  });
  test("withAudit writes the audit row with the change, or neither when the change fails", async () => {
    const account = await createAccount(store.db);
    const entry = (action: string) => ({ id: crypto.randomUUID(), operatorId: crypto.randomUUID(), action, targetType: "account", targetId: account.id, reason: "why", details: { n: 1 }, createdAt: NOW });
    const failed = entry("ban");
    await expect(
      repo.withAudit(failed, async (tx) => {
        await repo.ban(tx, { id: crypto.randomUUID(), accountId: account.id, reason: "r", createdBy: failed.operatorId, createdAt: NOW, expiresAt: null });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await store.db.prisma.auditLog.findUnique({ where: { id: failed.id } })).toBeNull();
    expect(await repo.findOperator(account.id, NOW)).toMatchObject({ tokenVersion: 0, ban: null });

    const done = entry("ban");
    await ban(account.id, null);
    await repo.withAudit(done, async () => undefined);
    expect(await store.db.prisma.auditLog.findUnique({ where: { id: done.id }, select: { action: true, reason: true, details: true } })).toEqual({ action: "ban", reason: "why", details: { n: 1 } });
  });

  test("unban lifts every ban in force (not expired or lifted ones) and says how many", async () => {
    const account = await createAccount(store.db);
    await ban(account.id, null);
    await ban(account.id, new Date(NOW.getTime() + HOUR));
    await ban(account.id, new Date(NOW.getTime() - HOUR));
    const by = crypto.randomUUID();
    expect(await store.db.prisma.$transaction((tx) => repo.unban(tx, account.id, by, NOW))).toBe(2);
    expect(await repo.findOperator(account.id, NOW)).toMatchObject({ ban: null });
    expect(await store.db.prisma.$transaction((tx) => repo.unban(tx, account.id, by, NOW))).toBe(0);
    expect(await store.db.prisma.accountSanction.count({ where: { accountId: account.id, revokedBy: by, revokedAt: NOW } })).toBe(2);
  });

  test("operators are created and updated; account search by prefix shows who is banned", async () => {
    const prefix = `op${crypto.randomBytes(3).toString("hex")}`;
    const id = crypto.randomUUID();
    await repo.createOperator({ id, username: `${prefix}_Zed`, usernameKey: `${prefix}_zed`, passwordHash: "h1", role: "VIEWER" });
    await repo.updateOperator(id, { role: "MODERATOR", passwordHash: "h2" });
    expect(await repo.findAccountByUsernameKey(`${prefix}_zed`)).toEqual({ id, username: `${prefix}_Zed`, role: "MODERATOR", passwordHash: "h2", disabledAt: null });
    const banned = await createAccount(store.db, `${prefix}_Amy`);
    await ban(banned.id, null);
    await createAccount(store.db, `${prefix}_Bob`);
    const found = await repo.searchAccounts(prefix.toUpperCase(), 10, NOW);
    expect(found.map((a) => [a.username, a.banned])).toEqual([[`${prefix}_Amy`, true], [`${prefix}_Bob`, false], [`${prefix}_Zed`, false]]);
    expect(await repo.searchAccounts(prefix, 2, NOW)).toHaveLength(2);
    expect(await repo.searchAccounts(prefix, 10, NOW)).toHaveLength(3);
  });

  test("reports: listed open or resolved (newest first), resolved once; the chat feed counts them", async () => {
    const chat = new ChatRepo(store.db.prisma);
    const channelId = `public:adm${crypto.randomBytes(3).toString("hex")}`;
    await chat.ensureChannels([{ id: channelId, kind: "PUBLIC" }], NOW);
    const [sender, reporter, operator] = [await createAccount(store.db), await createAccount(store.db), await createAccount(store.db)];
    const m1 = await chat.append({ channelId, senderId: sender.id, body: "b**", originalBody: "bad", createdAt: NOW });
    const m2 = await chat.append({ channelId, senderId: sender.id, body: "fine", originalBody: null, createdAt: NOW });
    const report = async (messageId: bigint, minutes: number) => {
      const id = crypto.randomUUID();
      await chat.addReport({ id, messageId, reporterId: reporter.id, reason: "abuse", note: null, createdAt: new Date(NOW.getTime() + minutes * 60_000) });
      return id;
    };
    const [r1, r2] = [await report(m1.id, 1), await report(m2.id, 2)];
    const open = (await repo.listReports("open", 100)).filter((r) => r.message.channelId === channelId);
    expect(open.map((r) => r.id)).toEqual([r2, r1]);
    expect(open[1]).toMatchObject({ reporter: { id: reporter.id }, message: { id: m1.id, body: "b**", originalBody: "bad", sender: { id: sender.id } } });

    expect(await store.db.prisma.$transaction((tx) => repo.resolveReport(tx, r1, operator.id, NOW))).toBe(true);
    expect(await store.db.prisma.$transaction((tx) => repo.resolveReport(tx, r1, operator.id, NOW))).toBe(false);
    expect(await repo.findReport(r1)).toEqual({ id: r1, resolvedAt: NOW });
    expect((await repo.listReports("open", 100)).map((r) => r.id)).not.toContain(r1);
    expect((await repo.listReports("resolved", 100)).map((r) => r.id)).toContain(r1);

    await chat.markDeleted(m2.id, operator.id, "x", NOW);
    const feed = await repo.chatFeed(channelId, 10);
    expect(feed.map((m) => [m.id, m._count.reports, m.originalBody])).toEqual([[m1.id, 1, "bad"]]);
    expect(await repo.findMessage(m2.id)).toEqual({ id: m2.id, channelId, senderId: sender.id, deletedAt: NOW });
  });

  test("message counts since a time, per minute", async () => {
    const chat = new ChatRepo(store.db.prisma);
    const channelId = `public:rate${crypto.randomBytes(3).toString("hex")}`;
    await chat.ensureChannels([{ id: channelId, kind: "PUBLIC" }], NOW);
    const sender = await createAccount(store.db);
    const since = new Date("2040-01-01T10:00:00.000Z");
    for (const s of [5, 20, 70]) await chat.append({ channelId, senderId: sender.id, body: "x", originalBody: null, createdAt: new Date(since.getTime() + s * 1000) });
    expect(await repo.countMessagesSince(since)).toBe(3);
    expect(await repo.messagesPerMinute(since)).toEqual(new Map([[since.getTime(), 2], [since.getTime() + 60_000, 1]]));
  });

  test("the audit log pages newest first, ties by id", async () => {
    const t = new Date("2041-01-01T00:00:00.000Z");
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()].sort();
    for (const [i, id] of ids.entries()) {
      await repo.audit({ id, operatorId: crypto.randomUUID(), action: "note", targetType: "account", targetId: "x", reason: null, createdAt: i === 2 ? new Date(t.getTime() + 1000) : t });
    }
    const first = await repo.auditPage(2);
    expect(first.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const next = await repo.auditPage(2, { at: first[1]!.createdAt, id: first[1]!.id });
    expect(next.map((r) => r.id)[0]).toBe(ids[0]);
  });

  test("playerDetail gathers the player's sessions, friends, ratings, matches, sanctions and their operators", async () => {
    const [player, friend, operator] = [await createAccount(store.db), await createAccount(store.db), await createAccount(store.db)];
    const db = store.db.prisma;
    await db.session.create({ data: { id: crypto.randomUUID(), accountId: player.id, expiresAt: new Date(NOW.getTime() + HOUR) } });
    await db.friendEdge.create({ data: { accountId: player.id, otherId: friend.id, state: "FRIEND", createdAt: NOW, updatedAt: NOW } });
    await db.rating.create({ data: { accountId: player.id, mode: "duel", mu: 26, sigma: 7, games: 2, updatedAt: NOW } });
    await db.match.create({
      data: { id: crypto.randomUUID(), mode: "duel", region: "eu", quality: 0.5, status: "ACTIVE", createdAt: NOW, participants: { create: [{ accountId: player.id, team: 1, waitSeconds: 0, muBefore: 25, sigmaBefore: 8 }] } },
    });
    await store.db.prisma.$transaction((tx) => repo.ban(tx, { id: crypto.randomUUID(), accountId: player.id, reason: "r", createdBy: operator.id, createdAt: NOW, expiresAt: null }));
    await new ChatRepo(db).addMute({ id: crypto.randomUUID(), accountId: player.id, source: "OPERATOR", reason: "m", createdBy: operator.id, createdAt: NOW, expiresAt: new Date(NOW.getTime() + HOUR) });
    await db.account.update({ where: { id: player.id }, data: { lastSeenAt: NOW } });

    const detail = (await repo.playerDetail(player.id))!;
    expect(detail.account).toMatchObject({ id: player.id, username: player.username, role: "PLAYER" });
    expect(detail.sessions).toHaveLength(1);
    expect(detail.friendsCount).toBe(1);
    expect(detail.ratings).toMatchObject([{ mode: "duel", mu: 26, games: 2 }]);
    expect(detail.participations).toMatchObject([{ team: 1, match: { mode: "duel", status: "ACTIVE" } }]);
    expect(detail.bans).toHaveLength(1);
    expect(detail.mutes).toMatchObject([{ reason: "m", source: "OPERATOR" }]);
    expect(detail.operators).toEqual(new Map([[operator.id, { username: operator.username, displayName: operator.displayName }]]));
    expect(detail.lastSeenAt).toEqual(NOW);
    expect((await repo.listLiveMatches(100)).find((m) => m.participants.some((p) => p.account.id === player.id))).toMatchObject({ status: "ACTIVE" });
    expect(await repo.playerDetail(crypto.randomUUID())).toBeNull();
  });
});
