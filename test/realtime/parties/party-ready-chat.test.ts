import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import type { ChatHistoryMessage } from "../../../shared/schemas/chat";
import { LobbyClientMessage as M, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { CHAT_TEST_ENV, join, received, receivedSeq, refusedSend, say, texts, mutedNotice } from "../../helpers/chat";
import { befriendAll, formParty, ok, PARTY_TEST_ENV, partyUpdate, refusal } from "../../helpers/parties";
import { newPlayers } from "../../helpers/factories";
import { connect, leave, setPresence, settle } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Ready flags and each member's presence status reach every member live; the party channel is
// for members only, and stays open to a muted member.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...CHAT_TEST_ENV, ...PARTY_TEST_ENV }, { clock });
});
afterAll(() => t.close());

const accounts = (n: number) => newPlayers(t.url, n);

test("ready flags and presence statuses of members show live to every member", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await formParty(ca, cb);
  const flags = (id: string) => party.members.filter((m) => m.id === id).map((m) => [m.ready, m.status]);
  expect(flags(a!.id)).toEqual([[true, "online"]]);
  expect(flags(b!.id)).toEqual([[false, "online"]]);

  await ok(cb, M.PartyReady, { ready: true });
  for (const c of [ca, cb]) await partyUpdate(c, (p) => p.members.every((m) => m.ready));
  await ok(cb, M.PartyReady, { ready: false });
  for (const c of [ca, cb]) await partyUpdate(c, (p) => p.members.find((m) => m.id === b!.id)?.ready === false);

  await setPresence(cb, { status: "away" });
  for (const c of [ca, cb]) await partyUpdate(c, (p) => p.members.find((m) => m.id === b!.id)?.status === "away");
  await setPresence(ca, { status: "busy" });
  for (const c of [ca, cb]) await partyUpdate(c, (p) => p.members.find((m) => m.id === a!.id)?.status === "busy");
  // Invisible reads as offline, as friends see it.
  await setPresence(cb, { status: "invisible" });
  await partyUpdate(ca, (p) => p.members.find((m) => m.id === b!.id)?.status === "offline");

  // A second connection of a member gets the current state in its snapshot.
  const again = await connect(a!);
  const snap = await again.log.waitFor<{ party: { members: { id: string; ready: boolean; status: string }[] } }>("party.snapshot");
  expect(new Set(snap.party.members.map((m) => [m.id, m.ready, m.status].join()))).toEqual(
    new Set([
      [a!.id, true, "busy"].join(),
      [b!.id, false, "offline"].join(),
    ]),
  );
  expect(await refusal(cb, M.PartyReady, { ready: "yes" })).toMatchObject({ code: ErrorCode.InvalidMessage });
  await leave(ca, cb, again);
});

test("party chat: members get each other's messages on the party channel; outsiders can neither read nor write", async () => {
  const [a, b, c] = await accounts(3);
  await befriendAll(a!, b!, c!);
  const [ca, cb, cc] = await Promise.all([connect(a!), connect(b!), connect(c!)]);
  const party = await formParty(ca, cb);
  const channel = party.channelId;
  expect(channel).toBe(`party:${party.id}`);
  // Each member's connection joins the party channel on its own after the party update (its
  // chat.history says so): a message sent before that would arrive in the history, not live.
  await Promise.all([ca, cb].map((conn) => conn.log.waitFor<ChatHistoryMessage>(LobbyServerMessage.ChatHistory, (h) => h.channelId === channel)));

  const m1 = await say(ca, channel, "hello party");
  const m2 = await say(cb, channel, "hi leader");
  for (const conn of [ca, cb]) {
    await receivedSeq(conn, channel, m2.seq);
    expect(texts(received(conn, channel))).toEqual(["hello party", "hi leader"]);
  }
  expect(m1.sender).toMatchObject({ id: a!.id });

  // A friend of both who is not in the party.
  expect((await refusedSend(cc, channel, "let me in")).code).toBe(ErrorCode.NotChannelMember);
  const joined = await cc.room.request(M.ChatJoin, { channelId: channel }).catch(() => undefined);
  expect(joined ?? undefined).toBeUndefined();
  await say(ca, channel, "still private");
  await settle(cc);
  expect(received(cc, channel)).toEqual([]);
  const history = await c!.client.http.chatHistory(c!.client.accessToken, channel).then(
    () => "readable",
    () => "refused",
  );
  expect(history).toBe("refused");

  // A member who leaves stops getting the channel and cannot write to it.
  await ok(cb, M.PartyLeave);
  await partyUpdate(ca, (p) => p.members.length === 1);
  const m4 = await say(ca, channel, "after b left");
  await receivedSeq(ca, channel, m4.seq);
  await settle(cb);
  expect(texts(received(cb, channel))).not.toContain("after b left");
  expect((await refusedSend(cb, channel, "back?")).code).toBe(ErrorCode.NotChannelMember);
  await leave(ca, cb, cc);
});

test("a muted player can still talk in party chat (but not in public channels)", async () => {
  const [a, b] = await accounts(2);
  await befriendAll(a!, b!);
  const [ca, cb] = await Promise.all([connect(a!), connect(b!)]);
  const party = await formParty(ca, cb);
  await join(cb, "public:general");

  await t.server.services.chat.mute(b!.id, { durationMs: 3_600_000, reason: "test", by: null, source: "OPERATOR" });
  await mutedNotice(cb);
  expect((await refusedSend(cb, "public:general", "can I?")).code).toBe(ErrorCode.Muted);

  const m = await say(cb, party.channelId, "muted but partying");
  await receivedSeq(ca, party.channelId, m.seq);
  expect(texts(received(ca, party.channelId))).toEqual(["muted but partying"]);
  await leave(ca, cb);
});
