import { LobbyApiError, LobbyHttpClient } from "../../../shared/client/http-client";
import { createArgon2Hasher, type PasswordHasher } from "../../../server/modules/auth/password-hasher";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, errorBody, failure, type HttpResponse } from "../../helpers/http";
import { seedAccounts } from "../../helpers/accounts";
import { testHashCost } from "../../helpers/hash-cost";
import { GOOD_PASSWORD, uniqueUsername } from "../../helpers/test-server";

/**
 * Login admission control: LOGIN_MAX_IN_FLIGHT=1 and LOGIN_QUEUE_MAX=2. With the one running login
 * held inside its password check, a burst of N logins gets exactly 1 + 2 answers 200 and N - 3
 * answers 503 server_busy with Retry-After at once; afterwards everyone logs in. Nothing here
 * depends on timing: the test decides when the held check finishes.
 */
const IN_FLIGHT = 1;
const QUEUED = 2;
const BURST = 12;

/** The real hasher; while `hold` is set, every verification waits for it first. */
function holdableHasher() {
  const inner = createArgon2Hasher(testHashCost());
  let hold: Promise<void> | undefined;
  let release = () => {};
  let entered = 0;
  const wait = async () => {
    entered += 1;
    await hold;
  };
  const hasher: PasswordHasher = {
    hash: async (p) => (await wait(), inner.hash(p)),
    verify: async (h, p) => (await wait(), inner.verify(h, p)),
    verifyDummy: async (p) => (await wait(), inner.verifyDummy(p)),
  };
  return {
    hasher,
    entered: () => entered,
    hold() {
      hold = new Promise<void>((resolve) => (release = resolve));
    },
    release() {
      hold = undefined;
      release();
    },
  };
}


function expectBusy(res: HttpResponse): void {
  expect(failure(res)).toEqual([503, "server_busy"]);
  const retryAfter = Number(res.headers["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(errorBody(res).retryAfterSeconds).toBe(retryAfter);
}

describe(`login admission (LOGIN_MAX_IN_FLIGHT=${IN_FLIGHT}, LOGIN_QUEUE_MAX=${QUEUED})`, () => {
  const gate = holdableHasher();
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer(
      { LOGIN_MAX_IN_FLIGHT: String(IN_FLIGHT), LOGIN_QUEUE_MAX: String(QUEUED), LOGIN_QUEUE_TIMEOUT_MS: "120000" },
      { start: { hasher: gate.hasher } },
    );
  });
  afterAll(async () => {
    gate.release();
    await t.close();
  });

  test(`a burst of ${BURST} logins: exactly ${IN_FLIGHT + QUEUED} get 200, ${BURST - IN_FLIGHT - QUEUED} get 503 server_busy with Retry-After; then all log in`, async () => {
    const names = await seedAccounts(t.db.url, BURST, "adm");
    gate.hold();
    const answers: HttpResponse[] = [];
    const pending = names.map((u, i) =>
      t.api.from(`127.0.1.${i + 1}`).login(u, GOOD_PASSWORD).then((res) => {
        answers.push(res);
        return res;
      }),
    );
    // The refusals come back while the admitted login is still held in its password check.
    await waitFor(() => answers.length === BURST - IN_FLIGHT - QUEUED);
    expect(gate.entered()).toBe(IN_FLIGHT);
    for (const res of answers) expectBusy(res);

    gate.release();
    const results = await Promise.all(pending);
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(IN_FLIGHT + QUEUED);
    expect(results.filter((r) => r.status === 503)).toHaveLength(BURST - IN_FLIGHT - QUEUED);

    // Afterwards everyone can log in (one after another: nobody waits behind a full queue).
    for (const u of names) expect(authBody(await t.api.login(u, GOOD_PASSWORD)).account.username).toBe(u);
  }, 60_000);

  test("registration and the operator login wait behind the same gate (503 server_busy past its queue)", async () => {
    const [held, ...queued] = await seedAccounts(t.db.url, 1 + QUEUED, "adm");
    gate.hold();
    const entered = gate.entered();
    const running = [t.api.login(held!, GOOD_PASSWORD), ...queued.map((u) => t.api.login(u, GOOD_PASSWORD))];
    await waitFor(() => gate.entered() === entered + 1);
    // Queue full: a registration and an operator login are refused at once, before any hash.
    expectBusy(await t.api.register(uniqueUsername("Late"), GOOD_PASSWORD));
    expectBusy(await t.api.post("/admin/api/login", { username: uniqueUsername("Op"), password: GOOD_PASSWORD }));
    expect(gate.entered()).toBe(entered + 1);
    gate.release();
    for (const res of await Promise.all(running)) authBody(res);
  }, 60_000);

  test("the typed client backs off on 503 server_busy: Retry-After plus doubling jitter, a bounded number of retries", async () => {
    const RETRIES = 3;
    const names = await seedAccounts(t.db.url, BURST, "adm");
    gate.hold();
    const sleeps: number[] = [];
    const client = new LobbyHttpClient(t.url, undefined, { retries: RETRIES, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
    const settled: PromiseSettledResult<unknown>[] = [];
    const pending = names.map((u) =>
      client.login({ username: u, password: GOOD_PASSWORD }).then(
        (value) => void settled.push({ status: "fulfilled", value }),
        (reason: unknown) => void settled.push({ status: "rejected", reason }),
      ),
    );
    // Held: the queue stays full, so every refused login spends all its retries and gives up.
    await waitFor(() => settled.length === BURST - IN_FLIGHT - QUEUED);
    for (const r of settled) {
      expect(r.status).toBe("rejected");
      const err = (r as PromiseRejectedResult).reason as LobbyApiError;
      expect([err.status, err.code]).toEqual([503, "server_busy"]);
    }
    // Each wait: Retry-After (1 s) + 0.5 × 500 ms × 2^attempt.
    expect(sleeps).toHaveLength((BURST - IN_FLIGHT - QUEUED) * RETRIES);
    expect(sleeps.filter((ms) => ms === 1250)).toHaveLength(BURST - IN_FLIGHT - QUEUED);
    expect(sleeps.filter((ms) => ms === 1500)).toHaveLength(BURST - IN_FLIGHT - QUEUED);
    expect(sleeps.filter((ms) => ms === 2000)).toHaveLength(BURST - IN_FLIGHT - QUEUED);
    gate.release();
    await Promise.all(pending);
    expect(settled.filter((r) => r.status === "fulfilled")).toHaveLength(IN_FLIGHT + QUEUED);
  }, 60_000);

  test("the typed client retries a busy refusal and is admitted once there is room", async () => {
    const [late, ...first] = await seedAccounts(t.db.url, 1 + IN_FLIGHT + QUEUED, "adm");
    gate.hold();
    const entered = gate.entered();
    const running = first.map((u) => t.api.login(u, GOOD_PASSWORD));
    await waitFor(() => gate.entered() === entered + 1);
    const sleeps: number[] = [];
    const client = new LobbyHttpClient(t.url, undefined, {
      sleep: async (ms) => {
        sleeps.push(ms);
        // While the client waits, the logins ahead of it finish.
        gate.release();
        await Promise.all(running);
      },
      random: () => 0,
    });
    expect((await client.login({ username: late!, password: GOOD_PASSWORD })).account.username).toBe(late);
    expect(sleeps).toEqual([1000]);
  }, 60_000);
});

/** Polls `condition` on the event loop (no timing assumption: it waits as long as needed, up to the test's timeout). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
