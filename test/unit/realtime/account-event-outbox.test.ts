import { AccountEventOutbox } from "../../../server/backplane/account-event-outbox";
import { captureLogs } from "../../helpers/log-capture";

/** A backplane that refuses publishes while `down`, and records what it took. */
function backplane() {
  const taken: string[] = [];
  const state = { down: false, taken };
  const publish = async (channel: string, message: unknown) => {
    if (state.down) throw new Error("Connection is closed.");
    taken.push(`${channel}:${String(message)}`);
  };
  return { state, publish };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

test("events refused by the backplane are queued, later ones wait behind them, and all go out in order once it is back", async () => {
  const { state, publish } = backplane();
  const counts: number[] = [];
  const outbox = new AccountEventOutbox(publish, { timeoutMs: 1_000, maxQueued: 100 }, captureLogs().logger, { queued: (n) => counts.push(n), dropped: () => undefined });
  await outbox.send("a", 1);
  state.down = true;
  await outbox.send("a", 2);
  await outbox.send("b", 3);
  expect(outbox.size).toBe(2);
  state.down = false;
  // Sent while others still wait: queued behind them, never ahead.
  await outbox.send("a", 4);
  await until(() => outbox.size === 0);
  expect(state.taken).toEqual(["a:1", "a:2", "b:3", "a:4"]);
  expect(counts.at(-1)).toBe(0);
  outbox.stop();
});

test("a publish that never settles is given up on after timeoutMs and queued; the caller is not held", async () => {
  let hung = true;
  const taken: unknown[] = [];
  const publish = (_channel: string, message: unknown) => (hung ? new Promise<void>(() => undefined) : Promise.resolve(void taken.push(message)));
  const outbox = new AccountEventOutbox(publish, { timeoutMs: 50, maxQueued: 100 }, captureLogs().logger, { queued: () => undefined, dropped: () => undefined });
  await outbox.send("a", "x");
  expect(outbox.size).toBe(1);
  hung = false;
  await until(() => outbox.size === 0);
  expect(taken).toEqual(["x"]);
  outbox.stop();
});

test("past maxQueued the oldest event is dropped and counted", async () => {
  const { state, publish } = backplane();
  let dropped = 0;
  const outbox = new AccountEventOutbox(publish, { timeoutMs: 1_000, maxQueued: 3 }, captureLogs().logger, { queued: () => undefined, dropped: () => (dropped += 1) });
  state.down = true;
  for (let i = 1; i <= 5; i += 1) await outbox.send("a", i);
  expect(outbox.size).toBe(3);
  expect(dropped).toBe(2);
  state.down = false;
  await until(() => outbox.size === 0);
  expect(state.taken).toEqual(["a:3", "a:4", "a:5"]);
  outbox.stop();
});
