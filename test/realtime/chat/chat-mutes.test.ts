import crypto from "node:crypto";
import { ManualClock } from "../../../server/lib/clock";
import { ChatRepo } from "../../../server/modules/chat/chat.repo";
import { ErrorCode } from "../../../shared/codes";
import { partyChannelId } from "../../../shared/schemas/chat";
import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { attempt, CHAT_TEST_ENV, dm, GENERAL, join, mutedNotice, received, receivedSeq, refused, refusedDm, refusedSend, say } from "../../helpers/chat";
import { befriend, connect, leave, newAccount, type Account } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Operator mutes (ChatService.mute; the admin UI comes later) on the injected clock, and the
// party-chat exemption.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(CHAT_TEST_ENV, { clock });
});
afterAll(() => t.close());

const MINUTE = 60_000;
const operatorMute = (a: Account, durationMs: number, reason = "spam") =>
  t.server.services.chat.mute(a.id, { durationMs, reason, by: null, source: "OPERATOR" });

/** A party channel with these members, made the way the chat layer knows parties: channel membership. */
async function partyOf(...members: Account[]): Promise<string> {
  const channelId = partyChannelId(crypto.randomUUID());
  await new ChatRepo(t.server.db.prisma).ensureMemberChannel(channelId, "PARTY", members.map((m) => m.id), new Date(clock.now()));
  return channelId;
}

test("a muted player is told (chat.muted), refused with code muted and the expiry, in channels and DMs, until the clock passes it", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  await join(ca, GENERAL);
  await join(cb, GENERAL);

  const expiresAt = await operatorMute(a, 10 * MINUTE, "spamming trade offers");
  expect(expiresAt.getTime()).toBe(clock.now() + 10 * MINUTE);
  expect(await mutedNotice(ca)).toEqual({ expiresAt: expiresAt.toISOString(), reason: "spamming trade offers" });
  const details = { expiresAt: expiresAt.toISOString(), reason: "spamming trade offers" };
  expect(await refusedSend(ca, GENERAL, "hello?")).toMatchObject({ code: ErrorCode.Muted, type: LobbyClientMessage.ChatSend, details });
  expect(await refusedDm(ca, b, "psst")).toMatchObject({ code: ErrorCode.Muted, type: LobbyClientMessage.ChatDm, details });

  clock.advance(10 * MINUTE - 1);
  expect((await refusedSend(ca, GENERAL, "now?")).code).toBe(ErrorCode.Muted);
  clock.advance(1);
  const back = await say(ca, GENERAL, "thanks");
  const whisper = await dm(ca, b, "sorry");
  await receivedSeq(cb, GENERAL, back.seq);
  await receivedSeq(cb, whisper.channelId, whisper.seq);
  expect(received(cb, GENERAL).map((m) => m.text)).toEqual(["thanks"]);
  expect(received(cb, whisper.channelId).map((m) => m.text)).toEqual(["sorry"]);
  // Other players were never affected.
  await say(cb, GENERAL, "welcome back");
  await leave(ca, cb);
});

test("the longest active mute wins; a shorter one added later does not shorten it", async () => {
  const a = await newAccount(t.url);
  const ca = await connect(a);
  await join(ca, GENERAL);
  const long = await operatorMute(a, 30 * MINUTE, "harassment");
  await operatorMute(a, MINUTE, "spam");
  clock.advance(2 * MINUTE);
  expect(await refusedSend(ca, GENERAL, "let me out")).toMatchObject({ code: ErrorCode.Muted, details: { expiresAt: long.toISOString(), reason: "harassment" } });
  clock.advance(28 * MINUTE);
  await say(ca, GENERAL, "free");
  await leave(ca);
});

test("party chat is exempt: a muted member still talks to the party, and only there", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const party = await partyOf(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  await Promise.all([join(ca, party), join(cb, party), join(ca, GENERAL)]);
  await operatorMute(a, 5 * MINUTE);
  await mutedNotice(ca);

  const sent = await say(ca, party, "muted, but my party hears me");
  expect((await receivedSeq(cb, party, sent.seq)).text).toBe("muted, but my party hears me");
  expect((await refusedSend(ca, GENERAL, "and the world?")).code).toBe(ErrorCode.Muted);
  expect((await refusedDm(ca, b, "and you?")).code).toBe(ErrorCode.Muted);
  await leave(ca, cb);
});

test("outsiders can neither read nor write a party channel; refused joins leave nothing behind", async () => {
  const [a, b, outsider] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  const party = await partyOf(a, b);
  const [ca, co] = [await connect(a), await connect(outsider)];
  await join(ca, party);

  // Refused joins of as many parties as the 10 channels a connection may be in: none of them counts.
  const others = [party];
  while (others.length < 10) others.push(await partyOf(a));
  for (const channelId of others) {
    expect(refused(await attempt(co, LobbyClientMessage.ChatJoin, { channelId })).code).toBe(ErrorCode.ChannelNotFound);
  }
  expect((await refusedSend(co, party, "let me in")).code).toBe(ErrorCode.NotChannelMember);
  expect((await join(co, GENERAL)).channelId).toBe(GENERAL);

  const sent = await say(ca, party, "party only");
  const marker = await say(co, GENERAL, "marker");
  await receivedSeq(co, GENERAL, marker.seq);
  await receivedSeq(ca, party, sent.seq);
  expect(received(co, party)).toEqual([]);
  await leave(ca, co);
});
