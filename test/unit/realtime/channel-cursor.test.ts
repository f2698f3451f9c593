import type { ChatMessage } from "../../../shared/schemas/chat";
import { ChannelCursor } from "../../../server/realtime/channel-cursor";

const msg = (seq: number): ChatMessage => ({
  id: String(1000 + seq),
  channelId: "public:general",
  seq,
  sender: { id: "00000000-0000-4000-8000-000000000001", username: "ada" },
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
