import type { ChatHistoryResponse } from "../../../shared/schemas/chat";
import { CHAT_TEST_ENV, dm, GENERAL, join, receivedSeq, say } from "../../helpers/chat";
import { befriend, connect, leave, newAccount, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Profanity masking as members see it: leet-speak and spelled-out words, configured extra words,
// a channel configured unfiltered, and direct messages filtered or not by configuration.
// (CHAT_FILTER_DIRECT_MESSAGES=false: chat-profanity-dm.test.ts; one game server per Jest file.)
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...CHAT_TEST_ENV, CHAT_CHANNELS: "general,mature", CHAT_UNFILTERED_CHANNELS: "mature", CHAT_BLOCKED_WORDS: "noobtube, Camper" });
});
afterAll(() => t.close());

/** Two members of `channelId`. */
async function members(channelId: string): Promise<[Connection, Connection]> {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const conns: [Connection, Connection] = [await connect(a), await connect(b)];
  for (const c of conns) await join(c, channelId);
  return conns;
}

/** What the reader of `channelId` sees for each text the writer sends. */
async function seen(writer: Connection, reader: Connection, channelId: string, texts: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const text of texts) {
    const sent = await say(writer, channelId, text);
    const got = await receivedSeq(reader, channelId, sent.seq);
    expect(got).toEqual(sent);
    out.push(got.text);
  }
  return out;
}

test("profanity is masked with asterisks, leet-speak and spelled-out letters included; clean text is untouched", async () => {
  const [writer, reader] = await members(GENERAL);
  expect(await seen(writer, reader, GENERAL, ["what the fuck", "f u c k this", "sh1t happens", "FvCk", "assassin classic Scunthorpe"])).toEqual([
    "what the ****",
    "******* this",
    "**** happens",
    "****",
    "assassin classic Scunthorpe",
  ]);
  await leave(writer, reader);
});

test("masked messages keep the original for moderators only; history shows the masked text", async () => {
  const [writer, reader] = await members(GENERAL);
  const sent = await say(writer, GENERAL, "sh1t happens");
  const row = await t.server.db.prisma.chatMessage.findUniqueOrThrow({ where: { id: BigInt(sent.id) } });
  expect({ body: row.body, originalBody: row.originalBody }).toEqual({ body: "**** happens", originalBody: "sh1t happens" });
  const clean = await say(writer, GENERAL, "good game");
  expect((await t.server.db.prisma.chatMessage.findUniqueOrThrow({ where: { id: BigInt(clean.id) } })).originalBody).toBeNull();

  const page = await reader.account.client.http.request<ChatHistoryResponse>("GET", `/chat/channels/${GENERAL}/messages?limit=2`, {
    accessToken: reader.account.client.accessToken,
  });
  expect(page.messages.map((m) => m.text)).toEqual(["good game", "**** happens"]);
  await leave(writer, reader);
});

test("CHAT_BLOCKED_WORDS are masked too, whatever their case or leet-speak", async () => {
  const [writer, reader] = await members(GENERAL);
  expect(await seen(writer, reader, GENERAL, ["stop the noobtube", "CAMPER!", "n00btube again", "camping is fine"])).toEqual([
    "stop the ********",
    "******!",
    "******** again",
    "camping is fine",
  ]);
  await leave(writer, reader);
});

test("a channel in CHAT_UNFILTERED_CHANNELS is not filtered; the filtered one next to it is", async () => {
  const [writer, reader] = await members("public:mature");
  expect(await seen(writer, reader, "public:mature", ["what the fuck", "noobtube"])).toEqual(["what the fuck", "noobtube"]);
  const row = await t.server.db.prisma.chatMessage.findFirstOrThrow({ where: { channelId: "public:mature", body: "what the fuck" } });
  expect(row.originalBody).toBeNull();
  await join(writer, GENERAL);
  await join(reader, GENERAL);
  expect(await seen(writer, reader, GENERAL, ["what the fuck?"])).toEqual(["what the ****?"]);
  await leave(writer, reader);
});

test("direct messages are filtered by default (CHAT_FILTER_DIRECT_MESSAGES=true)", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  const sent = await dm(ca, b, "you sh1t");
  expect(sent.text).toBe("you ****");
  expect((await receivedSeq(cb, sent.channelId, sent.seq)).text).toBe("you ****");
  await leave(ca, cb);
});
