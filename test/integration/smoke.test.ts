import { startTestServer, uniqueUsername, GOOD_PASSWORD } from "../helpers/test-server";
import { testRedisUrl } from "../helpers/redis";

test("register then join lobby, twice in one file, local then redis", async () => {
  const envs: Record<string, string>[] = [{}, { REDIS_URL: await testRedisUrl() }];
  for (const env of envs) {
    const t = await startTestServer(env);
    const c = t.client();
    await c.register({ username: uniqueUsername(), password: GOOD_PASSWORD });
    const { room, welcome } = await c.joinLobby();
    expect(welcome.account.username).toBe(c.session!.account.username);
    await room.leave();
    await t.close();
  }
});
