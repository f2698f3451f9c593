import { matchMaker } from "@colyseus/core";
import { CloseCode } from "../../shared/codes";
import { LobbyApiError } from "../../shared/client/http-client";
import { MeResponseSchema } from "../../shared/schemas/auth";
import { dm } from "../helpers/chat";
import { createLobbyOn } from "../helpers/placement";
import { befriend, connect, loginAgain, newAccount, presenceUpdate, type Account } from "../helpers/presence";
import { REALTIME_TEST_ENV, watchConnection } from "../helpers/realtime";
import { request } from "../helpers/http";
import { GOOD_PASSWORD } from "../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../helpers/two-processes";

// Account changes made on one process (this one, "p1") reach a player connected to the other (a
// child, "p2"): a password change and ending one session close that session's lobby socket with
// 4101 and p2 refuses its token; a rename reaches a friend on p2 and p2's cached session. Sessions
// are cached for 5 minutes, so only an invalidation over the backplane can make p2 see a change.
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600", SESSION_CACHE_SECONDS: "300" });
}, 60_000);
afterAll(() => procs?.close());

const onChild = async (account: Account) => {
  const conn = await connect(account, { roomId: await createLobbyOn(procs.childProcessId) });
  expect(matchMaker.getLocalRoomById(conn.room.roomId)).toBeUndefined();
  return conn;
};
/** GET /me with `token` on the child process: 200 or the refusal's status and code. */
async function meOnChild(token: string): Promise<number | string> {
  const res = await request(procs.child.url, "GET", "/me", { token });
  return res.status === 200 ? 200 : `${res.status} ${(res.body as { error: { code: string } }).error.code}`;
}

test("a password change on p1 closes the account's other session on p2 (4101) and p2 refuses its token; the changing session goes on", async () => {
  const player = await newAccount(procs.t.url);
  const device = await loginAgain(player, procs.child.url);
  const conn = await onChild(device);
  const watch = watchConnection(conn.room);
  expect(await meOnChild(device.client.accessToken)).toBe(200);

  const fresh = await player.client.changePassword(GOOD_PASSWORD, "new-orchid-lantern-58");
  expect(await watch.left).toBe(CloseCode.SessionRevoked);
  expect(await meOnChild(device.client.accessToken)).toBe("401 invalid_token");
  expect(await meOnChild(fresh.accessToken)).toBe(200);
});

test("DELETE /me/sessions/{id} on p1 closes that session's socket on p2 (4101); the account's other sessions stay", async () => {
  const player = await newAccount(procs.t.url);
  const device = await loginAgain(player, procs.child.url);
  const conn = await onChild(device);
  const watch = watchConnection(conn.room);
  const sessions = await player.client.sessions();
  const target = sessions.items.find((s) => !s.current)!;
  expect(sessions.items).toHaveLength(2);

  await player.client.endSession(target.id);
  expect(await watch.left).toBe(CloseCode.SessionRevoked);
  expect(await meOnChild(device.client.accessToken)).toBe("401 invalid_token");
  expect(await meOnChild(player.client.accessToken)).toBe(200);
  await expect(player.client.endSession(target.id)).rejects.toMatchObject({ status: 404, code: "session_not_found" } satisfies Partial<LobbyApiError>);
});

test("a rename on p1 reaches a friend on p2 at once, p2's cached session of the player, and the player's own connection on p2", async () => {
  const [player, friend] = [await newAccount(procs.t.url), await newAccount(procs.child.url)];
  await befriend(player, friend);
  const device = await loginAgain(player, procs.child.url);
  const [playerConn, friendConn] = [await onChild(device), await onChild(friend)];
  expect(MeResponseSchema.parse((await request(procs.child.url, "GET", "/me", { token: device.client.accessToken })).body).account.displayName).toBe(player.username);

  const mark = friendConn.log.mark;
  expect((await request(procs.t.url, "PATCH", "/me", { token: player.client.accessToken, json: { displayName: "Across Processes" } })).status).toBe(200);
  expect(await presenceUpdate(friendConn, player, (p) => p.displayName === "Across Processes", mark)).toMatchObject({ username: player.username, status: "online" });
  const meThere = await request(procs.child.url, "GET", "/me", { token: device.client.accessToken });
  expect(MeResponseSchema.parse(meThere.body).account).toMatchObject({ username: player.username, displayName: "Across Processes" });
  expect((await dm(playerConn, friend, "hi from p2")).sender).toEqual({ id: player.id, username: player.username, displayName: "Across Processes" });
});
