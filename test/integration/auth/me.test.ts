import { loginAccount, registerAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";

const MAX = 3;
let t: AuthTestServer;

beforeAll(async () => {
  t = await startAuthServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: String(MAX) });
});
afterAll(() => t.close());

const rowsOf = async (accountId: string) => {
  const [row] = await sql<{ accounts: number; sessions: number; refresh_tokens: number }>(
    t.db.url,
    `SELECT (SELECT count(*)::int FROM accounts WHERE id = $1) AS accounts,
            (SELECT count(*)::int FROM sessions WHERE account_id = $1) AS sessions,
            (SELECT count(*)::int FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE s.account_id = $1) AS refresh_tokens`,
    [accountId],
  );
  return row;
};

describe("GET /me", () => {
  test("200 with exactly {account:{id, username, displayName, createdAt, guest}}", async () => {
    const { auth, username } = await registerAccount(t.api);
    const res = await t.api.me(auth.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ account: { id: auth.account.id, username, displayName: username, createdAt: expect.any(String), guest: false } });
    const { account } = res.body as { account: { createdAt: string } };
    expect(new Date(account.createdAt).toISOString()).toBe(account.createdAt);
  });

  test("without a token: 401 unauthorized with WWW-Authenticate", async () => {
    const res = await t.api.get("/me");
    expect(failure(res)).toEqual([401, "unauthorized"]);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm=/);
  });
});

describe("DELETE /me", () => {
  test("a wrong password is 403 invalid_credentials and deletes nothing", async () => {
    const { auth } = await registerAccount(t.api);
    expect(failure(await t.api.delete("/me", { password: "not-my-password" }, { token: auth.accessToken }))).toEqual([403, "invalid_credentials"]);
    expect(await rowsOf(auth.account.id)).toEqual({ accounts: 1, sessions: 1, refresh_tokens: 1 });
    expect((await t.api.me(auth.accessToken)).status).toBe(200);
  });

  test("needs the password and a token", async () => {
    const { auth, password } = await registerAccount(t.api);
    expect(failure(await t.api.delete("/me", {}, { token: auth.accessToken }))).toEqual([400, "invalid_request"]);
    expect(failure(await t.api.delete("/me", { password }))).toEqual([401, "unauthorized"]);
    expect(failure(await t.api.delete("/me", { password }, { token: auth.refreshToken }))).toEqual([401, "invalid_token"]);
    expect((await rowsOf(auth.account.id))?.accounts).toBe(1);
  });

  test("deletes the account, its sessions and tokens; its tokens are refused after; the name is free again", async () => {
    const doomed = await registerAccount(t.api);
    const second = await loginAccount(t.api, doomed);
    const survivor = await registerAccount(t.api);
    expect(await rowsOf(doomed.auth.account.id)).toEqual({ accounts: 1, sessions: 2, refresh_tokens: 2 });

    const res = await t.api.delete("/me", { password: doomed.password }, { token: doomed.auth.accessToken });
    expect(res.status).toBe(204);

    expect(await rowsOf(doomed.auth.account.id)).toEqual({ accounts: 0, sessions: 0, refresh_tokens: 0 });
    for (const s of [doomed.auth, second]) {
      expect(failure(await t.api.me(s.accessToken))).toEqual([401, "invalid_token"]);
      expect(failure(await t.api.refresh(s.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    }
    expect(failure(await t.api.login(doomed.username, doomed.password))).toEqual([401, "invalid_credentials"]);
    expect((await t.api.me(survivor.auth.accessToken)).status).toBe(200);
    expect(authBody(await t.api.register(doomed.username, doomed.password), 201).account.id).not.toBe(doomed.auth.account.id);
  });

  test(`password guesses through DELETE /me are throttled like logins (${MAX} failures lock)`, async () => {
    const { auth, password } = await registerAccount(t.api);
    for (let i = 0; i < MAX; i++) {
      expect(failure(await t.api.delete("/me", { password: `guess-${i}` }, { token: auth.accessToken }))).toEqual([403, "invalid_credentials"]);
    }
    const locked = await t.api.delete("/me", { password }, { token: auth.accessToken });
    expect(failure(locked)).toEqual([429, "login_locked"]);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect((await rowsOf(auth.account.id))?.accounts).toBe(1);
  });
});
