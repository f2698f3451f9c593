import { ErrorCode } from "../../../shared/codes";
import { dmChannelId, type ChatHistoryMessage, type ChatMessage } from "../../../shared/schemas/chat";
import { LobbyClientMessage, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { befriend, connect, errorsFor, leave, newAccount } from "../../helpers/presence";
import { REALTIME_TEST_ENV } from "../../helpers/realtime";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// The chat round trip over real sockets: join a public channel, send, receive; DMs between friends.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, CHAT_CHANNELS: "general,trade" });
});
afterAll(() => t.close());

test("members of a public channel receive each other's messages with consecutive seqs", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  const ha = (await ca.room.request(LobbyClientMessage.ChatJoin, { channelId: "public:general" })) as ChatHistoryMessage;
  await cb.room.request(LobbyClientMessage.ChatJoin, { channelId: "public:general" });
  const sent = (await ca.room.request(LobbyClientMessage.ChatSend, { channelId: "public:general", text: "  hello  there " })) as ChatMessage;
  expect(sent).toMatchObject({ channelId: "public:general", seq: ha.lastSeq + 1, sender: { id: a.id, username: a.username }, text: "hello there" });
  const got = await cb.log.waitFor<ChatMessage>(LobbyServerMessage.ChatMessage, (m) => m.id === sent.id);
  expect(got).toEqual(sent);
  // The sender gets its own message once, through the channel like everyone else.
  await ca.log.waitFor<ChatMessage>(LobbyServerMessage.ChatMessage, (m) => m.id === sent.id);
  await leave(ca, cb);
});

test("sending to a channel not joined is refused", async () => {
  const a = await newAccount(t.url);
  const ca = await connect(a);
  await ca.room.request(LobbyClientMessage.ChatSend, { channelId: "public:trade", text: "wts sword" });
  expect(errorsFor(ca, LobbyClientMessage.ChatSend).map((e) => e.code)).toEqual([ErrorCode.NotChannelMember]);
  await leave(ca);
});

test("friends exchange direct messages; the receiver's connection gets them live", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  const sent = (await ca.room.request(LobbyClientMessage.ChatDm, { to: b.id, text: "gg" })) as ChatMessage;
  expect(sent.channelId).toBe(dmChannelId(a.id, b.id));
  expect(await cb.log.waitFor<ChatMessage>(LobbyServerMessage.ChatMessage, (m) => m.id === sent.id)).toEqual(sent);
  await leave(ca, cb);
});
