import { registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { countingHasher, verificationsDuring } from "../../helpers/counting-hasher";
import { withFakeDate } from "../../helpers/fake-date";
import { authBody, errorBody, failure, type Api, type HttpResponse } from "../../helpers/http";
import { testRedisUrl } from "../../helpers/redis";
import { uniqueUsername } from "../../helpers/test-server";

// Each describe owns its server, so only one runs at a time in this process.
const MAX = 3;
const LOCK_SECONDS = 60;
const ACCOUNT_LIMITS = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: String(MAX),
  LOGIN_ACCOUNT_IP_LOCK_SECONDS: String(LOCK_SECONDS),
  LOGIN_MAX_FAILURES_PER_IP: "1000",
};

async function failLogins(api: Api, username: string, times: number, headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < times; i++) {
    const res = await api.post("/auth/login", { username, password: `wrong-guess-${i}` }, { headers });
    expect(failure(res)).toEqual([401, "invalid_credentials"]);
  }
}

/** A 429 login_locked whose Retry-After header and retryAfterSeconds agree and lie in (0, max]. */
function expectLocked(res: HttpResponse, maxSeconds: number): number {
  expect(failure(res)).toEqual([429, "login_locked"]);
  const retryAfter = Number(res.headers["retry-after"]);
  expect(errorBody(res).retryAfterSeconds).toBe(retryAfter);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  return retryAfter;
}

describe.each([
  ["memory", async () => ({})],
  ["redis", async () => ({ REDIS_URL: await testRedisUrl() })],
])("per account+IP lockout (%s limiter store)", (_store, extraEnv) => {
  let t: AuthTestServer;
  let owner: TestAccount;
  beforeAll(async () => {
    t = await startAuthServer({ ...ACCOUNT_LIMITS, ...(await extraEnv()) });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    owner = await registerAccount(t.api);
  });

  test(`after ${MAX} failures: 429 login_locked with Retry-After, even for the right password`, async () => {
    await failLogins(t.api, owner.username, MAX);
    expectLocked(await t.api.login(owner.username, "yet-another-guess"), LOCK_SECONDS);
    expectLocked(await t.api.login(owner.username, owner.password), LOCK_SECONDS);
  });

  test("the owner still logs in from another IP while the attacker's IP is locked", async () => {
    await failLogins(t.api, owner.username, MAX);
    expectLocked(await t.api.login(owner.username, owner.password), LOCK_SECONDS);

    const elsewhere = t.api.from("127.0.0.2");
    expect(authBody(await elsewhere.login(owner.username, owner.password)).account.id).toBe(owner.auth.account.id);
    expectLocked(await t.api.login(owner.username, owner.password), LOCK_SECONDS);
  });

  test("unknown usernames lock exactly like real ones (no enumeration through the lock)", async () => {
    const ghost = uniqueUsername("Ghost");
    await failLogins(t.api, ghost, MAX);
    expectLocked(await t.api.login(ghost, "anything-at-all"), LOCK_SECONDS);
  });

  test("a successful login clears the account+IP failure count", async () => {
    await failLogins(t.api, owner.username, MAX - 1);
    authBody(await t.api.login(owner.username, owner.password));
    await failLogins(t.api, owner.username, MAX - 1);
    authBody(await t.api.login(owner.username, owner.password));
  });

  test("a spoofed X-Forwarded-For does not change the key when TRUST_PROXY is unset", async () => {
    for (let i = 0; i < MAX; i++) await failLogins(t.api, owner.username, 1, { "x-forwarded-for": `203.0.113.${i + 1}` });
    const res = await t.api.post("/auth/login", { username: owner.username, password: owner.password }, { headers: { "x-forwarded-for": "198.51.100.7" } });
    expectLocked(res, LOCK_SECONDS);
  });
});

