import fs from "node:fs";
import path from "node:path";
import { isProcessAlive } from "../../server/db/data-dir-lock";
import { startChildServer, type ChildServer } from "../helpers/child-server";
import { request } from "../helpers/http";
import { GOOD_PASSWORD, testDataDir, uniqueUsername } from "../helpers/test-server";

/**
 * `npm start` on a fresh machine: no DATABASE_URL, no JWT_SECRET. The server runs on the embedded
 * PGlite store in DATA_DIR, generates its JWT secret there, keeps both across restarts, and keeps
 * a second process off the same directory.
 */
const embeddedEnv = (dataDir: string): Record<string, string> => ({
  DATA_DIR: dataDir,
  // Empty means unset: the server must generate and persist its own.
  JWT_SECRET: "",
  LOBBY_RECONNECT_SECONDS: "0",
});

interface AuthBody {
  account: { id: string; username: string };
  accessToken: string;
  refreshToken: string;
}

describe("embedded default store, end to end", () => {
  const dataDir = testDataDir();
  const username = uniqueUsername("emb");
  const children: ChildServer[] = [];
  const start = async (): Promise<ChildServer> => {
    const child = await startChildServer(embeddedEnv(dataDir));
    children.push(child);
    return child;
  };
  let registered: AuthBody;

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill()));
  });

  test("first start: embedded store, migrated, register an account", async () => {
    const server = await start();
    const listening = await server.waitForLog((e) => e.msg === "lobby server listening");
    expect(listening.database).toBe("embedded");
    expect(server.env.DATABASE_URL).toBeUndefined();
    expect(server.logs.some((e) => e.msg === "database migrations applied")).toBe(true);

    const ready = await request(server.url, "GET", "/readyz");
    expect(ready.status).toBe(200);

    const res = await request(server.url, "POST", "/auth/register", { json: { username, password: GOOD_PASSWORD } });
    expect(res.status).toBe(201);
    registered = res.body as AuthBody;
    expect(registered.account.username).toBe(username);

    const secretFile = path.join(dataDir, "jwt-secret");
    expect(fs.readFileSync(secretFile, "utf8").trim().length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dataDir, "pglite"))).toBe(true);
  }, 120_000);

  test("a second process on the same DATA_DIR refuses to start with a clear error", async () => {
    const first = children[0]!;
    const error = await startChildServer(embeddedEnv(dataDir)).then(
      (child) => {
        children.push(child);
        return undefined;
      },
      (err: unknown) => err as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(/exited before it was ready \(code 1,/);
    expect(error!.message).toContain(`the data directory ${dataDir} is in use by process`);
    expect(error!.message).toContain("the embedded store serves one process");
    // The running server was not disturbed.
    expect((await request(first.url, "GET", "/me", { token: registered.accessToken })).status).toBe(200);
  }, 120_000);

  test("SIGTERM stops it cleanly and releases the data directory", async () => {
    const server = children[0]!;
    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(server.logs.some((e) => e.msg === "shutdown complete")).toBe(true);
    expect(fs.existsSync(path.join(dataDir, "lobby.lock"))).toBe(false);
  }, 60_000);

  test("after a restart: same account, same secret, and the old access token still works", async () => {
    const secretBefore = fs.readFileSync(path.join(dataDir, "jwt-secret"), "utf8");
    const server = await start();
    expect(server.logs.some((e) => e.msg === "database migrations applied")).toBe(false);
    expect(fs.readFileSync(path.join(dataDir, "jwt-secret"), "utf8")).toBe(secretBefore);

    const me = await request(server.url, "GET", "/me", { token: registered.accessToken });
    expect(me.status).toBe(200);
    expect((me.body as { account: { id: string; username: string } }).account).toMatchObject(registered.account);

    const login = await request(server.url, "POST", "/auth/login", { json: { username: username.toUpperCase(), password: GOOD_PASSWORD } });
    expect(login.status).toBe(200);
    expect((login.body as AuthBody).account.id).toBe(registered.account.id);

    // The refresh token issued before the restart rotates too.
    const refreshed = await request(server.url, "POST", "/auth/refresh", { json: { refreshToken: registered.refreshToken } });
    expect(refreshed.status).toBe(200);
    registered = refreshed.body as AuthBody;
  }, 120_000);

  test("a killed process leaves a stale lock that the next start takes over, with committed data intact", async () => {
    const killed = children[children.length - 1]!;
    const lockFile = path.join(dataDir, "lobby.lock");
    const holder = Number(fs.readFileSync(lockFile, "utf8"));
    await killed.kill();
    // The server runs in tsx's child: wait until the kernel has ended it too (no fixed delay).
    while (isProcessAlive(holder)) await new Promise((resolve) => setImmediate(resolve));
    expect(fs.readFileSync(lockFile, "utf8")).toBe(String(holder));

    const server = await start();
    const me = await request(server.url, "GET", "/me", { token: registered.accessToken });
    expect(me.status).toBe(200);
    expect((me.body as { account: { id: string } }).account.id).toBe(registered.account.id);
    expect(await server.stop("SIGTERM")).toEqual({ code: 0, signal: null });
  }, 120_000);
});
