import { ErrorCode } from "../../../shared/codes";
import type { AccountSettings } from "../../../shared/schemas/chat";
import { CHAT_TEST_ENV, dm, GENERAL, join, received, receivedSeq, refusedDm, say, texts } from "../../helpers/chat";
import { befriend, connect, leave, newAccount, type Account, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Blocks hide chat in both directions (DMs refused, channel messages not delivered), and the DM
// privacy setting decides whether strangers may write.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(CHAT_TEST_ENV);
});
afterAll(() => t.close());

const block = (by: Account, whom: Account) => by.client.http.block(by.client.accessToken, whom.id);
const unblock = (by: Account, whom: Account) => by.client.http.unblock(by.client.accessToken, whom.id);
const settings = (a: Account, patch?: Partial<AccountSettings>): Promise<AccountSettings> =>
  a.client.http.request<AccountSettings>(patch ? "PATCH" : "GET", "/me/settings", { accessToken: a.client.accessToken, body: patch });

/** Three members of #general; `before` runs between creating the accounts and connecting. */
async function trio(before: (accounts: Account[]) => Promise<void> = async () => undefined): Promise<[Connection, Connection, Connection]> {
  const accounts = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await before(accounts);
  const conns = [await connect(accounts[0]!), await connect(accounts[1]!), await connect(accounts[2]!)] as const;
  for (const c of conns) await join(c, GENERAL);
  return [...conns];
}

/** `bystander` says a marker; once every connection has it, all that was sent before was handled. */
async function settleChannel(bystander: Connection, ...conns: Connection[]): Promise<void> {
  const marker = await say(bystander, GENERAL, `marker ${Math.random()}`);
  await Promise.all([bystander, ...conns].map((c) => receivedSeq(c, GENERAL, marker.seq)));
}

const withoutMarkers = (c: Connection, from = 0) => texts(received(c, GENERAL, from)).filter((x) => !x.startsWith("marker"));

test("DMs are refused both ways across a block (even if the blocked side accepts anyone), with the same answer as for a stranger", async () => {
  const [a, b, stranger] = await Promise.all([newAccount(t.url), newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb, cs] = [await connect(a), await connect(b), await connect(stranger)];
  await dm(ca, b, "friends for now");

  await block(a, b);
  await settings(b, { allowDirectMessagesFrom: "anyone" });
  const fromBlocked = await refusedDm(cb, a, "why?");
  const fromBlocker = await refusedDm(ca, b, "because");
  const fromStranger = await refusedDm(cs, a, "hi");
  expect(fromBlocked.code).toBe(ErrorCode.DmNotAllowed);
  expect(fromBlocker.code).toBe(ErrorCode.DmNotAllowed);
  // A block is never revealed: the blocked player hears what any stranger hears.
  expect({ ...fromBlocked, type: undefined }).toEqual({ ...fromStranger, type: undefined });

  // Lifting the block does not bring the friendship back: b accepts anyone, a only friends.
  await unblock(a, b);
  expect((await dm(ca, b, "can we talk")).text).toBe("can we talk");
  expect((await refusedDm(cb, a, "sure")).code).toBe(ErrorCode.DmNotAllowed);
  await leave(ca, cb, cs);
});

test("in a public channel the blocker and the blocked never see each other's messages; join history hides them too", async () => {
  const start = await t.server.services.chat.lastSeq(GENERAL);
  const earlier = "b, before the block";
  const [ca, cb, cc] = await trio(async ([a, b]) => {
    await t.server.services.chat.send({ accountId: b!.id, username: b!.username, displayName: b!.username }, GENERAL, earlier);
    await block(a!, b!);
  });
  await say(cb, GENERAL, "from b");
  await say(ca, GENERAL, "from a");
  await say(cc, GENERAL, "from c");
  await settleChannel(cc, ca, cb);
  expect(withoutMarkers(ca)).toEqual(["from a", "from c"]);
  expect(withoutMarkers(cb)).toEqual(["from b", "from c"]);
  expect(withoutMarkers(cc)).toEqual(["from b", "from a", "from c"]);

  // Asking again from before it all (a rejoin with afterSeq) is filtered the same way.
  const histories = await Promise.all([ca, cb, cc].map((c) => join(c, GENERAL, start)));
  expect(texts(histories[0]!.messages).filter((x) => !x.startsWith("marker"))).toEqual(["from a", "from c"]);
  expect(texts(histories[1]!.messages).filter((x) => !x.startsWith("marker"))).toEqual([earlier, "from b", "from c"]);
  expect(texts(histories[2]!.messages).filter((x) => !x.startsWith("marker"))).toEqual([earlier, "from b", "from a", "from c"]);
  await leave(ca, cb, cc);
});

test("a block made while both are connected applies to the very next message; unblocking restores delivery", async () => {
  const [ca, cb, cc] = await trio();
  await say(cb, GENERAL, "b before");
  await say(ca, GENERAL, "a before");
  await settleChannel(cc, ca, cb);
  let from = [ca.log.mark, cb.log.mark];

  await block(cb.account, ca.account);
  await say(ca, GENERAL, "a after the block");
  await say(cb, GENERAL, "b after the block");
  await settleChannel(cc, ca, cb);
  expect(withoutMarkers(ca, from[0])).toEqual(["a after the block"]);
  expect(withoutMarkers(cb, from[1])).toEqual(["b after the block"]);
  expect(withoutMarkers(cc)).toEqual(["b before", "a before", "a after the block", "b after the block"]);

  from = [ca.log.mark, cb.log.mark];
  await unblock(cb.account, ca.account);
  await say(ca, GENERAL, "a after the unblock");
  await say(cb, GENERAL, "b after the unblock");
  await settleChannel(cc, ca, cb);
  expect(withoutMarkers(ca, from[0])).toEqual(["a after the unblock", "b after the unblock"]);
  expect(withoutMarkers(cb, from[1])).toEqual(["a after the unblock", "b after the unblock"]);
  await leave(ca, cb, cc);
});

test("DM privacy: friends only by default; allowDirectMessagesFrom 'anyone' lets a stranger write; back to friends refuses again", async () => {
  const [a, stranger] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cs] = [await connect(a), await connect(stranger)];
  expect(await settings(a)).toEqual({ allowDirectMessagesFrom: "friends", joinPolicy: "ask" });
  expect((await refusedDm(cs, a, "hello?")).code).toBe(ErrorCode.DmNotAllowed);

  expect(await settings(a, { allowDirectMessagesFrom: "anyone" })).toEqual({ allowDirectMessagesFrom: "anyone", joinPolicy: "ask" });
  const sent = await dm(cs, a, "hello!");
  expect(await receivedSeq(ca, sent.channelId, sent.seq)).toEqual(sent);
  // The setting is the recipient's: a does not accept strangers' DMs on their behalf.
  expect((await refusedDm(ca, stranger, "hi back")).code).toBe(ErrorCode.DmNotAllowed);

  await settings(a, { allowDirectMessagesFrom: "friends" });
  expect((await refusedDm(cs, a, "hello again?")).code).toBe(ErrorCode.DmNotAllowed);
  await leave(ca, cs);
});
