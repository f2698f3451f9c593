import type { ChatHistoryResponse } from "../../../shared/schemas/chat";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import { CHAT_TEST_ENV, dm, dropConnection, GENERAL, join, range, received, receivedSeq, reconnect, say, seqs, TRADE } from "../../helpers/chat";
import { befriend, connect, leave, newAccount, type Account, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// History on join, catch-up with afterSeq, and what a dropped connection gets when it comes back.
const HISTORY = 5;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    ...CHAT_TEST_ENV,
    CHAT_CHANNELS: "general,trade,backlog,resume",
    CHAT_HISTORY_ON_JOIN: String(HISTORY),
    LOBBY_RECONNECT_SECONDS: "30",
    LOBBY_SESSION_SWEEP_SECONDS: "3600",
  });
});
afterAll(() => t.close());

const identity = (a: Account) => ({ accountId: a.id, username: a.username, displayName: a.username });
/** `n` messages from `a` stored straight in the database (numbered as append does), to fill a channel quickly. */
async function fill(a: Account, channelId: string, n: number): Promise<void> {
  await t.server.db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ last_seq: bigint }[]>`
      UPDATE chat_channels SET last_seq = last_seq + ${n} WHERE id = ${channelId} RETURNING last_seq`;
    const first = Number(row!.last_seq) - n + 1;
    await tx.$executeRaw`
      INSERT INTO chat_messages (channel_id, seq, sender_id, body, created_at)
      SELECT ${channelId}, g, ${a.id}::uuid, 'fill ' || g, now() FROM generate_series(${first}::bigint, ${first + n - 1}::bigint) g`;
  });
}

async function pair(): Promise<[Connection, Connection]> {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  return [await connect(a), await connect(b)];
}

test("chat.join answers (and sends chat.history) with the last CHAT_HISTORY_ON_JOIN messages and the channel's lastSeq", async () => {
  const [ca, cb] = await pair();
  await join(ca, GENERAL);
  for (let i = 1; i <= 8; i += 1) await say(ca, GENERAL, `line ${i}`);

  const history = await join(cb, GENERAL);
  expect(history).toMatchObject({ channelId: GENERAL, lastSeq: 8, truncated: false });
  expect(history.messages.map((m) => [m.seq, m.text])).toEqual(range(4, 8).map((s) => [s, `line ${s}`]));
  expect(cb.log.of(LobbyServerMessage.ChatHistory)).toEqual([history]);
  // The sender's own view of the same messages is identical.
  expect(history.messages).toEqual(received(ca, GENERAL).slice(-HISTORY));
  await leave(ca, cb);
});

test("chat.join with afterSeq catches a new connection up exactly after that seq; beyond 200 the older part is paged over HTTP", async () => {
  const [ca, cb] = await pair();
  await fill(ca.account, TRADE, 8);
  expect(seqs((await join(cb, TRADE, 2)).messages)).toEqual(range(3, 8));
  await leave(cb);
  const again = await connect(cb.account);
  expect(await join(again, TRADE, 8)).toEqual({ channelId: TRADE, messages: [], lastSeq: 8, truncated: false });
  await leave(again);

  // 230 messages after seq 3: the join brings the newest 200, HTTP pages the 30 before them.
  await fill(ca.account, "public:backlog", 233);
  const late = await connect(cb.account);
  const history = await join(late, "public:backlog", 3);
  expect(history).toMatchObject({ lastSeq: 233, truncated: true });
  expect(seqs(history.messages)).toEqual(range(34, 233));
  const page = await late.account.client.http.request<ChatHistoryResponse>("GET", `/chat/channels/public:backlog/messages?afterSeq=3&limit=100`, {
    accessToken: late.account.client.accessToken,
  });
  const older = page.messages.filter((m) => m.seq < history.messages[0]!.seq);
  expect(seqs([...older, ...history.messages])).toEqual(range(4, 233));
  await leave(ca, late);
});

