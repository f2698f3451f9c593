import crypto from "node:crypto";
import { openDatabase, type Database } from "../../server/db/database";
import { isUniqueViolation } from "../../server/db/db-errors";
import { createLogger } from "../../server/lib/logger";
import { AccountsRepo } from "../../server/modules/accounts/accounts.repo";
import { AuthRepo, type NewSession } from "../../server/modules/auth/auth.repo";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { openEmbedded } from "./database-stores";

/**
 * One behaviour, two stores: the repository must act the same on PostgreSQL (adapter-pg) and on
 * the embedded PGlite default, since `npm start` runs on one and production on the other.
 */
interface StoreUnderTest {
  db: Database;
  close(): Promise<void>;
}

const logger = createLogger("silent");

async function postgres(): Promise<StoreUnderTest> {
  const testDb: TestDatabase = await createTestDatabase();
  const db = await openDatabase({ kind: "postgres", url: testDb.url, poolSize: 4, preparedStatements: true }, { migrate: false, logger });
  return {
    db,
    close: async () => {
      await db.close();
      await testDb.drop();
    },
  };
}


const NOW = new Date("2026-06-01T12:00:00.000Z");
const HOUR = 3600_000;
const hash = (): string => crypto.randomBytes(32).toString("hex");
let counter = 0;

function newAccount(username = `user_${++counter}_${crypto.randomBytes(2).toString("hex")}`) {
  return { id: crypto.randomUUID(), username, usernameKey: username.toLowerCase(), displayName: username, passwordHash: `$argon2id$fake$${username}` };
}

function newSession(overrides: Partial<NewSession> = {}): Omit<NewSession, "accountId"> {
  return {
    sessionId: crypto.randomUUID(),
    expiresAt: new Date(NOW.getTime() + 24 * HOUR),
    tokenId: crypto.randomUUID(),
    tokenHash: hash(),
    userAgent: "jest",
    ip: "203.0.113.7",
    ...overrides,
  };
}

