import { AdmissionGate, type AdmissionObserver } from "../../server/lib/admission-gate";
import { AppError } from "../../server/lib/errors";

/** An operation the test finishes by hand. */
function held<T = void>() {
  let finish!: (value: T) => void;
  let fail!: (err: Error) => void;
  const done = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { finish, fail, operation: () => done };
}

function recordingObserver() {
  const changes: Array<[number, number]> = [];
  const refusals: string[] = [];
  const observer: AdmissionObserver = {
    changed: (inFlight, queued) => changes.push([inFlight, queued]),
    refused: (reason) => refusals.push(reason),
  };
  return { observer, changes, refusals };
}

/** Lets every settled promise's callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function refusalOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("AdmissionGate", () => {
  test("runs at most maxInFlight at once and admits waiters in arrival order", async () => {
    const gate = new AdmissionGate({ maxInFlight: 2, maxQueued: 10, queueTimeoutMs: 60_000 });
    const started: number[] = [];
    const ops = Array.from({ length: 5 }, () => held());
    const runs = ops.map((op, i) =>
      gate.run(() => {
        started.push(i);
        return op.operation();
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect([gate.running, gate.waiting]).toEqual([2, 3]);

    ops[1]!.finish();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    ops[0]!.finish();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    ops[3]!.finish();
    ops[2]!.finish();
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    ops[4]!.finish();
    await Promise.all(runs);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  test("a full queue refuses at once with 503 server_busy and retryAfterSeconds", async () => {
    const rec = recordingObserver();
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 2, queueTimeoutMs: 60_000 }, rec.observer, 3);
    const op = held();
    const runs = [gate.run(op.operation), gate.run(async () => "second"), gate.run(async () => "third")];
    const refused = await refusalOf(gate.run(async () => "fourth"));
    expect(refused.code).toBe("server_busy");
    expect(refused.status).toBe(503);
    expect(refused.extra?.retryAfterSeconds).toBe(3);
    expect(rec.refusals).toEqual(["queue_full"]);
    op.finish();
    expect(await Promise.all(runs)).toEqual([undefined, "second", "third"]);
  });

  test("maxQueued 0: nothing waits; beyond maxInFlight is refused", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 0, queueTimeoutMs: 60_000 });
    const op = held();
    const first = gate.run(op.operation);
    expect((await refusalOf(gate.run(async () => undefined))).code).toBe("server_busy");
    op.finish();
    await first;
    await expect(gate.run(async () => "after")).resolves.toBe("after");
  });

  describe("with fake timers", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    test("a waiter refused after queueTimeoutMs leaves the queue; the others keep their place", async () => {
      const rec = recordingObserver();
      const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 1_000 }, rec.observer);
      const op = held();
      const first = gate.run(op.operation);
      const timedOut = refusalOf(gate.run(async () => "never"));
      jest.advanceTimersByTime(500);
      const later = gate.run(async () => "later");
      jest.advanceTimersByTime(500);
      const refused = await timedOut;
      expect(refused.code).toBe("server_busy");
      expect(rec.refusals).toEqual(["queue_timeout"]);
      expect([gate.running, gate.waiting]).toEqual([1, 1]);

      op.finish();
      await first;
      await expect(later).resolves.toBe("later");
      // The second waiter was admitted before its own deadline: no second refusal.
      jest.advanceTimersByTime(5_000);
      expect(rec.refusals).toEqual(["queue_timeout"]);
    });
  });

  test("a finished operation hands its slot straight to the next waiter (running never drops, never exceeds)", async () => {
    const rec = recordingObserver();
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 60_000 }, rec.observer);
    const a = held();
    const b = held();
    const runA = gate.run(a.operation);
    const runB = gate.run(b.operation);
    const runC = gate.run(async () => "c");
    await flush();
    expect(rec.changes).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    a.finish();
    await runA;
    await flush();
    expect(rec.changes.at(-1)).toEqual([1, 1]);
    expect(rec.changes.every(([inFlight]) => inFlight <= 1)).toBe(true);
    b.finish();
    await runB;
    await runC;
    expect(rec.changes.slice(3)).toEqual([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(rec.refusals).toEqual([]);
  });

  test("a failed operation gives its slot back too", async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, maxQueued: 1, queueTimeoutMs: 60_000 });
    const op = held();
    const failing = gate.run(op.operation);
    const next = gate.run(async () => "next");
    op.fail(new Error("boom"));
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next");
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });
});