describe("lock expiry (memory limiter, fake Date)", () => {
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer(ACCOUNT_LIMITS);
  });
  afterAll(() => t.close());

  test(`the lock lifts after LOGIN_ACCOUNT_IP_LOCK_SECONDS (${LOCK_SECONDS}s) and not before`, async () => {
    const owner = await registerAccount(t.api);
    await withFakeDate(async (advance) => {
      await failLogins(t.api, owner.username, MAX);
      expectLocked(await t.api.login(owner.username, owner.password), LOCK_SECONDS);

      advance(30_000);
      const remaining = expectLocked(await t.api.login(owner.username, owner.password), LOCK_SECONDS);
      expect(remaining).toBeLessThanOrEqual(LOCK_SECONDS - 29);

      advance(31_000);
      expect(authBody(await t.api.login(owner.username, owner.password)).account.id).toBe(owner.auth.account.id);
    });
  });
});

describe("concurrent guesses", () => {
  const counter = countingHasher();
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer(ACCOUNT_LIMITS, { start: { hasher: counter.hasher } });
  });
  afterAll(() => t.close());

  test(`${MAX * 4} simultaneous wrong guesses get exactly ${MAX} password checks`, async () => {
    const owner = await registerAccount(t.api);
    let statuses: number[] = [];
    const checks = await verificationsDuring(counter, async () => {
      const results = await Promise.all(
        Array.from({ length: MAX * 4 }, (_, i) => t.api.login(owner.username, `parallel-guess-${i}`)),
      );
      statuses = results.map((r) => r.status);
    });
    expect(checks).toBe(MAX);
    expect(statuses.filter((s) => s === 401)).toHaveLength(checks);
    expect(statuses.filter((s) => s === 429)).toHaveLength(MAX * 4 - checks);
    expectLocked(await t.api.login(owner.username, owner.password), LOCK_SECONDS);
  });
});

describe("per-IP limit across usernames", () => {
  const IP_MAX = 4;
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer({
      LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: "100",
      LOGIN_MAX_FAILURES_PER_IP: String(IP_MAX),
      LOGIN_IP_LOCK_SECONDS: "600",
    });
  });
  afterAll(() => t.close());

  test(`${IP_MAX} failures on different usernames lock the IP for every username; other IPs are unaffected`, async () => {
    const bystander = await registerAccount(t.api);
    for (let i = 0; i < IP_MAX; i++) await failLogins(t.api, uniqueUsername("Spray"), 1);
    expectLocked(await t.api.login(uniqueUsername("Spray"), "spray-password"), 600);
    expectLocked(await t.api.login(bystander.username, bystander.password), 600);
    authBody(await t.api.from("127.0.0.2").login(bystander.username, bystander.password));
  });

  test("successful logins do not spend the IP's failure budget", async () => {
    const office = t.api.from("127.0.0.3");
    const player = await registerAccount(office);
    for (let i = 0; i < IP_MAX * 3; i++) authBody(await office.login(player.username, player.password));
    for (let i = 0; i < IP_MAX; i++) await failLogins(office, uniqueUsername("Typo"), 1);
    expectLocked(await office.login(player.username, player.password), 600);
  });
});

describe("with TRUST_PROXY=loopback (control: the key really is the client IP)", () => {
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer({ ...ACCOUNT_LIMITS, TRUST_PROXY: "loopback" });
  });
  afterAll(() => t.close());

  test("X-Forwarded-For from a trusted proxy selects the client address the lock applies to", async () => {
    const owner = await registerAccount(t.api);
    const attacker = { "x-forwarded-for": "203.0.113.9" };
    await failLogins(t.api, owner.username, MAX, attacker);
    expectLocked(await t.api.post("/auth/login", { username: owner.username, password: owner.password }, { headers: attacker }), LOCK_SECONDS);
    const res = await t.api.post("/auth/login", { username: owner.username, password: owner.password }, { headers: { "x-forwarded-for": "198.51.100.7" } });
    expect(authBody(res).account.id).toBe(owner.auth.account.id);
  });
});