describe.each([
  ["PostgreSQL", postgres],
  ["embedded PGlite", openEmbedded],
])("AuthRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let repo: AuthRepo;

  beforeAll(async () => {
    store = await open();
    repo = new AuthRepo(store.db.prisma, store.db.sql);
  });
  afterAll(async () => {
    await store?.close();
  });

  test("creates an account with its first session, found by username key and by id", async () => {
    const account = newAccount("Mixed_Case_Name");
    const session = newSession();
    const created = await repo.createAccountWithSession(account, session);
    expect(created).toMatchObject({ id: account.id, username: "Mixed_Case_Name", usernameKey: "mixed_case_name", disabledAt: null });
    expect(created.createdAt).toBeInstanceOf(Date);

    expect(await repo.findAccountByUsernameKey("mixed_case_name")).toEqual(created);
    expect(await repo.findAccountByUsernameKey("Mixed_Case_Name")).toBeNull();
    expect(await repo.findAccountById(account.id)).toEqual(created);
    expect(await repo.findAccountById(crypto.randomUUID())).toBeNull();

    expect(await repo.findSessionForAuth(session.sessionId)).toEqual({
      id: session.sessionId,
      accountId: account.id,
      expiresAt: session.expiresAt,
      revokedAt: null,
      account: { id: account.id, username: "Mixed_Case_Name", displayName: "Mixed_Case_Name", disabledAt: null, createdAt: created.createdAt, guest: false },
    });
    const token = await repo.findRefreshToken(session.tokenHash);
    expect(token).toMatchObject({ id: session.tokenId, rotatedAt: null, session: { id: session.sessionId, accountId: account.id } });
  });

  test("a taken username key is a unique violation and leaves nothing behind", async () => {
    const first = newAccount();
    await repo.createAccountWithSession(first, newSession());
    const clash = { ...newAccount(), username: first.username.toUpperCase(), usernameKey: first.usernameKey };
    const clashSession = newSession();

    const error = await repo.createAccountWithSession(clash, clashSession).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(await repo.findAccountById(clash.id)).toBeNull();
    // The account and its session are one transaction: the session was not created either.
    expect(await repo.findSessionForAuth(clashSession.sessionId)).toBeNull();
    expect(await repo.findRefreshToken(clashSession.tokenHash)).toBeNull();
  });

  test("a refresh token rotates once only", async () => {
    const account = newAccount();
    const session = newSession();
    await repo.createAccountWithSession(account, session);
    const next = { id: crypto.randomUUID(), tokenHash: hash() };
    const later = new Date(NOW.getTime() + HOUR);

    expect(await repo.rotateRefreshToken(session.tokenId, session.sessionId, next, later)).toBe(true);
    // A replay of the same token: refused, and no successor is stored for it.
    const replay = { id: crypto.randomUUID(), tokenHash: hash() };
    expect(await repo.rotateRefreshToken(session.tokenId, session.sessionId, replay, later)).toBe(false);
    expect(await repo.findRefreshToken(replay.tokenHash)).toBeNull();

    expect((await repo.findRefreshToken(session.tokenHash))?.rotatedAt).toEqual(later);
    expect(await repo.findRefreshToken(next.tokenHash)).toMatchObject({ id: next.id, rotatedAt: null, session: { id: session.sessionId } });
  });

  test("two concurrent rotations of one token: exactly one wins", async () => {
    const session = newSession();
    await repo.createAccountWithSession(newAccount(), session);
    const a = { id: crypto.randomUUID(), tokenHash: hash() };
    const b = { id: crypto.randomUUID(), tokenHash: hash() };
    const results = await Promise.all([
      repo.rotateRefreshToken(session.tokenId, session.sessionId, a, NOW),
      repo.rotateRefreshToken(session.tokenId, session.sessionId, b, NOW),
    ]);
    expect(results.sort()).toEqual([false, true]);
    const stored = [await repo.findRefreshToken(a.tokenHash), await repo.findRefreshToken(b.tokenHash)].filter(Boolean);
    expect(stored).toHaveLength(1);
  });

  test("revoking a session ends it; revoking again keeps the first reason and time", async () => {
    const account = newAccount();
    const first = newSession();
    await repo.createAccountWithSession(account, first);
    const second = newSession();
    await repo.createSession({ ...second, accountId: account.id });
    expect((await repo.findLiveSessionIds([first.sessionId, second.sessionId], NOW)).sort()).toEqual(
      [first.sessionId, second.sessionId].sort(),
    );

    await repo.revokeSession(first.sessionId, "logout", NOW);
    await repo.revokeSession(first.sessionId, "logout_all", new Date(NOW.getTime() + HOUR));
    expect(await repo.findLiveSessionIds([first.sessionId, second.sessionId], NOW)).toEqual([second.sessionId]);
    const revoked = await store.db.prisma.session.findUniqueOrThrow({ where: { id: first.sessionId } });
    expect(revoked.revokedAt).toEqual(NOW);
    expect(revoked.revokedReason).toBe("logout");
  });

  test("revoking all sessions of an account leaves other accounts alone", async () => {
    const mine = newAccount();
    const s1 = newSession();
    const s2 = newSession();
    await repo.createAccountWithSession(mine, s1);
    await repo.createSession({ ...s2, accountId: mine.id });
    const theirs = newSession();
    await repo.createAccountWithSession(newAccount(), theirs);

    await repo.revokeAllSessions(mine.id, "logout_all", NOW);
    expect(await repo.findLiveSessionIds([s1.sessionId, s2.sessionId, theirs.sessionId], NOW)).toEqual([theirs.sessionId]);
    expect((await repo.findSessionForAuth(s2.sessionId))?.revokedAt).toEqual(NOW);
  });

  test("live sessions exclude expired ones and those of disabled accounts", async () => {
    const expiring = newSession({ expiresAt: new Date(NOW.getTime() + HOUR) });
    await repo.createAccountWithSession(newAccount(), expiring);
    const disabledAccount = newAccount();
    const disabled = newSession();
    await repo.createAccountWithSession(disabledAccount, disabled);
    await store.db.prisma.account.update({ where: { id: disabledAccount.id }, data: { disabledAt: NOW } });

    expect(await repo.findLiveSessionIds([expiring.sessionId, disabled.sessionId], NOW)).toEqual([expiring.sessionId]);
    expect(await repo.findLiveSessionIds([expiring.sessionId], new Date(NOW.getTime() + HOUR))).toEqual([]);
    expect(await repo.findLiveSessionIds([], NOW)).toEqual([]);
  });

  test("deleting an account deletes its sessions and refresh tokens", async () => {
    const account = newAccount();
    const session = newSession();
    await repo.createAccountWithSession(account, session);
    expect(await new AccountsRepo(store.db.prisma).delete(account.id)).toBe(true);
    expect(await new AccountsRepo(store.db.prisma).delete(account.id)).toBe(false);
    expect(await repo.findSessionForAuth(session.sessionId)).toBeNull();
    expect(await repo.findRefreshToken(session.tokenHash)).toBeNull();
  });

  test("ping answers while open", async () => {
    await expect(store.db.ping()).resolves.toBeUndefined();
  });
});
