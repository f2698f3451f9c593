import { ErrorCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import { ChatMessageSchema, type ChatHistoryResponse, type ChatMessage } from "../../../shared/schemas/chat";
import { errorBody, failure } from "../../helpers/http";
import { newPlayer, newPlayers, tamperedCursors, type Player } from "../../helpers/social";
import { partyChannel, post, postMany, range, seqs, startChatServer, type ChatTestServer } from "./chat-fixture";

// GET /chat/channels and GET /chat/channels/{channelId}/messages over real HTTP and PostgreSQL.
let t: ChatTestServer;
beforeAll(async () => {
  t = await startChatServer();
});
afterAll(() => t.close());

/** A party channel of `n` fresh members holding `messages` messages; the members, its id and the messages. */
async function channelWith(messages: number, n = 3): Promise<{ members: Player[]; channelId: string; sent: ChatMessage[] }> {
  const members = await newPlayers(t.api, n);
  const channelId = await partyChannel(t, members);
  const sent = await postMany(t, members, channelId, messages);
  return { members, channelId, sent };
}

/** Every page of a channel walked back by `nextCursor`. */
async function walkBack(by: Player, channelId: string, limit: number): Promise<ChatHistoryResponse[]> {
  const pages: ChatHistoryResponse[] = [];
  let cursor: string | undefined;
  do {
    const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = await t.chatApi.history(by, channelId, query);
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 100) throw new Error("paging does not end");
  } while (cursor !== undefined);
  return pages;
}

describe("GET /chat/channels", () => {
  test("lists the configured public channels in configuration order, with whether the filter applies", async () => {
    const p = await newPlayer(t.api);
    expect(await t.chatApi.channels(p)).toEqual({
      channels: [
        { id: "public:general", name: "general", filtered: true },
        { id: "public:trade", name: "trade", filtered: true },
        { id: "public:offtopic", name: "offtopic", filtered: false },
      ],
    });
  });
});

