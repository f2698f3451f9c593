import { ManualClock } from "../../server/lib/clock";
import { ErrorCode } from "../../shared/codes";
import { Limits } from "../../shared/limits";
import { LobbyClientMessage } from "../../shared/schemas/lobby";
import type { Activity } from "../../shared/schemas/presence";
import {
  befriend,
  connect,
  errorsFor,
  isStatus,
  leave,
  newAccount,
  presenceUpdate,
  setPresence,
  settle,
  updatesAbout,
  type Account,
  type Connection,
} from "../helpers/presence";
import { REALTIME_TEST_ENV, roundTrip } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Live presence between two friends: coming online, presence.set, server-set activity, going
// offline; the custom text's hygiene and the presence.set rate limit (on the injected clock).
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" }, { clock });
});
afterAll(() => t.close());

/** `watcher` online, then `friend` online: returns both connections. */
async function friendsOnline(): Promise<{ watcher: Connection; friend: Connection; friendAccount: Account }> {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const watcher = await connect(a);
  const friend = await connect(b);
  await presenceUpdate(watcher, b, isStatus("online"));
  return { watcher, friend, friendAccount: b };
}

test("friends see each other come online, change status and text, and go offline", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const watcher = await connect(a);

  const friend = await connect(b);
  expect(await presenceUpdate(watcher, b)).toEqual({ accountId: b.id, username: b.username, displayName: b.username, status: "online", activity: { kind: "lobby" } });
  // The friend, joining second, found the watcher online in its snapshot.
  expect(friend.session.presence.friends).toEqual([{ accountId: a.id, username: a.username, displayName: a.username, status: "online", activity: { kind: "lobby" } }]);

  let from = watcher.log.mark;
  await setPresence(friend, { status: "away" });
  expect(await presenceUpdate(watcher, b, () => true, from)).toMatchObject({ status: "away", activity: { kind: "lobby" } });

  from = watcher.log.mark;
  await setPresence(friend, { text: "queueing ranked" });
  expect(await presenceUpdate(watcher, b, () => true, from)).toMatchObject({ status: "away", text: "queueing ranked" });

  from = watcher.log.mark;
  await setPresence(friend, { status: "busy", text: null });
  const busy = await presenceUpdate(watcher, b, () => true, from);
  expect(busy).toMatchObject({ status: "busy" });
  expect(busy.text).toBeUndefined();

  from = watcher.log.mark;
  clock.advance(5_000);
  const leftAt = new Date(clock.now()).toISOString();
  await leave(friend);
  expect(await presenceUpdate(watcher, b, () => true, from)).toEqual({ accountId: b.id, username: b.username, displayName: b.username, status: "offline", lastSeenAt: leftAt });

  // Nothing else, and every update came after the snapshot.
  await settle(watcher);
  expect(updatesAbout(watcher, b).map((p) => p.status)).toEqual(["online", "away", "away", "busy", "offline"]);
  await leave(watcher);
});

test("activity set by the server (party, queue, match) reaches friends as an update", async () => {
  const { watcher, friend, friendAccount: b } = await friendsOnline();
  const who = { accountId: b.id, username: b.username, displayName: b.username };
  const steps: Activity[] = [
    { kind: "party", partyId: "party-1", size: 3, maxSize: 4, joinable: true, joinBy: "request" },
    { kind: "queue", mode: "ranked-2v2" },
    { kind: "match", mode: "ranked-2v2", matchId: "match-9", joinable: false },
    { kind: "lobby" },
  ];
  for (const activity of steps) {
    const from = watcher.log.mark;
    await t.server.services.presence.setActivity(who, activity);
    expect(await presenceUpdate(watcher, b, () => true, from)).toEqual({ accountId: b.id, username: b.username, displayName: b.username, status: "online", activity });
  }
  await leave(watcher, friend);
});

describe("custom text", () => {
  test.each([
    ["NFC-normalised", "Cafe\u0301 con amigos", "Café con amigos"],
    ["stripped of control and format characters", "gg\u0000\u0007 wp\u200B\u202E\u2066!", "gg wp!"],
    ["normalised after stripping", "e\u200B\u0301", "\u00E9"],
    ["kept on one line", "brb\nback\u2028soon", "brb back soon"],
    ["trimmed", "  afk  ", "afk"],
    [`kept at ${Limits.presenceTextMaxLength} code points`, "🎮".repeat(Limits.presenceTextMaxLength), "🎮".repeat(Limits.presenceTextMaxLength)],
  ])("is %s", async (_label, input, shown) => {
    const { watcher, friend, friendAccount: b } = await friendsOnline();
    const from = watcher.log.mark;
    await setPresence(friend, { text: input });
    expect((await presenceUpdate(watcher, b, () => true, from)).text).toBe(shown);
    await leave(watcher, friend);
  });

  test(`${Limits.presenceTextMaxLength + 1} code points are refused with invalid_message; the connection stays open`, async () => {
    const { watcher, friend, friendAccount: b } = await friendsOnline();
    const from = watcher.log.mark;
    await setPresence(friend, { text: "🎮".repeat(Limits.presenceTextMaxLength + 1) });
    expect(errorsFor(friend, LobbyClientMessage.PresenceSet)).toEqual([
      { code: ErrorCode.InvalidMessage, message: expect.stringContaining("text"), type: LobbyClientMessage.PresenceSet },
    ]);
    expect((await roundTrip(friend.room)).code).toBe(ErrorCode.UnknownMessage);
    await settle(watcher);
    expect(updatesAbout(watcher, b, from)).toEqual([]);
    await leave(watcher, friend);
  });
});

test("presence.set allows a burst of 5, then one every 2 s (injected clock): the rest get rate_limited", async () => {
  const { watcher, friend, friendAccount: b } = await friendsOnline();
  const from = watcher.log.mark;
  for (let i = 1; i <= 6; i += 1) await setPresence(friend, { text: `t${i}` });
  expect(errorsFor(friend, LobbyClientMessage.PresenceSet).map((e) => e.code)).toEqual([ErrorCode.RateLimited]);

  clock.advance(1_999);
  await setPresence(friend, { text: "t7" });
  expect(errorsFor(friend, LobbyClientMessage.PresenceSet).map((e) => e.code)).toEqual([ErrorCode.RateLimited, ErrorCode.RateLimited]);

  clock.advance(1);
  await setPresence(friend, { text: "t8" });
  await setPresence(friend, { text: "t9" });
  expect(errorsFor(friend, LobbyClientMessage.PresenceSet).map((e) => e.code)).toEqual([
    ErrorCode.RateLimited,
    ErrorCode.RateLimited,
    ErrorCode.RateLimited,
  ]);

  await settle(watcher);
  expect(updatesAbout(watcher, b, from).map((p) => p.text)).toEqual(["t1", "t2", "t3", "t4", "t5", "t8"]);
  expect((await roundTrip(friend.room)).code).toBe(ErrorCode.UnknownMessage);
  await leave(watcher, friend);
});
