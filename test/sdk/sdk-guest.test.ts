import crypto from "node:crypto";
import { LobbyClient } from "../../shared/client";
import { startTestServer, uniqueUsername, type TestServer } from "../helpers/test-server";

/** Play first, sign up later, through the SDK: a guest from a device id, in the lobby, upgraded. */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ MATCH_TICK_MS: "3600000" });
});
afterAll(() => t.close());

test("a device's guest joins the lobby, upgrades, and keeps playing under the new name", async () => {
  const deviceId = crypto.randomBytes(32).toString("base64url");
  const client = new LobbyClient(t.url);
  const guest = await client.loginWithDevice(deviceId);
  expect(guest.account).toMatchObject({ guest: true });
  const { connection } = await client.connectLobby();
  expect(connection.connectionStatus.state).toBe("open");

  const username = uniqueUsername("sdkg");
  const upgraded = await client.upgrade(username, "amber-falcon-31-kilo");
  expect(upgraded.account).toMatchObject({ id: guest.account.id, username });
  expect(await client.api.me()).toMatchObject({ account: { id: guest.account.id, username, guest: false } });
  expect(connection.connectionStatus.state).toBe("open");

  // The same device on another install: no longer a way in.
  await expect(new LobbyClient(t.url).loginWithDevice(deviceId)).rejects.toMatchObject({ status: 409, code: "device_upgraded" });
  const again = new LobbyClient(t.url);
  expect((await again.login({ username, password: "amber-falcon-31-kilo" })).account.id).toBe(guest.account.id);
  await connection.leave();
});
