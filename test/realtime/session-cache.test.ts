import { CloseCode } from "../../shared/codes";
import { LobbyApiError, LobbyHttpClient } from "../../shared/client/http-client";
import { LobbyClient } from "../../shared/client/lobby-client";
import { joinAs, REALTIME_TEST_ENV, type WatchedLobby } from "../helpers/realtime";
import { NO_SWEEP } from "../helpers/revocation-cases";
import { GOOD_PASSWORD, uniqueUsername } from "../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../helpers/two-processes";

// Sessions a process confirmed live are cached (SESSION_CACHE_SECONDS, here 5 minutes so that only
// an invalidation can end an entry). Every revocation must still end the session at once on every
// process, over HTTP as well as on live sockets. The lobby socket's close is the sign that the
// revocation reached the other process: the cache was invalidated before it (one backplane, in order).
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...REALTIME_TEST_ENV, ...NO_SWEEP, SESSION_CACHE_SECONDS: "300" });
});
afterAll(() => procs.close());

/** A player logged in on the child process (p2), in its lobby, whose session p2 has confirmed (and cached). */
async function playerOnChild(): Promise<{ client: LobbyClient; player: WatchedLobby }> {
  const client = new LobbyClient(procs.child.url);
  await client.register({ username: uniqueUsername("sc"), password: GOOD_PASSWORD });
  const player = await joinAs(client);
  expect((await client.http.me(client.accessToken)).account.id).toBe(client.session!.account.id);
  return { client, player };
}

async function statusOfMe(http: LobbyHttpClient, token: string): Promise<number | string> {
  try {
    await http.me(token);
    return 200;
  } catch (err) {
    return err instanceof LobbyApiError ? `${err.status} ${err.code}` : String(err);
  }
}

test("logout-all on one process ends the cached session on the other: its socket closes, and HTTP refuses the token", async () => {
  const { client, player } = await playerOnChild();
  const token = client.accessToken;
  await new LobbyHttpClient(procs.t.url).logoutAll(token);
  expect(await player.watch.left).toBe(CloseCode.SessionRevoked);
  expect(await statusOfMe(client.http, token)).toBe("401 invalid_token");
});

test("logout of one session on one process ends it on the other, and only it", async () => {
  const { client, player } = await playerOnChild();
  const other = new LobbyClient(procs.child.url);
  await other.login({ username: client.session!.account.username, password: GOOD_PASSWORD });
  expect(await statusOfMe(other.http, other.accessToken)).toBe(200);
  const token = client.accessToken;
  await new LobbyHttpClient(procs.t.url).logout(client.session!.refreshToken);
  expect(await player.watch.left).toBe(CloseCode.SessionRevoked);
  expect(await statusOfMe(client.http, token)).toBe("401 invalid_token");
  expect(await statusOfMe(other.http, other.accessToken)).toBe(200);
});

test("on the process that revoked it, the session is refused by the very next request", async () => {
  const client = new LobbyClient(procs.t.url);
  await client.register({ username: uniqueUsername("sc"), password: GOOD_PASSWORD });
  const token = client.accessToken;
  expect(await statusOfMe(client.http, token)).toBe(200);
  await client.http.logoutAll(token);
  expect(await statusOfMe(client.http, token)).toBe("401 invalid_token");
});

test("account deletion ends the cached session on the other process", async () => {
  const { client, player } = await playerOnChild();
  const token = client.accessToken;
  await new LobbyHttpClient(procs.t.url).deleteAccount(token, GOOD_PASSWORD);
  expect(await player.watch.left).toBe(CloseCode.AccountClosed);
  expect(await statusOfMe(client.http, token)).toBe("401 invalid_token");
});
