import crypto from "node:crypto";
import { AdminRepo } from "../../server/modules/admin/admin.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * The operator reads and revocations of AdminRepo on PostgreSQL and on the embedded PGlite store
 * (the migration that adds the ADMIN role and the operator token version runs on both).
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
});
