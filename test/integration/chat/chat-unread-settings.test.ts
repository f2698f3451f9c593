import { ErrorCode } from "../../../shared/codes";
import { dmChannelId } from "../../../shared/schemas/chat";
import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { errorBody, failure } from "../../helpers/http";
import { newPlayers, type Player } from "../../helpers/social";
import { sql } from "../../helpers/sql";
import { dm, online, startChatServer, type ChatTestServer } from "./chat-fixture";

// GET /chat/unread and GET/PATCH /me/settings (who may send the player direct messages).
let t: ChatTestServer;
beforeAll(async () => {
  t = await startChatServer();
});
afterAll(() => t.close());

const pair = () => newPlayers(t.api, 2) as Promise<[Player, Player]>;
const trio = () => newPlayers(t.api, 3) as Promise<[Player, Player, Player]>;

/** `chat.dm` as `from` to `to`: the error code it is refused with, or "sent". */
async function tryDm(from: Player, to: Player): Promise<string> {
  try {
    await dm(t, from, to, `hello from ${from.username}`);
    return "sent";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

describe("GET /chat/unread", () => {
  test("a player with no direct messages has none unread", async () => {
    const [a] = await pair();
    expect(await t.chatApi.unread(a)).toEqual({ channels: [] });
  });

  test("counts the other side's messages per DM channel; the sender's own messages never count", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    await dm(t, b, a, "one", "two", "three");
    await dm(t, a, b, "reply");
    expect(await t.chatApi.unread(a)).toEqual({
      channels: [{ channelId: dmChannelId(a.id, b.id), with: { id: b.id, username: b.username, displayName: b.username }, unread: 3 }],
    });
    expect(await t.chatApi.unread(b)).toEqual({
      channels: [{ channelId: dmChannelId(a.id, b.id), with: { id: a.id, username: a.username, displayName: a.username }, unread: 1 }],
    });
  });

  test("the most recently active conversation comes first", async () => {
    const [a, b, c] = await trio();
    await t.social.befriend(a, b);
    await t.social.befriend(a, c);
    await dm(t, b, a, "b first");
    await dm(t, c, a, "c second");
    expect((await t.chatApi.unread(a)).channels.map((ch) => ch.with.id)).toEqual([c.id, b.id]);
    await dm(t, b, a, "b again");
    expect((await t.chatApi.unread(a)).channels.map((ch) => [ch.with.id, ch.unread])).toEqual([
      [b.id, 2],
      [c.id, 1],
    ]);
  });

  test("chat.read on the lobby connection lowers the count; reading everything removes the channel", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    const sent = await dm(t, b, a, "one", "two", "three");
    const channelId = dmChannelId(a.id, b.id);
    const session = await online(t, a);
    try {
      await session.room.request(LobbyClientMessage.ChatRead, { channelId, seq: sent[1]!.seq });
      expect((await t.chatApi.unread(a)).channels.map((ch) => ch.unread)).toEqual([1]);
      // Marking an older seq read again does not move the marker back.
      await session.room.request(LobbyClientMessage.ChatRead, { channelId, seq: sent[0]!.seq });
      expect((await t.chatApi.unread(a)).channels.map((ch) => ch.unread)).toEqual([1]);
      await session.room.request(LobbyClientMessage.ChatRead, { channelId, seq: sent[2]!.seq });
      expect(await t.chatApi.unread(a)).toEqual({ channels: [] });
    } finally {
      await session.room.leave();
    }
    // b's own unread is untouched by a's reading.
    expect(await t.chatApi.unread(b)).toEqual({ channels: [] });
  });

  test("a player cannot mark someone else's conversation read", async () => {
    const [a, b, c] = await trio();
    await t.social.befriend(a, b);
    const sent = await dm(t, b, a, "private");
    const session = await online(t, c);
    try {
      await session.room.request(LobbyClientMessage.ChatRead, { channelId: dmChannelId(a.id, b.id), seq: sent[0]!.seq });
    } finally {
      await session.room.leave();
    }
    expect((await t.chatApi.unread(a)).channels.map((ch) => ch.unread)).toEqual([1]);
  });

  test("a block in either direction hides the conversation from both players' unread; unblocking shows it again", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    await dm(t, b, a, "one", "two");
    await dm(t, a, b, "three");
    expect((await t.social.block(a, b.id)).status).toBe(204);
    expect(await t.chatApi.unread(a)).toEqual({ channels: [] });
    expect(await t.chatApi.unread(b)).toEqual({ channels: [] });
    expect((await t.social.unblock(a, b.id)).status).toBe(204);
    expect((await t.chatApi.unread(a)).channels.map((ch) => [ch.with.id, ch.unread])).toEqual([[b.id, 2]]);
    expect((await t.chatApi.unread(b)).channels.map((ch) => [ch.with.id, ch.unread])).toEqual([[a.id, 1]]);
  });

  test("a message deleted by an operator stops counting", async () => {
    const [a, b] = await pair();
    await t.social.befriend(a, b);
    const sent = await dm(t, b, a, "keep", "remove");
    await t.chat.deleteMessage(sent[1]!.id, null, "test");
    expect((await t.chatApi.unread(a)).channels.map((ch) => ch.unread)).toEqual([1]);
  });
});

