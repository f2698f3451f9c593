import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import type { ChatMutedMessage } from "../../../shared/schemas/chat";
import { CHAT_TEST_ENV, GENERAL, join, mutedNotice, received, receivedSeq, refusedSend, say } from "../../helpers/chat";
import { connect, leave, newAccount, type Account, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Flood control on the injected clock: a burst of 3, one message a second after it, the same text
// refused for 30 s, and 3 violations within a minute mute the player (1 min, then doubling).
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(
    {
      ...CHAT_TEST_ENV,
      CHAT_FLOOD_BURST: "3",
      CHAT_FLOOD_PER_SECOND: "1",
      CHAT_REPEAT_COOLDOWN_SECONDS: "30",
      CHAT_FLOOD_VIOLATIONS_TO_MUTE: "3",
    },
    { clock },
  );
});
afterAll(() => t.close());

/** A new player (its own flood state) in #general, and a member who reads it. */
async function flooder(): Promise<{ account: Account; conn: Connection; reader: Connection }> {
  const [account, other] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [conn, reader] = [await connect(account), await connect(other)];
  await join(conn, GENERAL);
  await join(reader, GENERAL);
  return { account, conn, reader };
}

let n = 0;
const fresh = (): string => `message ${(n += 1)}`;

test("a burst passes, the next message is chat_rate_limited with retryAfterMs; the bucket refills with the clock", async () => {
  const { conn, reader } = await flooder();
  for (let i = 0; i < 3; i += 1) await say(conn, GENERAL, fresh());
  const refusal = await refusedSend(conn, GENERAL, "one too many");
  expect(refusal).toMatchObject({ code: ErrorCode.ChatRateLimited, type: "chat.send", details: { retryAfterMs: 1000 } });

  clock.advance(400);
  expect((await refusedSend(conn, GENERAL, "still too soon")).details).toEqual({ retryAfterMs: 600 });
  clock.advance(600);
  await say(conn, GENERAL, "refilled one");

  // Two violations, and they are past the one-minute window: no mute. A long pause refills the
  // burst, and not more than it.
  clock.advance(60_000);
  for (let i = 0; i < 3; i += 1) await say(conn, GENERAL, fresh());
  expect((await refusedSend(conn, GENERAL, "and no more")).code).toBe(ErrorCode.ChatRateLimited);
  const last = await say(reader, GENERAL, "reader");
  await receivedSeq(reader, GENERAL, last.seq);
  const refusedTexts = ["one too many", "still too soon", "and no more"];
  expect(received(reader, GENERAL).filter((m) => refusedTexts.includes(m.text))).toEqual([]);
  expect(conn.log.of("chat.muted")).toEqual([]);
  expect((await refusedSend(conn, GENERAL, "still limited")).code).toBe(ErrorCode.ChatRateLimited);
  await leave(conn, reader);
});

test("the same text again (any case, any spacing) within the cooldown is chat_repeated; another text is not", async () => {
  const { conn, reader } = await flooder();
  await say(conn, GENERAL, "Buy gold at example dot com");
  const refusal = await refusedSend(conn, GENERAL, "  buy GOLD at example   dot com ");
  expect(refusal).toMatchObject({ code: ErrorCode.ChatRepeated, details: { retryAfterMs: 30_000 } });
  clock.advance(10_000);
  expect((await refusedSend(conn, GENERAL, "Buy gold at example dot com")).details).toEqual({ retryAfterMs: 20_000 });
  await say(conn, GENERAL, "something else");
  clock.advance(30_000);
  await say(conn, GENERAL, "something else");
  await leave(conn, reader);
});

/** Three violations in a row: the third mutes. Resolves with the `chat.muted` notice. */
async function floodUntilMuted(account: Account): Promise<ChatMutedMessage> {
  // A connection per round: a connection may only send 20 messages a second.
  const conn = await connect(account);
  await join(conn, GENERAL);
  const from = conn.log.mark;
  for (let i = 0; i < 3; i += 1) await say(conn, GENERAL, fresh());
  for (let i = 0; i < 3; i += 1) expect((await refusedSend(conn, GENERAL, fresh())).code).toBe(ErrorCode.ChatRateLimited);
  const notice = await mutedNotice(conn, from);
  await leave(conn);
  return notice;
}

test("repeated violations mute automatically: chat.muted, then muted with expiresAt until the clock passes it", async () => {
  const { account, conn, reader } = await flooder();
  const mutedAt = clock.now();
  const notice = await floodUntilMuted(account);
  expect(notice).toEqual({ expiresAt: new Date(mutedAt + 60_000).toISOString(), reason: "flooding" });
  // Every connection of the player is told.
  expect(await mutedNotice(conn)).toEqual(notice);

  clock.advance(5_000);
  const refusal = await refusedSend(conn, GENERAL, "let me talk");
  expect(refusal).toMatchObject({ code: ErrorCode.Muted, details: { expiresAt: notice.expiresAt, reason: "flooding" } });
  clock.advance(54_999);
  expect((await refusedSend(conn, GENERAL, "now?")).code).toBe(ErrorCode.Muted);
  clock.advance(1);
  const back = await say(conn, GENERAL, "I am back");
  expect((await receivedSeq(reader, GENERAL, back.seq)).text).toBe("I am back");
  expect(received(reader, GENERAL).map((m) => m.text)).not.toContain("let me talk");
  await leave(conn, reader);
});

test("automatic mutes escalate: 1 minute, then 2, then 4", async () => {
  const account = await newAccount(t.url);
  const durations: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const mutedAt = clock.now();
    const notice = await floodUntilMuted(account);
    durations.push(Date.parse(notice.expiresAt) - mutedAt);
    clock.set(Date.parse(notice.expiresAt));
  }
  expect(durations).toEqual([60_000, 120_000, 240_000]);
});
