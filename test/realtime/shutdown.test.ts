import { CloseCode } from "../../shared/codes";
import { LobbyClient } from "../../shared/client/lobby-client";
import { startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { joinAs, REALTIME_TEST_ENV, registerAndJoin } from "../helpers/realtime";
import { GOOD_PASSWORD, startTestServer, uniqueUsername } from "../helpers/test-server";

// The real entry point (`tsx server/main.ts`) in a child process, so SIGTERM and the exit code
// are the production ones.
let db: TestDatabase;
let child: ChildServer | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await child?.kill();
  await db.drop();
});

test("SIGTERM: lobby clients get 4001 and do not reconnect, the process drains and exits 0", async () => {
  // A reconnect window, so a wrong close code would show up as a held seat / SDK retry.
  child = await startChildServer({ DATABASE_URL: db.url, LOBBY_RECONNECT_SECONDS: "30" });
  const readyBefore = await fetch(`${child.url}/readyz`);
  expect(readyBefore.status).toBe(200);

  const players = [];
  for (let i = 0; i < 2; i += 1) {
    const client = new LobbyClient(child.url);
    await client.register({ username: uniqueUsername(), password: GOOD_PASSWORD });
    players.push(await joinAs(client));
  }

  const status = await child.stop("SIGTERM");

  for (const p of players) {
    expect(await p.watch.left).toBe(CloseCode.ServerShutdown);
    expect(p.watch.drops).toEqual([]);
    expect(p.room.reconnection.isReconnecting).toBe(false);
  }
  expect(status).toEqual({ code: 0, signal: null });
  const messages = child.logs.map((l) => l.msg);
  expect(messages).toContain("signal received");
  expect(messages.indexOf("shutting down: closing rooms and connections")).toBeLessThan(messages.indexOf("shutdown complete"));
  expect(messages).not.toContain("shutdown timed out; exiting");
  expect(child.stderr()).toBe("");
  // No error was logged on the way down (e.g. an unhandled rejection from a room callback).
  expect(child.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  await expect(fetch(`${child.url}/healthz`)).rejects.toThrow();
});

test("closing the server in-process: 4001 to every client, no error, no seat held open", async () => {
  // Jest fails this test on any unhandled rejection raised while the rooms are disposed.
  const t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_RECONNECT_SECONDS: "30" }, { db });
  const players = [await registerAndJoin(t), await registerAndJoin(t)];

  await t.close();

  for (const p of players) {
    expect(await p.watch.left).toBe(CloseCode.ServerShutdown);
    expect(p.watch.drops).toEqual([]);
  }
  await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
});
