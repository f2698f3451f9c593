import type { ChildServer } from "../../helpers/child-server";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { attempt, CHAT_TEST_ENV, GENERAL, join, refused, TRADE, type Outcome } from "../../helpers/chat";
import { connect, leave, loginAgain, newAccount, type Connection } from "../../helpers/presence";
import type { TestServer } from "../../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// chat.join reads and sends up to 200 messages; its per-connection budget (CHAT_JOIN_BURST, 3 here)
// would be multiplied by an account's connections, on any number of processes. The account has its
// own budget too (CHAT_JOINS_PER_ACCOUNT_PER_MINUTE, 4 here), kept in Redis for every process.
let procs: TwoProcesses;
let t: TestServer;
let child: ChildServer;
beforeAll(async () => {
  procs = await startTwoProcesses({
    ...CHAT_TEST_ENV,
    CHAT_JOIN_BURST: "3",
    // No refill of the connection's burst while the test runs.
    CHAT_JOINS_PER_SECOND: "0.001",
    CHAT_JOINS_PER_ACCOUNT_PER_MINUTE: "4",
    LOBBY_RECONNECT_SECONDS: "0",
  });
  ({ t, child } = procs);
}, 60_000);
afterAll(() => procs?.close());

const tryJoin = (conn: Connection, channelId: string): Promise<Outcome<unknown>> => attempt(conn, LobbyClientMessage.ChatJoin, { channelId, afterSeq: 0 });

function expectRefused(outcome: Outcome<unknown>): void {
  expect(outcome.reply).toBeUndefined();
  const error = refused(outcome);
  expect(error.code).toBe(ErrorCode.RateLimited);
  expect(error.details?.retryAfterMs).toBeGreaterThan(0);
}

test("an account's connections on two processes share its chat.join budget; another account is unaffected", async () => {
  const account = await newAccount(t.url);
  const here = await connect(account);
  const there = await connect(await loginAgain(account, child.url));

  // Three on this process (the connection's whole burst), one on the other: the account's four.
  for (const channelId of [GENERAL, TRADE, GENERAL]) expect((await join(here, channelId, 0)).channelId).toBe(channelId);
  expect((await join(there, GENERAL, 0)).channelId).toBe(GENERAL);

  // The second connection still has two of its own three, but the account has none left.
  expectRefused(await tryJoin(there, TRADE));
  // A new connection of the account starts with a full burst of its own: refused all the same.
  const third = await connect(account);
  expectRefused(await tryJoin(third, GENERAL));

  const other = await connect(await newAccount(t.url));
  for (const channelId of [GENERAL, TRADE, GENERAL]) expect((await join(other, channelId, 0)).channelId).toBe(channelId);
  await leave(here, there, third, other);
});
