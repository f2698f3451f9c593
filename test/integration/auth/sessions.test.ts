import { SessionListResponseSchema } from "../../../shared/schemas/auth";
import { loginAccount, registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import { GOOD_PASSWORD } from "../../helpers/test-server";

// A player's own sessions over HTTP: listing them, ending one, and changing the password (which
// ends every other session and hands this one a fresh token pair).
let t: AuthTestServer;
beforeAll(async () => {
  t = await startAuthServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: "3", LOGIN_MAX_FAILURES_PER_IP: "1000" });
});
afterAll(() => t.close());

const NEW_PASSWORD = "copper-lantern-77-delta";
const sessionsOf = async (token: string) => {
  const res = await t.api.get("/me/sessions", { token });
  expect(res.status).toBe(200);
  return SessionListResponseSchema.strict().parse(res.body).items;
};
const revokedReason = async (sessionId: string) =>
  (await sql<{ revoked_reason: string | null }>(t.db.url, "SELECT revoked_reason FROM sessions WHERE id = $1", [sessionId]))[0]?.revoked_reason;
const sessionIdOf = async (token: string) => (await sessionsOf(token)).find((s) => s.current)!.id;

describe("GET /me/sessions", () => {
  test("lists the account's live sessions, newest first, marking the caller's; ended ones are left out", async () => {
    const account = await registerAccount(t.api);
    const phone = await loginAccount(t.api, account);
    const laptop = authBody(await t.api.post("/auth/login", { username: account.username, password: account.password }, { headers: { "user-agent": "Laptop/1.0" } }));
    const items = await sessionsOf(laptop.accessToken);
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    expect(items[0]).toMatchObject({ current: true, userAgent: "Laptop/1.0" });
    for (const s of items) expect(Date.parse(s.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(s.createdAt));
    const created = items.map((s) => Date.parse(s.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    const phoneId = await sessionIdOf(phone.accessToken);
    expect(items.map((s) => s.id)).toContain(phoneId);
    await t.api.post("/auth/logout", { refreshToken: phone.refreshToken });
    const after = await sessionsOf(laptop.accessToken);
    expect(after).toHaveLength(2);
    expect(after.map((s) => s.id)).not.toContain(phoneId);
  });

  test("another account's sessions never appear", async () => {
    const [a, b] = [await registerAccount(t.api), await registerAccount(t.api)];
    const ids = new Set((await sessionsOf(a.auth.accessToken)).map((s) => s.id));
    for (const s of await sessionsOf(b.auth.accessToken)) expect(ids.has(s.id)).toBe(false);
  });

  test("needs a token", async () => {
    expect(failure(await t.api.get("/me/sessions"))).toEqual([401, "unauthorized"]);
  });
});

describe("DELETE /me/sessions/{id}", () => {
  test("ends that session at once (its tokens stop working); the caller's stays", async () => {
    const account = await registerAccount(t.api);
    const other = await loginAccount(t.api, account);
    const otherId = await sessionIdOf(other.accessToken);
    const res = await t.api.delete(`/me/sessions/${otherId}`, undefined, { token: account.auth.accessToken });
    expect(res.status).toBe(204);
    expect(failure(await t.api.me(other.accessToken))).toEqual([401, "invalid_token"]);
    expect(failure(await t.api.refresh(other.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect(await revokedReason(otherId)).toBe("session_ended");
    expect((await t.api.me(account.auth.accessToken)).status).toBe(200);
    expect((await sessionsOf(account.auth.accessToken)).map((s) => s.id)).not.toContain(otherId);
  });

  test("the caller's own session may be ended too (like logout)", async () => {
    const account = await registerAccount(t.api);
    const own = await sessionIdOf(account.auth.accessToken);
    expect((await t.api.delete(`/me/sessions/${own}`, undefined, { token: account.auth.accessToken })).status).toBe(204);
    expect(failure(await t.api.me(account.auth.accessToken))).toEqual([401, "invalid_token"]);
  });

  test("another account's session, an ended one, or an unknown id is 404 session_not_found, and nothing ends", async () => {
    const [a, b] = [await registerAccount(t.api), await registerAccount(t.api)];
    const bSession = await sessionIdOf(b.auth.accessToken);
    expect(failure(await t.api.delete(`/me/sessions/${bSession}`, undefined, { token: a.auth.accessToken }))).toEqual([404, "session_not_found"]);
    expect((await t.api.me(b.auth.accessToken)).status).toBe(200);
    expect(failure(await t.api.delete("/me/sessions/00000000-0000-4000-8000-000000000000", undefined, { token: a.auth.accessToken }))).toEqual([404, "session_not_found"]);
    const ended = await loginAccount(t.api, a);
    const endedId = await sessionIdOf(ended.accessToken);
    await t.api.post("/auth/logout", { refreshToken: ended.refreshToken });
    expect(failure(await t.api.delete(`/me/sessions/${endedId}`, undefined, { token: a.auth.accessToken }))).toEqual([404, "session_not_found"]);
    expect(failure(await t.api.delete("/me/sessions/not-a-uuid", undefined, { token: a.auth.accessToken }))).toEqual([400, "invalid_request"]);
  });
});

describe("POST /me/password", () => {
  test("sets the new password, answers a fresh token pair for this session, and ends every other session", async () => {
    const account: TestAccount = await registerAccount(t.api);
    const other = await loginAccount(t.api, account);
    const otherId = await sessionIdOf(other.accessToken);
    const currentId = await sessionIdOf(account.auth.accessToken);

    const res = await t.api.post("/me/password", { currentPassword: account.password, newPassword: NEW_PASSWORD }, { token: account.auth.accessToken });
    const fresh = authBody(res);
    expect(fresh.account.username).toBe(account.username);
    expect(await sessionIdOf(fresh.accessToken)).toBe(currentId);
    // This session goes on with the fresh pair; its previous refresh token is spent.
    authBody(await t.api.refresh(fresh.refreshToken));
    expect((await t.api.me(account.auth.accessToken)).status).toBe(200);
    // Every other session ended at once.
    expect(failure(await t.api.me(other.accessToken))).toEqual([401, "invalid_token"]);
    expect(failure(await t.api.refresh(other.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect(await revokedReason(otherId)).toBe("password_changed");
    // Only the new password logs in.
    expect(failure(await t.api.login(account.username, account.password))).toEqual([401, "invalid_credentials"]);
    authBody(await t.api.login(account.username, NEW_PASSWORD));
  });

  test("a wrong current password is 403 invalid_credentials, changes nothing, and counts toward the lockout", async () => {
    const account = await registerAccount(t.api);
    const other = await loginAccount(t.api, account);
    const wrong = () => t.api.post("/me/password", { currentPassword: "not-the-password-1", newPassword: NEW_PASSWORD }, { token: account.auth.accessToken });
    expect(failure(await wrong())).toEqual([403, "invalid_credentials"]);
    expect((await t.api.me(other.accessToken)).status).toBe(200);
    // LOGIN_MAX_FAILURES_PER_ACCOUNT_IP is 3 here: two more wrong tries lock this account from this IP.
    await wrong();
    await wrong();
    expect(failure(await t.api.login(account.username, account.password))).toEqual([429, "login_locked"]);
    // The password did not change: it still logs in from another address.
    authBody(await t.api.from("127.0.0.2").login(account.username, account.password));
  });

  test("a weak new password is 400 weak_password; a short one or a missing field 400 invalid_request; no token 401; the password stays", async () => {
    const account = await registerAccount(t.api);
    const change = (body: unknown) => t.api.post("/me/password", body, { token: account.auth.accessToken });
    expect(failure(await change({ currentPassword: account.password, newPassword: "password1" }))).toEqual([400, "weak_password"]);
    expect(failure(await change({ currentPassword: account.password, newPassword: `x${account.username}9` }))).toEqual([400, "weak_password"]);
    expect(failure(await change({ currentPassword: account.password, newPassword: "short" }))).toEqual([400, "invalid_request"]);
    expect(failure(await change({ currentPassword: account.password }))).toEqual([400, "invalid_request"]);
    expect(failure(await t.api.post("/me/password", { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD }))).toEqual([401, "unauthorized"]);
    authBody(await t.api.login(account.username, account.password));
  });
});
