import crypto from "node:crypto";
import { ErrorCode } from "../../../shared/codes";
import { dmChannelId, partyChannelId } from "../../../shared/schemas/chat";
import { errorBody, failure, type HttpResponse } from "../../helpers/http";
import { newPlayers, type Player } from "../../helpers/social";
import { dm, partyChannel, post, startChatServer, type ChatTestServer } from "./chat-fixture";

// Who may read which channel over HTTP, and what a refusal looks like. A channel the caller is not
// in must answer exactly like a channel that does not exist: no existence leak.
let t: ChatTestServer;
beforeAll(async () => {
  t = await startChatServer();
});
afterAll(() => t.close());

const trio = () => newPlayers(t.api, 3) as Promise<[Player, Player, Player]>;

/** A DM channel between two friends holding one message from each. */
async function dmBetween(a: Player, b: Player): Promise<string> {
  await t.social.befriend(a, b);
  await dm(t, a, b, "hi b");
  await dm(t, b, a, "hi a");
  return dmChannelId(a.id, b.id);
}

/** Status, code and message: what a caller can learn from a refusal. */
const visible = (res: HttpResponse) => [res.status, errorBody(res).code, errorBody(res).message];

describe("direct-message channels", () => {
  test("the two members read their DM channel; a third player gets 404 channel_not_found, same as for no channel at all", async () => {
    const [a, b, c] = await trio();
    const channelId = await dmBetween(a, b);
    expect((await t.chatApi.history(a, channelId)).messages.map((m) => m.text)).toEqual(["hi a", "hi b"]);
    expect((await t.chatApi.history(b, channelId, "?afterSeq=0")).messages.map((m) => m.text)).toEqual(["hi b", "hi a"]);

    const nobody = dmChannelId(crypto.randomUUID(), crypto.randomUUID());
    const notFound = visible(await t.chatApi.historyRaw(c, nobody));
    expect(notFound.slice(0, 2)).toEqual([404, ErrorCode.ChannelNotFound]);
    for (const query of ["", "?afterSeq=0", "?limit=1"]) {
      expect(visible(await t.chatApi.historyRaw(c, channelId, query))).toEqual(notFound);
    }
    // Nor does a member's own id pair with a stranger's reveal anything.
    expect(visible(await t.chatApi.historyRaw(c, dmChannelId(a.id, c.id)))).toEqual(notFound);
  });

  test("a member's valid cursor does not open the channel to someone else", async () => {
    const [a, b, c] = await trio();
    const channelId = await dmBetween(a, b);
    const { nextCursor } = await t.chatApi.history(a, channelId, "?limit=1");
    expect(nextCursor).toBeDefined();
    expect(failure(await t.chatApi.historyRaw(c, channelId, `?limit=1&cursor=${encodeURIComponent(nextCursor!)}`))).toEqual([
      404,
      ErrorCode.ChannelNotFound,
    ]);
  });

  test("the ids written in the other order are not the channel, even for a member", async () => {
    const [a, b] = await trio();
    const channelId = await dmBetween(a, b);
    const [, first, second] = channelId.split(":");
    expect(failure(await t.chatApi.historyRaw(a, `dm:${second}:${first}`))).toEqual([404, ErrorCode.ChannelNotFound]);
  });

  test("a block does not lock a member out of the channel: the blocked side's messages are hidden instead", async () => {
    const [a, b] = await trio();
    const channelId = await dmBetween(a, b);
    expect((await t.social.block(a, b.id)).status).toBe(204);
    expect((await t.chatApi.history(a, channelId)).messages.map((m) => m.text)).toEqual(["hi b"]);
    expect((await t.chatApi.history(b, channelId)).messages.map((m) => m.text)).toEqual(["hi a"]);
  });
});

describe("party channels", () => {
  test("members read it; anyone else gets 404 channel_not_found, same as for a party that does not exist", async () => {
    const [a, b, c] = await trio();
    const channelId = await partyChannel(t, [a, b]);
    await post(t, a, channelId, "party on");
    expect((await t.chatApi.history(b, channelId)).messages.map((m) => m.text)).toEqual(["party on"]);
    const notFound = visible(await t.chatApi.historyRaw(c, partyChannelId(crypto.randomUUID())));
    expect(notFound.slice(0, 2)).toEqual([404, ErrorCode.ChannelNotFound]);
    expect(visible(await t.chatApi.historyRaw(c, channelId))).toEqual(notFound);
    expect(visible(await t.chatApi.historyRaw(c, channelId, "?afterSeq=0"))).toEqual(notFound);
  });
});

describe("authentication", () => {
  // Every row has all three columns: Jest would take a missing one for a `done` callback.
  const routes: [string, string, unknown][] = [
    ["GET", "/chat/channels", undefined],
    ["GET", "/chat/channels/public:general/messages", undefined],
    ["GET", "/chat/channels/public:general/messages?afterSeq=0", undefined],
    ["GET", "/chat/unread", undefined],
    ["POST", "/chat/messages/1/reports", { reason: "spam" }],
    ["GET", "/me/settings", undefined],
    ["PATCH", "/me/settings", { allowDirectMessagesFrom: "anyone" }],
  ];

  test.each(routes)("%s %s without a token is 401 unauthorized with the error envelope", async (method, path, json) => {
    const res = await t.api.send(method, path, { json });
    expect(failure(res)).toEqual([401, ErrorCode.Unauthorized]);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
    const error = errorBody(res);
    expect(Object.keys(error).sort()).toEqual(["code", "message", "requestId"]);
    expect(error.requestId).toBe(res.headers["x-request-id"]);
  });

  test.each(routes)("%s %s with a forged token is 401 invalid_token", async (method, path, json) => {
    const res = await t.api.send(method, path, { json, token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" });
    expect(failure(res)).toEqual([401, ErrorCode.InvalidToken]);
  });

  test("a logged-out session's access token is refused on the chat routes", async () => {
    const [a] = await trio();
    expect((await t.api.post("/auth/logout-all", undefined, { token: a.token })).status).toBe(204);
    expect(failure(await t.api.get("/chat/unread", { token: a.token }))).toEqual([401, ErrorCode.InvalidToken]);
    expect(failure(await t.api.get("/me/settings", { token: a.token }))).toEqual([401, ErrorCode.InvalidToken]);
  });
});

describe("error bodies", () => {
  test("a refusal carries code, message and the request id of the X-Request-Id header, and nothing about the channel", async () => {
    const [a] = await trio();
    const res = await t.chatApi.historyRaw(a, partyChannelId(crypto.randomUUID()));
    const error = errorBody(res);
    expect(Object.keys(error).sort()).toEqual(["code", "message", "requestId"]);
    expect(error.requestId).toBe(res.headers["x-request-id"]);
    expect(error.message).not.toContain("party:");
  });

  test("invalid input lists the offending fields", async () => {
    const [a] = await trio();
    const res = await t.chatApi.historyRaw(a, "public:general", "?limit=0&afterSeq=-1");
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
    expect(errorBody(res).fields?.map((f) => f.path).sort()).toEqual(["afterSeq", "limit"]);
  });
});
