import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { ManualClock } from "../../../server/lib/clock";
import { loginAccount, registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";

const SESSION_TTL_SECONDS = 3600;
const clock = new ManualClock();
let t: AuthTestServer;
let account: TestAccount;

beforeAll(async () => {
  t = await startAuthServer({ SESSION_TTL_SECONDS: String(SESSION_TTL_SECONDS) }, { clock });
  account = await registerAccount(t.api);
});
afterAll(() => t.close());

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

describe("POST /auth/refresh", () => {
  test("returns a new pair in the login shape; each new token works", async () => {
    const first = await loginAccount(t.api, account);
    const second = authBody(await t.api.refresh(first.refreshToken));
    expect(second.account).toEqual(first.account);
    expect(second.expiresIn).toBe(900);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await t.api.me(second.accessToken)).status).toBe(200);

    const third = authBody(await t.api.refresh(second.refreshToken));
    expect((await t.api.me(third.accessToken)).status).toBe(200);
  });

  test("refresh tokens are opaque and stored only as SHA-256 hashes", async () => {
    const { refreshToken } = await loginAccount(t.api, account);
    expect(jwt.decode(refreshToken)).toBeNull();
    expect(refreshToken.length).toBeGreaterThanOrEqual(40);
    const hashed = await sql(t.db.url, "SELECT id FROM refresh_tokens WHERE token_hash = $1", [sha256(refreshToken)]);
    expect(hashed).toHaveLength(1);
    const dump = await sql<{ row: string }>(t.db.url, "SELECT row_to_json(r)::text AS row FROM refresh_tokens r");
    expect(dump.map((r) => r.row).join("\n")).not.toContain(refreshToken);
  });

  test("reusing a rotated token is 401 refresh_token_reused and revokes the whole family", async () => {
    const login = await loginAccount(t.api, account);
    const rotated = authBody(await t.api.refresh(login.refreshToken));
    const bystander = await loginAccount(t.api, account); // another session of the same account

    expect(failure(await t.api.refresh(login.refreshToken))).toEqual([401, "refresh_token_reused"]);

    // The newest refresh token and every access token of that session are dead.
    expect(failure(await t.api.refresh(rotated.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect(failure(await t.api.me(rotated.accessToken))).toEqual([401, "invalid_token"]);
    expect(failure(await t.api.me(login.accessToken))).toEqual([401, "invalid_token"]);
    const [session] = await sql<{ revoked_reason: string }>(
      t.db.url,
      "SELECT s.revoked_reason FROM sessions s JOIN refresh_tokens r ON r.session_id = s.id WHERE r.token_hash = $1",
      [sha256(login.refreshToken)],
    );
    expect(session?.revoked_reason).toBe("refresh_reuse");

    // Only that family: the account's other session is untouched.
    expect((await t.api.me(bystander.accessToken)).status).toBe(200);
    authBody(await t.api.refresh(bystander.refreshToken));
  });

  test("concurrent refreshes of one token: exactly one succeeds", async () => {
    const login = await loginAccount(t.api, account);
    const results = await Promise.all(Array.from({ length: 4 }, () => t.api.refresh(login.refreshToken)));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.status !== 200)) {
      expect(["refresh_token_reused", "invalid_refresh_token"]).toContain(failure(loser)[1]);
      expect(loser.status).toBe(401);
    }
    // The losers presented a used token: the family is revoked, the winner's pair with it.
    expect(failure(await t.api.refresh(authBody(winners[0]!).refreshToken))).toEqual([401, "invalid_refresh_token"]);
  });

  test("the session has an absolute lifetime that refreshing never extends", async () => {
    const login = await loginAccount(t.api, account);
    clock.advance((SESSION_TTL_SECONDS - 600) * 1000);
    const late = authBody(await t.api.refresh(login.refreshToken));
    expect((await t.api.me(late.accessToken)).status).toBe(200);

    clock.advance(601 * 1000); // past the session's end; `late`'s access token has 299 s left on its own
    expect(failure(await t.api.refresh(late.refreshToken))).toEqual([401, "invalid_refresh_token"]);
    expect(failure(await t.api.me(late.accessToken))).toEqual([401, "invalid_token"]);
  });

  test("unknown, logged-out and malformed refresh tokens are refused", async () => {
    expect(failure(await t.api.refresh(crypto.randomBytes(32).toString("base64url")))).toEqual([401, "invalid_refresh_token"]);

    const login = await loginAccount(t.api, account);
    expect((await t.api.post("/auth/logout", { refreshToken: login.refreshToken })).status).toBe(204);
    expect(failure(await t.api.refresh(login.refreshToken))).toEqual([401, "invalid_refresh_token"]);

    expect(failure(await t.api.post("/auth/refresh", {}))).toEqual([400, "invalid_request"]);
    expect(failure(await t.api.post("/auth/refresh", { refreshToken: "x".repeat(300) }))).toEqual([400, "invalid_request"]);
    expect(failure(await t.api.post("/auth/refresh", { refreshToken: login.accessToken, extra: 1 }))).toEqual([400, "invalid_request"]);
    // An access token is not a refresh token (refused by length or by lookup, never exchanged).
    const [status, code] = failure(await t.api.refresh(login.accessToken));
    expect([`${status} ${code}`]).toEqual([expect.stringMatching(/^(400 invalid_request|401 invalid_refresh_token)$/)]);
  });
});
