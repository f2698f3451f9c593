import { CloseCode } from "../../shared/codes";
import type { LobbyClient } from "../../shared/client/lobby-client";
import { attemptJoin, expectAuthFailed, joinAs, registerAndJoin, registeredClient, roundTrip, type WatchedLobby } from "./realtime";
import { GOOD_PASSWORD, type TestServer } from "./test-server";

/**
 * The bound on "closed promptly": the session sweep is set to an hour, so only the revocation
 * event can close a socket before Jest gives up on the test.
 */
export const REVOCATION_TIMEOUT_MS = 10_000;
export const NO_SWEEP = { LOBBY_SESSION_SWEEP_SECONDS: "3600" };

/** One account with two login sessions in the lobby, and a bystander account. */
export interface Cast {
  alice1: WatchedLobby;
  alice2: WatchedLobby;
  bob: WatchedLobby;
}

export async function castOf(t: TestServer): Promise<Cast> {
  const first = await registeredClient(t);
  const second: LobbyClient = t.client();
  await second.login({ username: first.session!.account.username, password: GOOD_PASSWORD });
  return { alice1: await joinAs(first), alice2: await joinAs(second), bob: await registerAndJoin(t) };
}

/** The server closed this connection with `code`, and the SDK did not try to reconnect. */
export async function expectClosedBy(player: WatchedLobby, code: number): Promise<void> {
  expect(await player.watch.left).toBe(code);
  expect(player.watch.leaves).toEqual([code]);
  expect(player.watch.drops).toEqual([]);
  expect(player.room.reconnection.isReconnecting).toBe(false);
}

/** Still open and served, and never closed. */
export async function expectStillOpen(player: WatchedLobby): Promise<void> {
  expect((await roundTrip(player.room)).code).toBe("unknown_message");
  expect(player.watch.leaves).toEqual([]);
}

export async function leaveAll(...players: WatchedLobby[]): Promise<void> {
  for (const p of players) if (p.watch.leaves.length === 0) await p.room.leave();
}

/** Registers the revocation tests against the server `server()` returns. */
export function revocationCases(server: () => TestServer): void {
  test(
    "logout closes that session's lobby socket with 4101; the other session and account stay",
    async () => {
      const t = server();
      const { alice1, alice2, bob } = await castOf(t);
      const token = alice1.client.accessToken;

      await alice1.client.logout();
      expect(alice1.client.colyseus.auth.token).toBeUndefined();

      await expectClosedBy(alice1, CloseCode.SessionRevoked);
      await expectStillOpen(alice2);
      await expectStillOpen(bob);
      expectAuthFailed(await attemptJoin(t.url, token));
      await leaveAll(alice2, bob);
    },
    REVOCATION_TIMEOUT_MS,
  );

  test(
    "logout-all closes every lobby socket of the account with 4101; another account's stays",
    async () => {
      const t = server();
      const { alice1, alice2, bob } = await castOf(t);

      await alice2.client.logoutAll();

      await expectClosedBy(alice1, CloseCode.SessionRevoked);
      await expectClosedBy(alice2, CloseCode.SessionRevoked);
      await expectStillOpen(bob);
      await leaveAll(bob);
    },
    REVOCATION_TIMEOUT_MS,
  );

  test(
    "DELETE /me closes every lobby socket of the account with 4102; another account's stays",
    async () => {
      const t = server();
      const { alice1, alice2, bob } = await castOf(t);

      await alice1.client.deleteAccount(GOOD_PASSWORD);

      await expectClosedBy(alice1, CloseCode.AccountClosed);
      await expectClosedBy(alice2, CloseCode.AccountClosed);
      await expectStillOpen(bob);
      await leaveAll(bob);
    },
    REVOCATION_TIMEOUT_MS,
  );

  test(
    "a password change closes the account's other sessions' lobby sockets with 4101; this session's stays",
    async () => {
      const t = server();
      const { alice1, alice2, bob } = await castOf(t);
      const before = alice2.client.accessToken;

      await alice2.client.changePassword(GOOD_PASSWORD, "copper-lantern-77-delta");
      expect(alice2.client.accessToken).not.toBe(before);

      await expectClosedBy(alice1, CloseCode.SessionRevoked);
      await expectStillOpen(alice2);
      await expectStillOpen(bob);
      await leaveAll(alice2, bob);
    },
    REVOCATION_TIMEOUT_MS,
  );

  test(
    "ending a session from the session list closes its lobby socket with 4101; the others stay",
    async () => {
      const t = server();
      const { alice1, alice2, bob } = await castOf(t);
      const sessions = (await alice2.client.sessions()).items;
      expect(sessions).toHaveLength(2);
      const other = sessions.find((s) => !s.current)!;

      await alice2.client.endSession(other.id);

      await expectClosedBy(alice1, CloseCode.SessionRevoked);
      await expectStillOpen(alice2);
      await expectStillOpen(bob);
      await leaveAll(alice2, bob);
    },
    REVOCATION_TIMEOUT_MS,
  );

  test(
    "refresh-token reuse revokes that session and closes its socket with 4101",
    async () => {
      const t = server();
      const { alice1, alice2, bob } = await castOf(t);
      const stolen = alice1.client.session!.refreshToken;
      await alice1.client.refresh();

      await expect(t.http.refresh(stolen)).rejects.toMatchObject({ status: 401, code: "refresh_token_reused" });

      await expectClosedBy(alice1, CloseCode.SessionRevoked);
      await expectStillOpen(alice2);
      await expectStillOpen(bob);
      await leaveAll(alice2, bob);
    },
    REVOCATION_TIMEOUT_MS,
  );
}
