import { LobbyClient } from "../../../shared/client/lobby-client";
import { GOOD_PASSWORD, startTestServer, uniqueUsername, type TestServer } from "../../helpers/test-server";

// What a login costs the database besides the hash, counted in statements: the account with its
// ban in force (one read), and the session with its first refresh token (one write).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ MATCH_TICK_MS: "3600000", LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

test("a login is two statements; an authenticated request with a known session is none beyond its own", async () => {
  const username = uniqueUsername("lc");
  const client = new LobbyClient(t.url);
  await client.register({ username, password: GOOD_PASSWORD });
  const before = t.server.db.queries.total;
  await client.login({ username, password: GOOD_PASSWORD });
  expect(t.server.db.queries.total - before).toBe(2);

  // GET /me: the first check reads the session (1) and the profile (1); the next only the profile.
  const first = t.server.db.queries.total;
  await client.http.me(client.accessToken);
  const second = t.server.db.queries.total;
  await client.http.me(client.accessToken);
  expect([second - first, t.server.db.queries.total - second]).toEqual([2, 1]);
});