test("a connection that drops and reconnects gets the channel and DM messages sent meanwhile, once, in order", async () => {
  const [ca, cb] = await pair();
  await befriend(ca.account, cb.account);
  await Promise.all([join(ca, "public:resume"), join(cb, "public:resume")]);
  await say(ca, "public:resume", "before");
  const firstDm = await dm(ca, cb.account, "dm before");
  await Promise.all([receivedSeq(cb, "public:resume", 1), receivedSeq(cb, firstDm.channelId, 1)]);

  const token = await dropConnection(cb, ca);
  await say(ca, "public:resume", "while away 1");
  await say(ca, "public:resume", "while away 2");
  await dm(ca, cb.account, "dm while away");
  const back = await reconnect(cb, token);
  await say(ca, "public:resume", "after");
  await dm(ca, cb.account, "dm after");

  await Promise.all([receivedSeq(back, "public:resume", 4), receivedSeq(back, firstDm.channelId, 3)]);
  expect(received(back, "public:resume").map((m) => m.text)).toEqual(["before", "while away 1", "while away 2", "after"]);
  expect(seqs(received(back, "public:resume"))).toEqual([1, 2, 3, 4]);
  expect(received(back, firstDm.channelId).map((m) => [m.seq, m.text])).toEqual([[1, "dm before"], [2, "dm while away"], [3, "dm after"]]);
  await leave(ca, back);
});

test("a message published while the reconnection is being accepted is not lost", async () => {
  const channel = "public:resume";
  const [ca, cb] = await pair();
  const { lastSeq } = await join(cb, channel);
  await join(ca, channel);
  const token = await dropConnection(cb, ca);

  // The room reads the join snapshot (and checks the session) while it accepts the reconnection:
  // a message sent at that moment reaches the connection's cursor before the connection is ready.
  // It must still arrive.
  const snapshots = t.server.services.joinSnapshots;
  const load = snapshots.load;
  snapshots.load = async (...args) => {
    snapshots.load = load;
    await t.server.services.chat.send(identity(ca.account), channel, "during the reconnection");
    return load.apply(snapshots, args);
  };
  const back = await reconnect(cb, token).finally(() => (snapshots.load = load));
  await say(ca, channel, "after");

  await receivedSeq(back, channel, lastSeq + 2);
  expect(received(back, channel).map((m) => [m.seq, m.text])).toEqual([
    [lastSeq + 1, "during the reconnection"],
    [lastSeq + 2, "after"],
  ]);
  await leave(ca, back);
});

test("after a reconnect, chat.join with afterSeq resends what the client says it is missing, and nothing twice", async () => {
  const channel = "public:resume";
  const [ca, cb] = await pair();
  const { lastSeq: start } = await join(cb, channel);
  await join(ca, channel);
  await say(ca, channel, "a");
  await say(ca, channel, "b");
  await receivedSeq(cb, channel, start + 2);

  // The client lost "b" (say, in a socket the server had not yet seen die): it asks from "a".
  const history = await join(cb, channel, start + 1);
  expect(history.messages.map((m) => [m.seq, m.text])).toEqual([[start + 2, "b"]]);
  expect(history.lastSeq).toBe(start + 2);
  await say(ca, channel, "c");
  await receivedSeq(cb, channel, start + 3);
  expect(received(cb, channel).map((m) => m.text)).toEqual(["a", "b", "c"]);
  await leave(ca, cb);
});

test("DMs sent while the recipient is offline wait with unread counts in chat.unread; chat.read marks them read", async () => {
  const [a, b, c] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await Promise.all([befriend(a, b), befriend(c, b)]);
  const [ca, cc] = [await connect(a), await connect(c)];
  const fromA = [await dm(ca, b, "one"), await dm(ca, b, "two"), await dm(ca, b, "three")];
  const fromC = await dm(cc, b, "hi from c");
  await leave(ca, cc);

  const cb = await connect(b);
  const first = await cb.log.waitFor<{ channels: unknown[] }>(LobbyServerMessage.ChatUnread);
  // Newest conversation first; the counts are of the other side's messages.
  expect(first).toEqual({
    channels: [
      { channelId: fromC.channelId, with: { id: c.id, username: c.username, displayName: c.username }, unread: 1 },
      { channelId: fromA[0]!.channelId, with: { id: a.id, username: a.username, displayName: a.username }, unread: 3 },
    ],
  });
  await cb.room.request("chat.read", { channelId: fromA[0]!.channelId, seq: 2 });
  await cb.room.request("chat.read", { channelId: fromC.channelId, seq: fromC.seq });
  // Reading backwards never un-reads.
  await cb.room.request("chat.read", { channelId: fromA[0]!.channelId, seq: 1 });
  await leave(cb);

  const again = await connect(b);
  expect(await again.log.waitFor(LobbyServerMessage.ChatUnread)).toEqual({
    channels: [{ channelId: fromA[0]!.channelId, with: { id: a.id, username: a.username, displayName: a.username }, unread: 1 }],
  });
  // The sender's own messages are never unread for the sender.
  const aBack = await connect(a);
  expect(await aBack.log.waitFor(LobbyServerMessage.ChatUnread)).toEqual({ channels: [] });
  await leave(again, aBack);
});
