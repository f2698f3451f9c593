import crypto from "node:crypto";
import { LobbyApiError } from "../../../shared/client/http-client";
import { ErrorCode } from "../../../shared/codes";
import { dmChannelId, partyChannelId } from "../../../shared/schemas/chat";
import { newPlayers, type Player } from "../../helpers/social";
import { dm, post, startChatServer, type ChatTestServer } from "./chat-fixture";

// The typed chat/settings methods of shared/client/http-client.ts against the real server.
let t: ChatTestServer;
beforeAll(async () => {
  t = await startChatServer();
});
afterAll(() => t.close());

/** The LobbyApiError a call is refused with, as [status, code]. */
async function refusal(call: Promise<unknown>): Promise<[number, string]> {
  try {
    await call;
  } catch (err) {
    if (err instanceof LobbyApiError) return [err.status, err.code];
    throw err;
  }
  throw new Error("the call succeeded");
}

test("channels, history in both modes, unread, reports and settings through LobbyHttpClient", async () => {
  const [a, b] = (await newPlayers(t.api, 2)) as [Player, Player];
  expect((await t.http.chatChannels(a.token)).channels.map((c) => c.id)).toEqual(["public:general", "public:trade", "public:offtopic"]);

  const posted = await post(t, b, "public:offtopic", "one", "two", "three");
  const page = await t.http.chatHistory(a.token, "public:offtopic", { limit: 2 });
  expect(page.messages).toEqual([posted[2], posted[1]]);
  const older = await t.http.chatHistory(a.token, "public:offtopic", { limit: 2, cursor: page.nextCursor });
  expect(older).toEqual({ messages: [posted[0]], hasMore: false });
  expect(await t.http.chatHistory(a.token, "public:offtopic", { afterSeq: posted[0]!.seq })).toEqual({ messages: posted.slice(1), hasMore: false });

  await t.social.befriend(a, b);
  const [direct] = await dm(t, b, a, "psst");
  expect(await t.http.chatHistory(a.token, dmChannelId(a.id, b.id))).toEqual({ messages: [direct], hasMore: false });
  expect(await t.http.chatUnread(a.token)).toEqual({
    channels: [{ channelId: dmChannelId(a.id, b.id), with: { id: b.id, username: b.username, displayName: b.username }, unread: 1 }],
  });

  expect(await t.http.reportChatMessage(a.token, posted[0]!.id, { reason: "spam", note: "again and again" })).toEqual({ reports: 1 });
  expect(await t.http.reportChatMessage(a.token, posted[0]!.id, { reason: "spam" })).toEqual({ reports: 1 });

  expect(await t.http.settings(a.token)).toEqual({ allowDirectMessagesFrom: "friends", joinPolicy: "ask" });
  expect(await t.http.updateSettings(a.token, { allowDirectMessagesFrom: "anyone" })).toEqual({ allowDirectMessagesFrom: "anyone", joinPolicy: "ask" });
  expect(await t.http.settings(a.token)).toEqual({ allowDirectMessagesFrom: "anyone", joinPolicy: "ask" });
});

test("refusals surface as LobbyApiError with the stable code", async () => {
  const [a, b] = (await newPlayers(t.api, 2)) as [Player, Player];
  const [own] = await post(t, a, "public:general", "mine");
  expect(await refusal(t.http.chatHistory(a.token, partyChannelId(crypto.randomUUID())))).toEqual([404, ErrorCode.ChannelNotFound]);
  expect(await refusal(t.http.chatHistory(a.token, "public:general", { cursor: "forged.cursor" }))).toEqual([400, ErrorCode.InvalidCursor]);
  expect(await refusal(t.http.reportChatMessage(a.token, own!.id, { reason: "spam" }))).toEqual([400, ErrorCode.CannotReportOwnMessage]);
  expect(await refusal(t.http.updateSettings(b.token, { allowDirectMessagesFrom: "everyone" as "anyone" }))).toEqual([400, ErrorCode.InvalidRequest]);
  expect(await refusal(t.http.chatUnread(""))).toEqual([401, ErrorCode.Unauthorized]);
});
