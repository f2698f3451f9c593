import { ManualClock } from "../../../server/lib/clock";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { attempt, CHAT_TEST_ENV, GENERAL, join, refused, say } from "../../helpers/chat";
import { connect, leave, newAccount } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// chat.join reads and sends history (up to 200 messages on a catch-up from seq 0), so one small
// frame repeated could make the server read and send without bound: a connection gets a burst
// (CHAT_JOIN_BURST, 3 here), then CHAT_JOINS_PER_SECOND (1 here) on the injected clock.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...CHAT_TEST_ENV, CHAT_JOIN_BURST: "3", CHAT_JOINS_PER_SECOND: "1" }, { clock });
});
afterAll(() => t.close());

test("repeat joins with a full catch-up pass within the burst, then rate_limited with retryAfterMs; the budget refills with the clock", async () => {
  const [account, writer] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [conn, other] = [await connect(account), await connect(writer)];
  await join(other, GENERAL);
  for (let i = 0; i < 5; i++) await say(other, GENERAL, `backlog ${i}`);

  // The burst: the first join and two repeats that ask for everything again.
  const first = await join(conn, GENERAL, 0);
  expect(first.messages.length).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < 2; i++) expect((await join(conn, GENERAL, 0)).messages.length).toBe(first.messages.length);

  const over = await attempt(conn, LobbyClientMessage.ChatJoin, { channelId: GENERAL, afterSeq: 0 });
  expect(over.reply).toBeUndefined();
  expect(refused(over)).toMatchObject({ code: ErrorCode.RateLimited, details: { retryAfterMs: 1000 } });
  // Refused, not cut: the connection still chats.
  expect((await say(conn, GENERAL, "still here")).text).toBe("still here");

  clock.advance(1000);
  expect((await join(conn, GENERAL, 0)).channelId).toBe(GENERAL);
  expect(refused(await attempt(conn, LobbyClientMessage.ChatJoin, { channelId: GENERAL })).code).toBe(ErrorCode.RateLimited);

  // The budget is the connection's: another player's is untouched.
  expect((await join(other, GENERAL, 0)).channelId).toBe(GENERAL);
  await leave(conn, other);
});
