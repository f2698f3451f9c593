import { ManualClock } from "../../server/lib/clock";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import type { FriendPresence } from "../../shared/schemas/presence";
import { newPlayers } from "../helpers/factories";
import {
  befriend,
  connect,
  isStatus,
  leave,
  presenceUpdate,
  setPresence,
  type Account,
} from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// What a player learns about their friends in the one `presence.snapshot` sent on joining.
const clock = new ManualClock(Date.now());
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" }, { clock });
});
afterAll(() => t.close());

const accounts = (n: number): Promise<Account[]> => newPlayers(t.url, n);
const byName = (list: FriendPresence[]) => [...list].sort((x, y) => x.username.localeCompare(y.username));

test("one snapshot holds every friend's presence (online with status/activity/text, offline with lastSeenAt) and nobody else", async () => {
  const [a, away, plain, gone, never, outgoing, incoming, stranger, blocked] = (await accounts(9)) as [
    Account, Account, Account, Account, Account, Account, Account, Account, Account,
  ];
  for (const friend of [away, plain, gone, never, blocked]) await befriend(a, friend);
  await befriend(away, gone); // `away` watches `gone` leave
  await outgoing.client.http.sendFriendRequest(outgoing.client.accessToken, a.username);
  await a.client.http.sendFriendRequest(a.client.accessToken, incoming.username);
  await a.client.http.block(a.client.accessToken, blocked.id);

  const awayConn = await connect(away);
  await setPresence(awayConn, { status: "away", text: "back in 5" });
  const plainConn = await connect(plain);
  const goneConn = await connect(gone);
  const leftAt = clock.now() + 60_000;
  clock.set(leftAt);
  await leave(goneConn);
  await presenceUpdate(awayConn, gone, isStatus("offline"));
  const others = await Promise.all([outgoing, incoming, stranger, blocked].map((x) => connect(x)));

  const conn = await connect(a);

  expect(byName(conn.session.presence.friends)).toEqual(
    byName([
      { accountId: away.id, username: away.username, displayName: away.username, status: "away", activity: { kind: "lobby" }, text: "back in 5" },
      { accountId: plain.id, username: plain.username, displayName: plain.username, status: "online", activity: { kind: "lobby" } },
      { accountId: gone.id, username: gone.username, displayName: gone.username, status: "offline", lastSeenAt: new Date(leftAt).toISOString() },
      { accountId: never.id, username: never.username, displayName: never.username, status: "offline" },
    ]),
  );
  expect(conn.session.presence.self).toEqual({ status: "online" });
  // Exactly one snapshot, and it came before anything else about presence.
  expect(conn.log.of(LobbyServerMessage.PresenceSnapshot)).toHaveLength(1);
  const types = conn.log.types();
  expect(types.indexOf(LobbyServerMessage.PresenceSnapshot)).toBeLessThan(types.indexOf(LobbyServerMessage.NotificationsUnread));
  expect(types.filter((x) => x === LobbyServerMessage.PresenceUpdate)).toEqual([]);
  await leave(conn, awayConn, plainConn, ...others);
});

test("the player's own chosen status and text come back in `self` on the next join", async () => {
  const [a] = (await accounts(1)) as [Account];
  const first = await connect(a);
  await setPresence(first, { status: "busy", text: "raid night" });
  await leave(first);

  const again = await connect(a);
  expect(again.session.presence.self).toEqual({ status: "busy", text: "raid night" });
  await leave(again);
});
