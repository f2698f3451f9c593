import type { ChatHistoryMessage, ChatMessage } from "../../../shared/schemas/chat";
import { CHAT_TEST_ENV, dm, join, range, received, receivedSeq, say, seqs } from "../../helpers/chat";
import { onlinePlayers } from "../../helpers/factories";
import { befriend, connect, leave, loginAgain, newAccount, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Exactly-once, in-order fan-out of a public channel on one process: many members, several
// senders at once, members joining while messages flow.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...CHAT_TEST_ENV, CHAT_CHANNELS: "crowd,stream,devices", CHAT_HISTORY_ON_JOIN: "200" });
});
afterAll(() => t.close());

const members = (n: number): Promise<Connection[]> => onlinePlayers(t.url, n);

/** Each sender sends `count` messages one after another; the senders run concurrently. */
async function sendConcurrently(senders: Connection[], channelId: string, count: number): Promise<ChatMessage[]> {
  const sent = await Promise.all(
    senders.map(async (s, i) => {
      const mine: ChatMessage[] = [];
      for (let k = 0; k < count; k += 1) mine.push(await say(s, channelId, `s${i} m${k}`));
      return mine;
    }),
  );
  return sent.flat();
}

test("20 members, 4 concurrent senders: every member gets every message once, seqs consecutive, one order for all", async () => {
  const channel = "public:crowd";
  const conns = await members(20);
  const histories = await Promise.all(conns.map((c) => join(c, channel)));
  expect(histories.map((h) => h.lastSeq)).toEqual(conns.map(() => 0));

  const sent = await sendConcurrently(conns.slice(0, 4), channel, 10);
  expect(seqs(sent).sort((a, b) => a - b)).toEqual(range(1, 40));
  await Promise.all(conns.map((c) => receivedSeq(c, channel, 40)));

  const reference = received(conns[0]!, channel);
  expect(seqs(reference)).toEqual(range(1, 40));
  // Every message as the sender's answer said it, in seq order.
  expect(reference).toEqual([...sent].sort((a, b) => a.seq - b.seq));
  for (const c of conns) expect(received(c, channel)).toEqual(reference);
  await leave(...conns);
});

test("members joining while messages flow get history then live messages with no gap and no duplicate", async () => {
  const channel = "public:stream";
  const senders = await members(4);
  await Promise.all(senders.map((s) => join(s, channel)));
  const latecomers = await members(8);

  const joined: Promise<ChatHistoryMessage>[] = [];
  const sending = sendConcurrently(senders, channel, 8);
  // Joins spread over the stream: each waits for a different point of it.
  latecomers.forEach((c, i) => {
    joined.push(receivedSeq(senders[0]!, channel, 1 + i * 4).then(() => join(c, channel)));
  });
  await sending;
  const histories = await Promise.all(joined);
  await Promise.all(latecomers.map((c) => receivedSeq(c, channel, 32)));

  const all = received(senders[0]!, channel);
  expect(seqs(all)).toEqual(range(1, 32));
  latecomers.forEach((c, i) => {
    const history = histories[i]!;
    expect(seqs(history.messages)).toEqual(range(1, history.lastSeq));
    const live = received(c, channel);
    expect(seqs(live)).toEqual(range(history.lastSeq + 1, 32));
    expect([...history.messages, ...live]).toEqual(all);
  });
  await leave(...senders, ...latecomers);
});

test("two connections of one account each get every message once; the second join of one connection is not a second subscription", async () => {
  const channel = "public:devices";
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const phone = await connect(a);
  const desktop = await connect(await loginAgain(a, t.url));
  const other = await connect(b);
  for (const c of [phone, desktop, other]) await join(c, channel);
  // Joining again answers with no history and lastSeq where the connection stands.
  expect(await join(phone, channel)).toEqual({ channelId: channel, messages: [], lastSeq: 0, truncated: false });

  await say(other, channel, "one");
  await say(phone, channel, "two");
  await say(desktop, channel, "three");
  await Promise.all([phone, desktop, other].map((c) => receivedSeq(c, channel, 3)));
  for (const c of [phone, desktop, other]) expect(received(c, channel).map((m) => [m.seq, m.text])).toEqual([[1, "one"], [2, "two"], [3, "three"]]);
  await leave(phone, desktop, other);
});

test("the first DMs of new pairs, written by both sides at once, are all stored and delivered", async () => {
  const pairs = await Promise.all(
    Array.from({ length: 5 }, async () => {
      const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
      await befriend(a, b);
      return [await connect(a), await connect(b)] as const;
    }),
  );
  const sent = await Promise.all(pairs.map(([ca, cb]) => Promise.all([dm(ca, cb.account, "hi!"), dm(cb, ca.account, "hey!")])));
  for (const [i, [ca, cb]] of pairs.entries()) {
    const channel = sent[i]![0].channelId;
    expect(seqs(sent[i]!).sort()).toEqual([1, 2]);
    await Promise.all([receivedSeq(ca, channel, 2), receivedSeq(cb, channel, 2)]);
    expect(received(ca, channel)).toEqual(received(cb, channel));
  }
  await leave(...pairs.flat());
});
