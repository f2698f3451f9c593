import { MatchMakeError } from "@colyseus/sdk";
import { MatchmakeErrorCode } from "../../shared/codes";
import { attemptJoin, REALTIME_TEST_ENV, registeredClient } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";
import { checkUnhandledMessages } from "../helpers/protocol-check";
import { until } from "../helpers/until";

// Lobby joins past the process' capacity: JOIN_MAX_IN_FLIGHT run, JOIN_QUEUE_MAX wait, the rest
// are refused at once (matchmake HTTP 503, MatchmakeErrorCode.ServerBusy) and can join later.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, JOIN_MAX_IN_FLIGHT: "1", JOIN_QUEUE_MAX: "1", JOIN_QUEUE_TIMEOUT_MS: "30000" });
});
afterAll(() => t.close());

/** Holds every join in its snapshot read until `release()` (so the first join keeps its slot). */
function holdJoins(): { release: () => void; entered: Promise<void> } {
  const snapshots = t.server.services.joinSnapshots;
  const load = snapshots.load;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const first = new Promise<void>((resolve) => (entered = resolve));
  snapshots.load = async (...args) => {
    entered();
    await released;
    return load.apply(snapshots, args);
  };
  return {
    entered: first,
    release: () => {
      snapshots.load = load;
      release();
    },
  };
}

async function refusedCount(): Promise<number> {
  const metric = await t.server.metrics.admissionRefused.get();
  return metric.values.filter((v) => v.labels.gate === "join").reduce((sum, v) => sum + v.value, 0);
}

test("one join runs, one waits, the rest are refused with 503 at once; afterwards everyone gets in", async () => {
  const clients = await Promise.all([1, 2, 3, 4, 5, 6].map(() => registeredClient(t)));
  const hold = holdJoins();
  const first = attemptJoin(t.url, clients[0]!.accessToken);
  await hold.entered;
  const rest = clients.slice(1).map((c) => attemptJoin(t.url, c.accessToken));
  // The first holds the slot, the second waits in the queue: four are refused without waiting.
  const settledEarly: unknown[] = [];
  for (const outcome of rest) void outcome.then((o) => settledEarly.push(o));
  while (settledEarly.length < 4) await new Promise((resolve) => setImmediate(resolve));
  expect(settledEarly).toHaveLength(4);
  for (const refusal of settledEarly) {
    expect(refusal).toBeInstanceOf(MatchMakeError);
    expect((refusal as MatchMakeError).code).toBe(MatchmakeErrorCode.ServerBusy);
    expect((refusal as MatchMakeError).message).toMatch(/^server_busy/);
  }
  expect(await refusedCount()).toBe(4);

  hold.release();
  const outcomes = await Promise.all([first, ...rest]);
  expect(outcomes.filter((o) => o instanceof MatchMakeError)).toHaveLength(4);
  // Afterwards every one of them is admitted (one at a time: that is this server's capacity).
  const again: unknown[] = [];
  for (const c of clients) again.push(await attemptJoin(t.url, c.accessToken));
  expect(again.filter((o) => o instanceof MatchMakeError)).toEqual([]);
  const inFlight = await t.server.metrics.admissionInFlight.get();
  expect(inFlight.values.find((v) => v.labels.gate === "join")?.value).toBe(0);
});

test("the typed client backs off and retries a refused join until it is admitted", async () => {
  const clients = await Promise.all([1, 2, 3].map(() => registeredClient(t)));
  const hold = holdJoins();
  const first = clients[0]!.joinLobby({}, checkUnhandledMessages);
  await hold.entered;
  const refusalsBefore = await refusedCount();
  // Queue full behind the held join: the third is refused, and its client retries.
  const second = clients[1]!.joinLobby({}, checkUnhandledMessages);
  const third = clients[2]!.joinLobby({}, checkUnhandledMessages);
  await until(async () => (await refusedCount()) !== refusalsBefore, { everyMs: 5 });
  hold.release();
  const sessions = await Promise.all([first, second, third]);
  expect(sessions.map((s) => s.welcome.account.id)).toEqual(clients.map((c) => c.session!.account.id));
  await Promise.all(sessions.map((s) => s.room.leave()));
});
