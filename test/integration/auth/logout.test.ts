import { loginAccount, registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";

let t: AuthTestServer;
let account: TestAccount;

beforeAll(async () => {
  t = await startAuthServer();
  account = await registerAccount(t.api);
});
afterAll(() => t.close());

const revokedReasons = async (accountId: string) =>
  (await sql<{ revoked_reason: string | null }>(t.db.url, "SELECT revoked_reason FROM sessions WHERE account_id = $1", [accountId])).map(
    (r) => r.revoked_reason,
  );

describe("POST /auth/logout", () => {
  test("ends that session at once; the account's other session is unaffected", async () => {
    const ending = await loginAccount(t.api, account);
    const other = await loginAccount(t.api, account);
    expect((await t.api.me(ending.accessToken)).status).toBe(200);

    const res = await t.api.post("/auth/logout", { refreshToken: ending.refreshToken });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");

    expect(failure(await t.api.me(ending.accessToken))).toEqual([401, "invalid_token"]);
    expect(failure(await t.api.refresh(ending.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect((await t.api.me(other.accessToken)).status).toBe(200);
    authBody(await t.api.refresh(other.refreshToken));
  });

  test("is idempotent: an unknown or already-used token is 204", async () => {
    expect((await t.api.post("/auth/logout", { refreshToken: "no-such-token" })).status).toBe(204);
    const session = await loginAccount(t.api, account);
    expect((await t.api.post("/auth/logout", { refreshToken: session.refreshToken })).status).toBe(204);
    expect((await t.api.post("/auth/logout", { refreshToken: session.refreshToken })).status).toBe(204);
  });

  test("a malformed body is 400 invalid_request", async () => {
    expect(failure(await t.api.post("/auth/logout", {}))).toEqual([400, "invalid_request"]);
    expect(failure(await t.api.post("/auth/logout", { refreshToken: 42 }))).toEqual([400, "invalid_request"]);
  });
});

describe("POST /auth/logout-all", () => {
  test("ends every session of the account at once; other accounts are unaffected", async () => {
    const victim = await registerAccount(t.api);
    const sessions = [victim.auth, await loginAccount(t.api, victim), await loginAccount(t.api, victim)];
    const stranger = await registerAccount(t.api);

    expect((await t.api.post("/auth/logout-all", undefined, { token: sessions[1]!.accessToken })).status).toBe(204);

    for (const s of sessions) {
      expect(failure(await t.api.me(s.accessToken))).toEqual([401, "invalid_token"]);
      expect(failure(await t.api.refresh(s.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    }
    expect(await revokedReasons(victim.auth.account.id)).toEqual(["logout_all", "logout_all", "logout_all"]);
    expect((await t.api.me(stranger.auth.accessToken)).status).toBe(200);

    // The account itself is fine: a new login starts a new session.
    const fresh = await loginAccount(t.api, victim);
    expect((await t.api.me(fresh.accessToken)).status).toBe(200);
  });

  test("requires a live access token", async () => {
    const noToken = await t.api.post("/auth/logout-all");
    expect(failure(noToken)).toEqual([401, "unauthorized"]);
    expect(noToken.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(failure(await t.api.post("/auth/logout-all", undefined, { token: account.auth.refreshToken }))).toEqual([401, "invalid_token"]);
  });
});
