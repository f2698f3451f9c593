import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { countingHasher, verificationsDuring } from "../../helpers/counting-hasher";
import { authBody, failure, type Api } from "../../helpers/http";
import { testRedisUrl } from "../../helpers/redis";
import { seedAccounts } from "../../helpers/accounts";
import { sql } from "../../helpers/sql";
import { GOOD_PASSWORD, uniqueUsername } from "../../helpers/test-server";

/**
 * Only real failures count against the login limits: any number of concurrent CORRECT logins from
 * one address succeed (a LAN party, a campus NAT), while concurrent WRONG guesses still cannot
 * outrun the limits. Defaults: 5 failures per (account, IP), 30 per IP.
 */
const BURST = 120;


const statusCounts = (statuses: number[]): Record<number, number> =>
  statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

async function wrongGuesses(api: Api, usernames: string[]): Promise<number[]> {
  const results = await Promise.all(usernames.map((u, i) => api.login(u, `wrong-guess-${i}`)));
  return results.map((r) => r.status);
}

describe.each([
  ["memory", async () => ({})],
  ["redis", async () => ({ REDIS_URL: await testRedisUrl() })],
])("concurrent correct logins from one IP (%s limiter store, default limits)", (_store, extraEnv) => {
  const counter = countingHasher();
  let t: AuthTestServer;
  beforeAll(async () => {
    // The admission queue is not under test here: nobody may wait long enough to be refused.
    t = await startAuthServer({ LOGIN_QUEUE_TIMEOUT_MS: "120000", ...(await extraEnv()) }, { start: { hasher: counter.hasher } });
  });
  afterAll(() => t.close());

  test(`${BURST} distinct accounts log in at once from 127.0.0.1: all ${BURST} succeed`, async () => {
    const names = await seedAccounts(t.db.url, BURST, "lan");
    const results = await Promise.all(names.map((u) => t.api.login(u, GOOD_PASSWORD)));
    expect(statusCounts(results.map((r) => r.status))).toEqual({ 200: BURST });
    expect(new Set(results.map((r) => authBody(r).account.username))).toEqual(new Set(names));
  }, 120_000);

  test(`one account logs in ${BURST} times at once from 127.0.0.1: all succeed, each with its own session`, async () => {
    const [name] = await seedAccounts(t.db.url, 1, "lan");
    const results = await Promise.all(Array.from({ length: BURST }, () => t.api.login(name!, GOOD_PASSWORD)));
    expect(statusCounts(results.map((r) => r.status))).toEqual({ 200: BURST });
    const sessions = await sql<{ n: number }>(t.db.url, "SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = $1", [name]);
    expect(sessions[0]!.n).toBe(BURST);
  }, 120_000);

  test("after those bursts the IP's failure budget is whole: exactly 30 wrong guesses are judged, then the IP locks", async () => {
    const [bystander] = await seedAccounts(t.db.url, 1, "lan");
    let statuses: number[] = [];
    const judged = await verificationsDuring(counter, async () => {
      for (let i = 0; i < 30; i++) statuses.push((await t.api.login(uniqueUsername("Typo"), "wrong-password")).status);
      statuses = statuses.concat((await wrongGuesses(t.api, [uniqueUsername("Typo")])));
    });
    expect(judged).toBe(30);
    expect(statusCounts(statuses)).toEqual({ 401: 30, 429: 1 });
    expect(failure(await t.api.login(bystander!, GOOD_PASSWORD))).toEqual([429, "login_locked"]);
    authBody(await t.api.from("127.0.0.2").login(bystander!, GOOD_PASSWORD));
  }, 60_000);
});

describe.each([
  ["memory", async () => ({})],
  ["redis", async () => ({ REDIS_URL: await testRedisUrl() })],
])("concurrent wrong guesses cannot outrun the limits (%s limiter store)", (_store, extraEnv) => {
  const PAIR_MAX = 5;
  const IP_MAX = 6;
  const counter = countingHasher();
  let t: AuthTestServer;
  afterEach(() => t.close());

  test(`${PAIR_MAX * 8} simultaneous wrong guesses on one account: exactly ${PAIR_MAX} are judged; then even the right password is refused`, async () => {
    t = await startAuthServer({ LOGIN_MAX_FAILURES_PER_IP: "1000", LOGIN_QUEUE_TIMEOUT_MS: "120000", ...(await extraEnv()) }, { start: { hasher: counter.hasher } });
    const [owner] = await seedAccounts(t.db.url, 1, "lan");
    let statuses: number[] = [];
    const judged = await verificationsDuring(counter, async () => {
      statuses = await wrongGuesses(t.api, Array.from({ length: PAIR_MAX * 8 }, () => owner!));
    });
    expect(judged).toBe(PAIR_MAX);
    expect(statusCounts(statuses)).toEqual({ 401: PAIR_MAX, 429: PAIR_MAX * 7 });
    expect(failure(await t.api.login(owner!, GOOD_PASSWORD))).toEqual([429, "login_locked"]);
    authBody(await t.api.from("127.0.0.2").login(owner!, GOOD_PASSWORD));
  }, 60_000);

  test.each([1, 4])(
    `40 simultaneous wrong guesses on distinct usernames with LOGIN_MAX_IN_FLIGHT=%i: at most IP limit + in-flight - 1 are judged, then the IP locks`,
    async (inFlight) => {
      t = await startAuthServer(
        {
          LOGIN_MAX_FAILURES_PER_IP: String(IP_MAX),
          LOGIN_MAX_IN_FLIGHT: String(inFlight),
          LOGIN_QUEUE_TIMEOUT_MS: "120000",
          ...(await extraEnv()),
        },
        { start: { hasher: counter.hasher } },
      );
      const [bystander] = await seedAccounts(t.db.url, 1, "lan");
      let statuses: number[] = [];
      const judged = await verificationsDuring(counter, async () => {
        statuses = await wrongGuesses(t.api, Array.from({ length: 40 }, () => uniqueUsername("Spray")));
      });
      expect(judged).toBeGreaterThanOrEqual(IP_MAX);
      expect(judged).toBeLessThanOrEqual(IP_MAX + inFlight - 1);
      if (inFlight === 1) expect(judged).toBe(IP_MAX);
      expect(statusCounts(statuses)).toEqual({ 401: judged, 429: 40 - judged });
      expect(failure(await t.api.login(bystander!, GOOD_PASSWORD))).toEqual([429, "login_locked"]);
      authBody(await t.api.from("127.0.0.2").login(bystander!, GOOD_PASSWORD));
    },
    60_000,
  );
});
