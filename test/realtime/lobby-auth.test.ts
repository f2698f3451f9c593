import { ManualClock } from "../../server/lib/clock";
import { claimsOf, signedToken, tamperedToken, unsignedToken, wrongSecret } from "../helpers/forged-tokens";
import {
  attemptJoin,
  expectAuthFailed,
  lobbyListings,
  localRoom,
  REALTIME_TEST_ENV,
  registerAndJoin,
  registeredClient,
  reservedSeats,
  roundTrip,
} from "../helpers/realtime";
import { GOOD_PASSWORD, startTestServer, type TestServer } from "../helpers/test-server";
import { checkUnhandledMessages } from "../helpers/protocol-check";

const TTL_SECONDS = 300;
const clock = new ManualClock(Date.now());
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, ACCESS_TOKEN_TTL_SECONDS: String(TTL_SECONDS) }, { clock });
});
afterAll(() => t.close());

/** Every kind of token the lobby must refuse, built from fresh accounts. Labels name the case. */
async function refusedTokens(): Promise<Array<[string, string | undefined]>> {
  const victim = await registeredClient(t);
  const other = await registeredClient(t);
  const good = victim.accessToken;
  const claims = claimsOf(good);
  const loggedOut = await registeredClient(t);
  const loggedOutToken = loggedOut.accessToken;
  await loggedOut.logout();
  const allOut = await registeredClient(t);
  await allOut.http.logoutAll(allOut.accessToken);
  const deleted = await registeredClient(t);
  await deleted.http.deleteAccount(deleted.accessToken, GOOD_PASSWORD);

  return [
    ["no token", undefined],
    ["empty token", ""],
    ["garbage", "not-a-jwt"],
    ["alg none", unsignedToken(claims)],
    ["wrong key", signedToken(claims, wrongSecret())],
    ["tampered subject", tamperedToken(good, { ...claims, sub: other.session!.account.id })],
    ["tampered expiry", tamperedToken(good, { ...claims, exp: (claims.exp as number) + 3600 })],
    ["wrong audience", signedToken({ ...claims, aud: "another-game" }, t.env.JWT_SECRET!)],
    ["wrong issuer", signedToken({ ...claims, iss: "someone-else" }, t.env.JWT_SECRET!)],
    ["no token type", signedToken({ ...claims, typ: undefined }, t.env.JWT_SECRET!)],
    ["refresh token", victim.session!.refreshToken],
    ["logged-out session", loggedOutToken],
    ["logged-out-everywhere account", allOut.accessToken],
    ["deleted account", deleted.accessToken],
  ];
}

test("refused joins get auth-failed (525) and create no room", async () => {
  expect(await lobbyListings()).toEqual([]);
  for (const [label, token] of await refusedTokens()) {
    const outcome = await attemptJoin(t.url, token);
    try {
      expectAuthFailed(outcome);
    } catch (err) {
      throw new Error(`${label}: ${(err as Error).message}`);
    }
  }
  expect(await lobbyListings()).toEqual([]);
});

test("refused joins leave no reserved seat in an open lobby room", async () => {
  const player = await registerAndJoin(t);
  const room = localRoom(player.room.roomId);

  for (const [label, token] of await refusedTokens()) {
    const outcome = await attemptJoin(t.url, token);
    if (!(outcome instanceof Error)) throw new Error(`${label}: join was not refused`);
    expectAuthFailed(outcome);
  }

  expect(reservedSeats(room)).toEqual([]);
  expect(room.clients.length).toBe(1);
  const listings = await lobbyListings();
  expect(listings.map((l) => [l.roomId, l.clients])).toEqual([[room.roomId, 1]]);
  // The room still serves its player.
  expect((await roundTrip(player.room)).code).toBe("unknown_message");
  await player.room.leave();
});

test("an expired access token is refused; a fresh one from refresh joins", async () => {
  const client = await registeredClient(t);
  clock.advance((TTL_SECONDS + 1) * 1000);
  const before = new Set((await lobbyListings()).map((l) => l.roomId));

  expectAuthFailed(await attemptJoin(t.url, client.accessToken));
  // No room appeared (one left by the previous test may still be disposing).
  for (const l of await lobbyListings()) expect(before.has(l.roomId)).toBe(true);

  await client.refresh();
  const { room, welcome } = await client.joinLobby({}, checkUnhandledMessages);
  expect(welcome.account.id).toBe(client.session!.account.id);
  await room.leave();
});
