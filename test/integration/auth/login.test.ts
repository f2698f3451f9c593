import { registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { countingHasher, verificationsDuring } from "../../helpers/counting-hasher";
import { authBody, errorBody, failure, type HttpResponse } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import { uniqueUsername } from "../../helpers/test-server";

/** The argon2 binding the server calls (the same CommonJS module object), to count native verifications. */
const argon2 = jest.requireActual<typeof import("@node-rs/argon2")>("@node-rs/argon2");
const counter = countingHasher();
let t: AuthTestServer;
let alice: TestAccount;
let disabled: TestAccount;

beforeAll(async () => {
  t = await startAuthServer({}, { start: { hasher: counter.hasher } });
  alice = await registerAccount(t.api, { username: uniqueUsername("Alice") });
  disabled = await registerAccount(t.api);
  await sql(t.db.url, "UPDATE accounts SET disabled_at = now() WHERE id = $1", [disabled.auth.account.id]);
});
afterAll(() => t.close());

/** Everything a caller can observe about a refusal, except the per-request id and date. */
function observable(res: HttpResponse) {
  const { requestId, ...error } = errorBody(res);
  expect(res.headers["x-request-id"]).toBe(requestId);
  const headerNames = Object.keys(res.headers)
    .filter((h) => h !== "date")
    .sort();
  const headers = Object.fromEntries(headerNames.map((h) => [h, h === "x-request-id" ? "(id)" : res.headers[h]]));
  return { status: res.status, error, headers };
}

describe("POST /auth/login", () => {
  test("200 with the register shape, a new session, and the stored username casing", async () => {
    const res = await t.api.login(alice.username.toUpperCase(), alice.password);
    const auth = authBody(res);
    expect(Object.keys(res.body as object).sort()).toEqual(["accessToken", "account", "expiresIn", "refreshToken"]);
    expect(auth.account).toEqual({ id: alice.auth.account.id, username: alice.username, displayName: alice.username });
    expect(auth.expiresIn).toBe(900);
    expect(auth.refreshToken).not.toBe(alice.auth.refreshToken);
    expect((await t.api.me(auth.accessToken)).status).toBe(200);
    expect((await t.api.me(alice.auth.accessToken)).status).toBe(200);
    const sessions = await sql(t.db.url, "SELECT id FROM sessions WHERE account_id = $1 AND revoked_at IS NULL", [alice.auth.account.id]);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
  });

  test("unknown user, wrong password and disabled account are indistinguishable", async () => {
    const unknown = await t.api.login(uniqueUsername("Nobody"), alice.password);
    const wrong = await t.api.login(alice.username, alice.password + "x");
    const off = await t.api.login(disabled.username, disabled.password);

    expect(failure(wrong)).toEqual([401, "invalid_credentials"]);
    expect(observable(unknown)).toEqual(observable(wrong));
    expect(observable(off)).toEqual(observable(wrong));
    expect(unknown.text.replace(errorBody(unknown).requestId, "")).toBe(wrong.text.replace(errorBody(wrong).requestId, ""));
  });

  test("each refusal spends exactly one argon2 verification, like a real login (timing parity)", async () => {
    const nativeVerify = jest.spyOn(argon2, "verify");
    try {
      const cost = {
        success: await verificationsDuring(counter, () => t.api.login(alice.username, alice.password)),
        wrongPassword: await verificationsDuring(counter, () => t.api.login(alice.username, "not-the-password")),
        unknownUser: await verificationsDuring(counter, () => t.api.login(uniqueUsername("Ghost"), "not-the-password")),
        disabled: await verificationsDuring(counter, () => t.api.login(disabled.username, disabled.password)),
      };
      expect(cost).toEqual({ success: 1, wrongPassword: 1, unknownUser: 1, disabled: 1 });
      // The dummy verification is real argon2 work, not a shortcut: 4 logins, 4 native verifications.
      expect(nativeVerify).toHaveBeenCalledTimes(4);
    } finally {
      nativeVerify.mockRestore();
    }
  });

  test("a disabled account's existing tokens stop working", async () => {
    expect(failure(await t.api.me(disabled.auth.accessToken))).toEqual([401, "invalid_token"]);
    expect(failure(await t.api.refresh(disabled.auth.refreshToken))).toEqual([401, "invalid_refresh_token"]);
  });

  test("invalid bodies are 400 invalid_request naming the fields, and spend no argon2 work", async () => {
    const cost = await verificationsDuring(counter, async () => {
      const missing = await t.api.post("/auth/login", { username: alice.username });
      expect(failure(missing)).toEqual([400, "invalid_request"]);
      expect(errorBody(missing).fields?.map((f) => f.path)).toEqual(["password"]);

      const extra = await t.api.post("/auth/login", { username: alice.username, password: alice.password, remember: true });
      expect(failure(extra)).toEqual([400, "invalid_request"]);
      expect(errorBody(extra).fields?.map((f) => f.path)).toEqual(["remember"]);

      const huge = await t.api.post("/auth/login", { username: alice.username, password: "x".repeat(600) });
      expect(failure(huge)).toEqual([400, "invalid_request"]);

      const wrongType = await t.api.post("/auth/login", { username: ["admin"], password: 12345678 });
      expect(errorBody(wrongType).fields?.map((f) => f.path).sort()).toEqual(["password", "username"]);
    });
    expect(cost).toBe(0);
  });
});
