import { BackgroundTasks, chained, interval, type BackgroundTask } from "../../server/background-tasks";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("chained: the next round is scheduled only once the previous one settled, and stop cancels it", async () => {
  const rounds: ReturnType<typeof deferred>[] = [];
  const task = chained(100, () => {
    const round = deferred();
    rounds.push(round);
    return round.promise;
  });
  task.start();
  await jest.advanceTimersByTimeAsync(100);
  expect(rounds).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(rounds).toHaveLength(1);
  rounds[0]!.resolve();
  await jest.advanceTimersByTimeAsync(100);
  expect(rounds).toHaveLength(2);
  await task.stop();
  rounds[1]!.resolve();
  await jest.advanceTimersByTimeAsync(1_000);
  expect(rounds).toHaveLength(2);
});

test("interval: a round every period until stopped", async () => {
  let rounds = 0;
  const task = interval(100, () => void rounds++);
  task.start();
  await jest.advanceTimersByTimeAsync(300);
  expect(rounds).toBe(3);
  await task.stop();
  await jest.advanceTimersByTimeAsync(300);
  expect(rounds).toBe(3);
});

test("tasks start in list order and stop in list order, each stop awaited before the next", async () => {
  const events: string[] = [];
  const firstStopped = deferred();
  const task = (name: string, stop: () => Promise<void> | void): BackgroundTask => ({
    start: () => void events.push(`start ${name}`),
    stop: async () => {
      events.push(`stop ${name}`);
      await stop();
      events.push(`stopped ${name}`);
    },
  });
  const tasks = new BackgroundTasks([task("a", () => firstStopped.promise), task("b", () => undefined)]);
  tasks.start();
  const stopping = tasks.stop();
  await jest.advanceTimersByTimeAsync(0);
  expect(events).toEqual(["start a", "start b", "stop a"]);
  firstStopped.resolve();
  await stopping;
  expect(events).toEqual(["start a", "start b", "stop a", "stopped a", "stop b", "stopped b"]);
});