describe("history paged back by cursor", () => {
  test("newest first; walking every page returns each message exactly once, with no gap", async () => {
    const { members, channelId, sent } = await channelWith(23);
    const pages = await walkBack(members[0]!, channelId, 5);
    expect(pages.map((p) => p.messages.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.map((p) => p.nextCursor !== undefined)).toEqual([true, true, true, true, false]);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, true, true, false]);
    const all = pages.flatMap((p) => p.messages);
    expect(seqs(all)).toEqual(range(23, 1));
    // Every message exactly as it was stored and announced.
    expect(all).toEqual([...sent].reverse());
    for (const m of all) expect(ChatMessageSchema.strict().safeParse(m).success).toBe(true);
  });

  test("a channel holding an exact multiple of the page size ends without an empty page", async () => {
    const { members, channelId } = await channelWith(10);
    const pages = await walkBack(members[1]!, channelId, 5);
    expect(pages.map((p) => seqs(p.messages))).toEqual([range(10, 6), range(5, 1)]);
    expect(pages[1]!.nextCursor).toBeUndefined();
  });

  test("messages posted while a client pages back do not shift the older pages", async () => {
    const { members, channelId } = await channelWith(12);
    const first = await t.chatApi.history(members[0]!, channelId, "?limit=4");
    expect(seqs(first.messages)).toEqual(range(12, 9));
    await postMany(t, members, channelId, 3); // seqs 13..15
    const second = await t.chatApi.history(members[0]!, channelId, `?limit=4&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(seqs(second.messages)).toEqual(range(8, 5));
    const third = await t.chatApi.history(members[0]!, channelId, `?limit=4&cursor=${encodeURIComponent(second.nextCursor!)}`);
    expect(seqs(third.messages)).toEqual(range(4, 1));
    expect(third.nextCursor).toBeUndefined();
    // A fresh first page starts at the newest message.
    expect(seqs((await t.chatApi.history(members[0]!, channelId, "?limit=4")).messages)).toEqual(range(15, 12));
  });

  test("an empty channel answers an empty page", async () => {
    const { members, channelId } = await channelWith(0);
    expect(await t.chatApi.history(members[0]!, channelId)).toEqual({ messages: [], hasMore: false });
  });

  test("limit defaults to 50 and may be 1..100", async () => {
    const { members, channelId } = await channelWith(Limits.pageMaxLimit + 1, 4);
    const p = members[0]!;
    const byDefault = await t.chatApi.history(p, channelId);
    expect(seqs(byDefault.messages)).toEqual(range(101, 52));
    const max = await t.chatApi.history(p, channelId, `?limit=${Limits.pageMaxLimit}`);
    expect(seqs(max.messages)).toEqual(range(101, 2));
    const rest = await t.chatApi.history(p, channelId, `?limit=${Limits.pageMaxLimit}&cursor=${encodeURIComponent(max.nextCursor!)}`);
    expect(rest).toEqual({ messages: [expect.objectContaining({ seq: 1 })], hasMore: false });
    expect(seqs((await t.chatApi.history(p, channelId, "?limit=1")).messages)).toEqual([101]);
  });

  test.each(["0", "-1", "101", "1.5", "abc", ""])("limit=%j is 400 invalid_request naming limit", async (limit) => {
    const { members, channelId } = await channelWith(1, 1);
    const res = await t.chatApi.historyRaw(members[0]!, channelId, `?limit=${limit}`);
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
    expect(errorBody(res).fields?.map((f) => f.path)).toEqual(["limit"]);
  });

  test("a tampered, cut or forged cursor is 400 invalid_cursor", async () => {
    const { members, channelId } = await channelWith(4, 1);
    const { nextCursor } = await t.chatApi.history(members[0]!, channelId, "?limit=2");
    for (const [how, cursor] of Object.entries(tamperedCursors(nextCursor!))) {
      const res = await t.chatApi.historyRaw(members[0]!, channelId, `?limit=2&cursor=${encodeURIComponent(cursor)}`);
      expect([how, ...failure(res)]).toEqual([how, 400, ErrorCode.InvalidCursor]);
    }
    const tooLong = await t.chatApi.historyRaw(members[0]!, channelId, `?cursor=${"a".repeat(513)}`);
    expect(failure(tooLong)).toEqual([400, ErrorCode.InvalidRequest]);
  });

  test("a cursor of another channel, or of another list, is 400 invalid_cursor", async () => {
    const [a, b, c] = await newPlayers(t.api, 3);
    const one = await partyChannel(t, [a!, b!]);
    const two = await partyChannel(t, [a!, c!]);
    await postMany(t, [a!, b!], one, 4);
    await postMany(t, [a!, c!], two, 4);
    const fromOne = (await t.chatApi.history(a!, one, "?limit=2")).nextCursor!;
    expect(failure(await t.chatApi.historyRaw(a!, two, `?limit=2&cursor=${encodeURIComponent(fromOne)}`))).toEqual([400, ErrorCode.InvalidCursor]);

    // A valid cursor of GET /friends is signed with the same key, but is not a history cursor.
    await t.social.befriend(a!, b!);
    await t.social.befriend(a!, c!);
    const friendsCursor = (await t.social.friends(a!, "?limit=1")).nextCursor!;
    expect(failure(await t.chatApi.historyRaw(a!, one, `?cursor=${encodeURIComponent(friendsCursor)}`))).toEqual([400, ErrorCode.InvalidCursor]);
  });

  test("cursor and afterSeq together are 400 invalid_request: the two modes do not mix", async () => {
    const { members, channelId } = await channelWith(4, 1);
    const { nextCursor } = await t.chatApi.history(members[0]!, channelId, "?limit=2");
    const res = await t.chatApi.historyRaw(members[0]!, channelId, `?afterSeq=1&cursor=${encodeURIComponent(nextCursor!)}`);
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
  });
});

describe("catch-up with afterSeq", () => {
  test("oldest first after the given seq; hasMore until the newest message; never a cursor", async () => {
    const { members, channelId, sent } = await channelWith(12);
    const p = members[2]!;
    const a = await t.chatApi.history(p, channelId, "?afterSeq=0&limit=5");
    expect(a).toEqual({ messages: sent.slice(0, 5), hasMore: true });
    const b = await t.chatApi.history(p, channelId, "?afterSeq=5&limit=5");
    expect(b).toEqual({ messages: sent.slice(5, 10), hasMore: true });
    const c = await t.chatApi.history(p, channelId, "?afterSeq=10&limit=5");
    expect(c).toEqual({ messages: sent.slice(10), hasMore: false });
    expect(await t.chatApi.history(p, channelId, "?afterSeq=12")).toEqual({ messages: [], hasMore: false });
    expect(await t.chatApi.history(p, channelId, "?afterSeq=1000")).toEqual({ messages: [], hasMore: false });
  });

  test("exactly `limit` remaining messages answer hasMore false", async () => {
    const { members, channelId } = await channelWith(6, 2);
    const page = await t.chatApi.history(members[0]!, channelId, "?afterSeq=2&limit=4");
    expect([seqs(page.messages), page.hasMore]).toEqual([range(3, 6), false]);
  });

  test("a reconnecting client that had seq N gets everything after N, whatever was posted meanwhile", async () => {
    const { members, channelId } = await channelWith(3, 2);
    const seen = (await t.chatApi.history(members[0]!, channelId)).messages[0]!.seq;
    await postMany(t, members, channelId, 7);
    const caught: ChatMessage[] = [];
    let after = seen;
    for (;;) {
      const page = await t.chatApi.history(members[0]!, channelId, `?afterSeq=${after}&limit=3`);
      caught.push(...page.messages);
      if (!page.hasMore) break;
      after = page.messages.at(-1)!.seq;
    }
    expect(seqs(caught)).toEqual(range(seen + 1, 10));
  });

  test.each(["-1", "1.5", "abc"])("afterSeq=%j is 400 invalid_request naming afterSeq", async (afterSeq) => {
    const { members, channelId } = await channelWith(1, 1);
    const res = await t.chatApi.historyRaw(members[0]!, channelId, `?afterSeq=${afterSeq}`);
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
    expect(errorBody(res).fields?.map((f) => f.path)).toEqual(["afterSeq"]);
  });
});

describe("what history shows", () => {
  test("public channels are readable by every player without joining; their text is as stored (filtered, cleaned)", async () => {
    const [a, reader] = await newPlayers(t.api, 2);
    const [m] = await post(t, a!, "public:trade", "  wts   sword\u200b  ");
    expect(m!.text).toBe("wts sword");
    const page = await t.chatApi.history(reader!, "public:trade", "?limit=1");
    expect(page.messages).toEqual([m]);
  });

  test("a message deleted by an operator disappears from both modes; the other seqs stay", async () => {
    const { members, channelId, sent } = await channelWith(5, 2);
    await t.chat.deleteMessage(sent[2]!.id, null, "test");
    expect(seqs((await t.chatApi.history(members[0]!, channelId)).messages)).toEqual([5, 4, 2, 1]);
    expect(seqs((await t.chatApi.history(members[0]!, channelId, "?afterSeq=0")).messages)).toEqual([1, 2, 4, 5]);
  });

  test("messages of a player blocked in either direction are left out, for both players; others see everything", async () => {
    const [a, b, c] = await newPlayers(t.api, 3);
    const channelId = await partyChannel(t, [a!, b!, c!]);
    const [fromA] = await post(t, a!, channelId, "from a");
    const [fromB] = await post(t, b!, channelId, "from b");
    const [fromC] = await post(t, c!, channelId, "from c");
    expect((await t.social.block(a!, b!.id)).status).toBe(204);
    expect((await t.chatApi.history(a!, channelId)).messages).toEqual([fromC, fromA]);
    expect((await t.chatApi.history(b!, channelId)).messages).toEqual([fromC, fromB]);
    expect((await t.chatApi.history(c!, channelId)).messages).toEqual([fromC, fromB, fromA]);
    expect((await t.chatApi.history(b!, channelId, "?afterSeq=0")).messages).toEqual([fromB, fromC]);
    // Lifting the block shows them again.
    expect((await t.social.unblock(a!, b!.id)).status).toBe(204);
    expect((await t.chatApi.history(a!, channelId)).messages).toEqual([fromC, fromB, fromA]);
  });
});

describe("channel ids", () => {
  test.each([
    ["a public channel that is not configured", "public:nosuch"],
    ["a bare name", "general"],
    ["an unknown kind", "guild:general"],
    ["an upper-case public name", "public:General"],
    ["a party id that is not a uuid", "party:123"],
    ["a dm id that is not two uuids", "dm:a:b"],
  ])("%s is 404 channel_not_found", async (_what, channelId) => {
    const p = await newPlayer(t.api);
    expect(failure(await t.chatApi.historyRaw(p, channelId))).toEqual([404, ErrorCode.ChannelNotFound]);
  });

  test("an id longer than any channel id is 400 invalid_request", async () => {
    const p = await newPlayer(t.api);
    expect(failure(await t.chatApi.historyRaw(p, `public:${"x".repeat(97)}`))).toEqual([400, ErrorCode.InvalidRequest]);
  });
});
