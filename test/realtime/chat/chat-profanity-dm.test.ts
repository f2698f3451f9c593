import { CHAT_TEST_ENV, dm, GENERAL, join, receivedSeq, say } from "../../helpers/chat";
import { befriend, connect, leave, newAccount } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// CHAT_FILTER_DIRECT_MESSAGES=false (the default, filtered, is in chat-profanity.test.ts).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...CHAT_TEST_ENV, CHAT_FILTER_DIRECT_MESSAGES: "false" });
});
afterAll(() => t.close());

test("with CHAT_FILTER_DIRECT_MESSAGES=false direct messages arrive as written; public channels stay filtered", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  const sent = await dm(ca, b, "you sh1t");
  expect(sent.text).toBe("you sh1t");
  expect((await receivedSeq(cb, sent.channelId, sent.seq)).text).toBe("you sh1t");

  for (const c of [ca, cb]) await join(c, GENERAL);
  const shouted = await say(ca, GENERAL, "you sh1t");
  expect(shouted.text).toBe("you ****");
  expect((await receivedSeq(cb, GENERAL, shouted.seq)).text).toBe("you ****");
  await leave(ca, cb);
});
