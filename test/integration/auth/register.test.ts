import { registerAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { SERVER_DEFAULT_HASH_COST } from "../../helpers/hash-cost";
import { authBody, errorBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import { GOOD_PASSWORD, uniqueUsername } from "../../helpers/test-server";

// Each top-level describe owns its server, so only one runs at a time in this process.
let t: AuthTestServer;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The distinct field paths an invalid_request names, sorted. */
const fieldPaths = (res: Parameters<typeof errorBody>[0]) => [...new Set((errorBody(res).fields ?? []).map((f) => f.path))].sort();

describe("POST /auth/register", () => {
  beforeAll(async () => {
    t = await startAuthServer();
  });
  afterAll(() => t.close());

  test("201 with exactly {account:{id,username,displayName}, accessToken, refreshToken, expiresIn}", async () => {
    const username = uniqueUsername("Reg");
    const res = await t.api.register(username, GOOD_PASSWORD);
    expect(res.status).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    const body = res.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["accessToken", "account", "expiresIn", "refreshToken"]);
    const auth = authBody(res, 201);
    expect(Object.keys(auth.account).sort()).toEqual(["displayName", "id", "username"]);
    expect(auth.account.id).toMatch(UUID);
    expect(auth.account.username).toBe(username);
    expect(auth.account.displayName).toBe(username);
    expect(auth.expiresIn).toBe(900);
    expect(auth.refreshToken).not.toBe(auth.accessToken);

    const me = await t.api.me(auth.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ account: { id: auth.account.id, username } });
  });

  test.each([
    ["too short", "ab"],
    ["too long", "a".repeat(21)],
    ["a hyphen", "bad-name"],
    ["a space", "bad name"],
    ["non-ASCII letters", "jürgen"],
    ["empty", ""],
  ])("a username with %s is refused: 400 invalid_request on field username", async (_why, username) => {
    const res = await t.api.register(username, GOOD_PASSWORD);
    expect(failure(res)).toEqual([400, "invalid_request"]);
    expect(fieldPaths(res)).toEqual(["username"]);
  });

  test("usernames of 3 and 20 characters of [A-Za-z0-9_] are accepted", async () => {
    await registerAccount(t.api, { username: "a_1" });
    await registerAccount(t.api, { username: "Z9_" + "x".repeat(17) });
  });

  test("usernames are unique case-insensitively: 409 username_taken", async () => {
    await registerAccount(t.api, { username: "Taken_Name" });
    for (const variant of ["Taken_Name", "taken_name", "TAKEN_NAME"]) {
      const res = await t.api.register(variant, "another-fine-passphrase");
      expect(failure(res)).toEqual([409, "username_taken"]);
    }
  });

  test("two concurrent registrations of one name in different cases: exactly one wins", async () => {
    const results = await Promise.all([t.api.register("Race_Name", GOOD_PASSWORD), t.api.register("race_NAME", GOOD_PASSWORD)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const rows = await sql(t.db.url, "SELECT id FROM accounts WHERE username_key = 'race_name'");
    expect(rows).toHaveLength(1);
  });

  test("unknown body keys are refused and named in fields", async () => {
    const res = await t.api.post("/auth/register", { username: uniqueUsername(), password: GOOD_PASSWORD, role: "admin" });
    expect(failure(res)).toEqual([400, "invalid_request"]);
    expect(fieldPaths(res)).toEqual(["role"]);
  });

  test("400 invalid_request lists every offending field", async () => {
    const res = await t.api.post("/auth/register", { username: "x!", password: "short" });
    expect(failure(res)).toEqual([400, "invalid_request"]);
    expect(fieldPaths(res)).toEqual(["password", "username"]);

    const empty = await t.api.post("/auth/register", {});
    expect(fieldPaths(empty)).toEqual(["password", "username"]);
  });

  describe("password rules", () => {
    const alnum = (n: number, seed: string) => Array.from({ length: n }, (_, i) => seed[i % seed.length]).join("");

    test("length is 8..128 code points (not UTF-16 units)", async () => {
      const tooShort = await t.api.register(uniqueUsername(), "q7#Lm2!");
      expect(failure(tooShort)).toEqual([400, "invalid_request"]);
      expect(fieldPaths(tooShort)).toEqual(["password"]);
      await registerAccount(t.api, { password: "q7#Lm2!x" });

      // 7 emoji are 14 UTF-16 units but only 7 characters.
      expect(failure(await t.api.register(uniqueUsername(), "🦊🐙🦉🐝🦋🐢🦔"))).toEqual([400, "invalid_request"]);
      // 128 emoji are 256 UTF-16 units but 128 characters.
      await registerAccount(t.api, { password: "🦊🐙🦉🐝".repeat(32) });
      expect(failure(await t.api.register(uniqueUsername(), "🦊🐙🦉🐝".repeat(32) + "🐢"))).toEqual([400, "invalid_request"]);
    });

    test("a 128-character password works; the 129th character is refused at registration", async () => {
      const p128 = alnum(128, "Kx7pQ2wL9mZ4vB8nR3tY6");
      const account = await registerAccount(t.api, { password: p128 });
      expect(authBody(await t.api.login(account.username, p128)).account.username).toBe(account.username);

      const p129 = await t.api.register(uniqueUsername(), p128 + "Z");
      expect(failure(p129)).toEqual([400, "invalid_request"]);
      expect(fieldPaths(p129)).toEqual(["password"]);
    });

    test("passwords are never truncated: only the exact long password logs in", async () => {
      const stored = alnum(127, "Hq4Wz8Ke2Lp6Nc1Vb5") + "A";
      const account = await registerAccount(t.api, { password: stored });
      const variants = [
        stored.slice(0, 127) + "B", // differs only in the last character
        stored.slice(0, 127), // a prefix
        stored + "A", // one character more
        stored.slice(0, 72), // where bcrypt would have cut
      ];
      for (const password of variants) {
        expect(failure(await t.api.login(account.username, password))).toEqual([401, "invalid_credentials"]);
      }
      expect((await t.api.login(account.username, stored)).status).toBe(200);
    });

    test("passwords are compared after NFC normalisation", async () => {
      const decomposed = "cafe\u0301-latte-morning";
      const account = await registerAccount(t.api, { password: decomposed });
      expect((await t.api.login(account.username, "caf\u00e9-latte-morning")).status).toBe(200);
    });

    test.each(["password1", "Password1", "qwertyuiop", "iloveyou"])("the common password %p is refused: 400 weak_password", async (password) => {
      const res = await t.api.register(uniqueUsername(), password);
      expect(failure(res)).toEqual([400, "weak_password"]);
      expect(fieldPaths(res)).toEqual(["password"]);
    });

    test("a password containing the username is refused: 400 weak_password", async () => {
      const username = uniqueUsername("Sam");
      expect(failure(await t.api.register(username, `${username.toLowerCase()}!2024`))).toEqual([400, "weak_password"]);
    });
  });
});

describe("stored password hashes (the server's default cost, not the tests' cheap one)", () => {
  beforeAll(async () => {
    t = await startAuthServer(SERVER_DEFAULT_HASH_COST);
  });
  afterAll(() => t.close());

  test("the stored hash is argon2id with m=19456, t=2, p=1, salted, never the password", async () => {
    const a = await registerAccount(t.api);
    const b = await registerAccount(t.api);
    const rows = await sql<{ id: string; password_hash: string }>(t.db.url, "SELECT id, password_hash FROM accounts WHERE id = ANY($1)", [
      [a.auth.account.id, b.auth.account.id],
    ]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{32,}$/);
      expect(row.password_hash).not.toContain(GOOD_PASSWORD);
    }
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  });
});

describe("registration rate limit per IP", () => {
  let limited: AuthTestServer;
  beforeAll(async () => {
    limited = await startAuthServer({ REGISTER_MAX_PER_IP_PER_HOUR: "2" });
  });
  afterAll(() => limited.close());

  test("the third registration from one IP in an hour is 429 rate_limited; another IP is unaffected", async () => {
    await registerAccount(limited.api);
    await registerAccount(limited.api);
    const res = await limited.api.register(uniqueUsername(), GOOD_PASSWORD);
    expect(failure(res)).toEqual([429, "rate_limited"]);
    const retryAfter = Number(res.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(errorBody(res).retryAfterSeconds).toBe(retryAfter);

    await registerAccount(limited.api.from("127.0.0.2"));
  });
});
