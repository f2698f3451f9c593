import { LobbyClient } from "../../../shared/client/lobby-client";
import { GOOD_PASSWORD, startTestServer, uniqueUsername, type TestServer } from "../../helpers/test-server";

// What a login costs the database besides the hash, counted in statements: the account with its
// ban in force (one read), and the session with its first refresh token (one write).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ MATCH_TICK_MS: "3600000", LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

test("a login is two statements; GET /me one for an unknown session, none for a known one", async () => {
  const username = uniqueUsername("lc");
  const client = new LobbyClient(t.url);
  await client.register({ username, password: GOOD_PASSWORD });
  const before = t.server.db.queries.total;
  await client.login({ username, password: GOOD_PASSWORD });
  expect(t.server.db.queries.total - before).toBe(2);

  // GET /me: the first check reads the session with the account (1); then the session is known (0).
  const first = t.server.db.queries.total;
  const me = await client.http.me(client.accessToken);
  const second = t.server.db.queries.total;
  expect(await client.http.me(client.accessToken)).toEqual(me);
  expect([second - first, t.server.db.queries.total - second]).toEqual([1, 0]);
  expect(me.account).toEqual({ id: client.session!.account.id, username, displayName: username, createdAt: expect.any(String), guest: false });
});