describe("GET /me/settings", () => {
  test("a new player accepts direct messages from friends only", async () => {
    const [a] = await pair();
    expect(await t.chatApi.settings(a)).toEqual({ allowDirectMessagesFrom: "friends", joinPolicy: "ask" });
  });
});

describe("PATCH /me/settings", () => {
  test("changes the setting, answers every setting, and is stored for the next read", async () => {
    const [a] = await pair();
    const res = await t.chatApi.patchSettingsRaw(a, { allowDirectMessagesFrom: "anyone" });
    expect([res.status, res.body]).toEqual([200, { allowDirectMessagesFrom: "anyone", joinPolicy: "ask" }]);
    expect(await t.chatApi.settings(a)).toEqual({ allowDirectMessagesFrom: "anyone", joinPolicy: "ask" });
    const [row] = await sql<{ dm_policy: string }>(t.db.url, "SELECT dm_policy::text FROM accounts WHERE id = $1", [a.id]);
    expect(row?.dm_policy).toBe("ANYONE");
    const back = await t.chatApi.patchSettingsRaw(a, { allowDirectMessagesFrom: "friends" });
    expect([back.status, back.body]).toEqual([200, { allowDirectMessagesFrom: "friends", joinPolicy: "ask" }]);
  });

  test("an empty patch changes nothing and answers the current settings", async () => {
    const [a] = await pair();
    await t.chatApi.patchSettingsRaw(a, { allowDirectMessagesFrom: "anyone" });
    const res = await t.chatApi.patchSettingsRaw(a, {});
    expect([res.status, res.body]).toEqual([200, { allowDirectMessagesFrom: "anyone", joinPolicy: "ask" }]);
  });

  test("changes only the caller's own settings", async () => {
    const [a, b] = await pair();
    await t.chatApi.patchSettingsRaw(a, { allowDirectMessagesFrom: "anyone" });
    expect(await t.chatApi.settings(b)).toEqual({ allowDirectMessagesFrom: "friends", joinPolicy: "ask" });
  });

  test.each([
    ["an unknown value", { allowDirectMessagesFrom: "everyone" }, ["allowDirectMessagesFrom"]],
    ["null", { allowDirectMessagesFrom: null }, ["allowDirectMessagesFrom"]],
    ["a wrong type", { allowDirectMessagesFrom: true }, ["allowDirectMessagesFrom"]],
    ["an unknown field", { allowDirectMessagesFrom: "anyone", accountId: "someone" }, ["accountId"]],
    ["a body that is not an object", ["anyone"], ["(body)"]],
  ])("%s is 400 invalid_request naming the field, and changes nothing", async (_what, body, paths) => {
    const [a] = await pair();
    const res = await t.chatApi.patchSettingsRaw(a, body);
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
    expect(errorBody(res).fields?.map((f) => f.path)).toEqual(paths);
    expect(await t.chatApi.settings(a)).toEqual({ allowDirectMessagesFrom: "friends", joinPolicy: "ask" });
  });

  test("malformed JSON is 400 invalid_request", async () => {
    const [a] = await pair();
    const res = await t.api.send("PATCH", "/me/settings", { raw: '{"allowDirectMessagesFrom":', token: a.token });
    expect(failure(res)).toEqual([400, ErrorCode.InvalidRequest]);
  });

  test("the setting decides whether a stranger may send a direct message; a block always refuses", async () => {
    const [a, stranger, blocked] = await trio();
    expect(await tryDm(stranger, a)).toBe(ErrorCode.DmNotAllowed);
    await t.chatApi.patchSettingsRaw(a, { allowDirectMessagesFrom: "anyone" });
    expect(await tryDm(stranger, a)).toBe("sent");
    // A block in either direction refuses with the same code: the block is not revealed.
    expect((await t.social.block(a, blocked.id)).status).toBe(204);
    expect(await tryDm(blocked, a)).toBe(ErrorCode.DmNotAllowed);
    await t.chatApi.patchSettingsRaw(a, { allowDirectMessagesFrom: "friends" });
    expect(await tryDm(stranger, a)).toBe(ErrorCode.DmNotAllowed);
    // The conversation that happened stays readable.
    expect((await t.chatApi.history(a, dmChannelId(a.id, stranger.id))).messages).toHaveLength(1);
  });
});
