import { startTestServer, type TestServer } from "../helpers/test-server";

/** @colyseus/playground is mounted at /playground outside production (server/dev-playground.ts). */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

test("the playground page and its room list are served outside production", async () => {
  const page = await fetch(`${t.url}/playground/`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toMatch(/text\/html/);
  const script = /<script[^>]+src="([^"]+)"/.exec(await page.text())?.[1];
  expect(script).toBeDefined();
  // Its module loads from the same origin (the CSP allows 'self' scripts only).
  const entry = await fetch(new URL(script!, `${t.url}/playground/`));
  expect(entry.status).toBe(200);
  // Read to its end: a body left unread holds its connection (the server's close waits for it).
  expect((await entry.text()).length).toBeGreaterThan(0);
  const rooms = await fetch(`${t.url}/playground/rooms`);
  expect(rooms.status).toBe(200);
  const body = (await rooms.json()) as Record<string, unknown>;
  expect(JSON.stringify(body)).toContain("lobby");
});
