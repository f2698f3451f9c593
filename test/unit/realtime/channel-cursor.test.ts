import type { ChatMessage } from "../../../shared/schemas/chat";
import { ChannelCursor } from "../../../server/realtime/channel-cursor";

const msg = (seq: number): ChatMessage => ({
  id: String(1000 + seq),
  channelId: "public:general",
  seq,
  sender: { id: "00000000-0000-4000-8000-000000000001", username: "ada", displayName: "ada" },
  text: `m${seq}`,
  createdAt: new Date(0).toISOString(),
});

function harness(stored: number[]) {
  const emitted: number[] = [];
  const fetches: [number, number][] = [];
  const errors: unknown[] = [];
  const cursor = new ChannelCursor(
    async (after, upto) => {
      fetches.push([after, upto]);
      return stored.filter((s) => s > after && s <= upto).map(msg);
    },
    (m) => emitted.push(m.seq),
    (e) => errors.push(e),
  );
  return { cursor, emitted, fetches, errors };
}

describe("channel cursor", () => {
  test("buffers until opened, then emits only what follows the history", async () => {
    const h = harness([]);
    h.cursor.offer(msg(3));
    h.cursor.offer(msg(4));
    h.cursor.offer(msg(5));
    expect(h.emitted).toEqual([]);
    h.cursor.open(4);
    await h.cursor.settled();
    expect(h.emitted).toEqual([5]);
  });

  test("duplicates and stale messages are dropped", async () => {
    const h = harness([]);
    h.cursor.open(0);
    for (const s of [1, 1, 2, 1, 2, 3]) h.cursor.offer(msg(s));
    await h.cursor.settled();
    expect(h.emitted).toEqual([1, 2, 3]);
  });

  test("a gap is filled from storage, in order, before the message that revealed it", async () => {
    const h = harness([1, 2, 3, 4, 5, 6]);
    h.cursor.open(1);
    h.cursor.offer(msg(5));
    h.cursor.offer(msg(3));
    h.cursor.offer(msg(6));
    await h.cursor.settled();
    expect(h.emitted).toEqual([2, 3, 4, 5, 6]);
    expect(h.fetches).toEqual([[1, 4]]);
  });

  test("seqs missing from storage (deleted messages) are skipped, not waited for", async () => {
    const h = harness([1, 3]);
    h.cursor.open(0);
    h.cursor.offer(msg(4));
    await h.cursor.settled();
    expect(h.emitted).toEqual([1, 3, 4]);
    expect(h.cursor.position).toBe(4);
  });

  test("a failed gap fetch is reported and later messages still flow", async () => {
    const errors: unknown[] = [];
    const emitted: number[] = [];
    let fail = true;
    const cursor = new ChannelCursor(
      async () => {
        if (fail) throw new Error("db down");
        return [];
      },
      (m) => emitted.push(m.seq),
      (e) => errors.push(e),
    );
    cursor.open(0);
    cursor.offer(msg(3));
    await cursor.settled();
    fail = false;
    cursor.offer(msg(4));
    await cursor.settled();
    expect(errors).toHaveLength(1);
    expect(emitted).toEqual([4]);
  });
});

describe("channel cursor: tasks, gate and opening", () => {
  test("only the first open counts", async () => {
    const h = harness([]);
    h.cursor.open(3);
    h.cursor.open(7);
    h.cursor.offer(msg(4));
    await h.cursor.settled();
    expect(h.emitted).toEqual([4]);
  });

  test("a task runs after what was offered before it, with the position reached, and before what is offered after", async () => {
    const h = harness([1, 2, 3]);
    const order: string[] = [];
    h.cursor.open(0);
    h.cursor.offer(msg(3)); // fills 1 and 2 from storage first
    const task = h.cursor.run(async (position) => {
      order.push(`task at ${position} after ${h.emitted.join(",")}`);
      return position;
    });
    h.cursor.offer(msg(4));
    expect(await task).toBe(3);
    await h.cursor.settled();
    expect(order).toEqual(["task at 3 after 1,2,3"]);
    expect(h.emitted).toEqual([1, 2, 3, 4]);
  });

  test("a task offered before open waits for it; a failing task rejects without stopping the stream", async () => {
    const h = harness([]);
    const early = h.cursor.run((position) => position);
    h.cursor.open(5);
    expect(await early).toBe(5);
    await expect(h.cursor.run(() => Promise.reject(new Error("nope")))).rejects.toThrow("nope");
    h.cursor.offer(msg(6));
    await h.cursor.settled();
    expect(h.emitted).toEqual([6]);
  });

  test("nothing is emitted before the gate given as `before` has settled", async () => {
    const emitted: number[] = [];
    let release!: () => void;
    let gate: Promise<void> = new Promise((resolve) => (release = resolve));
    const cursor = new ChannelCursor(async () => [], (m) => emitted.push(m.seq), () => undefined, { before: () => gate });
    cursor.open(0);
    cursor.offer(msg(1));
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(emitted).toEqual([]);
    release();
    await cursor.settled();
    expect(emitted).toEqual([1]);
    gate = Promise.resolve();
    cursor.offer(msg(2));
    await cursor.settled();
    expect(emitted).toEqual([1, 2]);
  });
});
