import { registerAccount, type TestAccount } from "../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../helpers/auth-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { errorBody, failure, type HttpResponse } from "../helpers/http";
import { TcpProxy } from "../helpers/tcp-proxy";
import { checkUnhandledMessages } from "../helpers/protocol-check";

// Each describe owns its server, so only one runs at a time in this process.

function expectUnavailable(res: HttpResponse): void {
  expect(failure(res)).toEqual([503, "service_unavailable"]);
  expect(res.text).not.toMatch(/ECONN|Prisma|pg|5432|at \//);
}

describe("health and readiness, with the database behind a proxy that can be cut", () => {
  let proxy: TcpProxy;
  let db: TestDatabase;
  let t: AuthTestServer;
  let player: TestAccount;

  beforeAll(async () => {
    proxy = await TcpProxy.start();
    db = await createTestDatabase();
    t = await startAuthServer({ DATABASE_URL: proxy.rewrite(db.url), LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: "2" }, { db });
    player = await registerAccount(t.api);
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
    await db.drop();
  });

  test("while the database answers: /healthz and /readyz are 200", async () => {
    const health = await t.api.get("/healthz");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: "ok" });
    const ready = await t.api.get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ready", checks: { database: "ok" } });
  });

  test("database unreachable: /readyz and routes needing it are 503; /healthz stays 200; all recover", async () => {
    await proxy.cut();
    try {
      expectUnavailable(await t.api.get("/readyz"));
      expect((await t.api.get("/healthz")).status).toBe(200);

      const login = await t.api.login(player.username, player.password);
      expectUnavailable(login);
      expect(Number(login.headers["retry-after"])).toBeGreaterThan(0);
      expect(errorBody(login).retryAfterSeconds).toBe(Number(login.headers["retry-after"]));
      expectUnavailable(await t.api.me(player.auth.accessToken));
      expectUnavailable(await t.api.register("outage_user", "violet-harbor-42-tango"));
      expectUnavailable(await t.api.refresh(player.auth.refreshToken));
      // More attempts than the lockout allows: an outage must not lock the player out afterwards.
      for (let i = 0; i < 3; i++) expectUnavailable(await t.api.login(player.username, player.password));
    } finally {
      await proxy.restore();
    }

    expect((await t.api.get("/readyz")).status).toBe(200);
    expect((await t.api.login(player.username, player.password)).status).toBe(200);
    expect((await t.api.me(player.auth.accessToken)).status).toBe(200);
    expect((await t.api.register("outage_user", "violet-harbor-42-tango")).status).toBe(201);
  });
});

describe("GET /metrics", () => {
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer();
  });
  afterAll(() => t.close());

  const sample = (text: string, name: string, labels: string): number | undefined => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
  };

  test("Prometheus text with HTTP requests, connected clients and rooms", async () => {
    await t.api.get("/healthz");
    await t.api.get("/no-such-page-123");
    const client = t.client();
    await client.register({ username: "metrics_user", password: "violet-harbor-42-tango" });
    await t.api.login("metrics_user", "violet-harbor-42-tango");
    await t.api.login("metrics_user", "not-the-password");
    await t.api.me(client.accessToken);
    await t.api.me("garbage");
    const { room } = await client.joinLobby({}, checkUnhandledMessages);
    try {
      const res = await t.api.get("/metrics");
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const [name, type] of [["lobby_http_requests_total", "counter"], ["lobby_connected_clients", "gauge"], ["lobby_rooms", "gauge"]]) {
        expect(res.text).toContain(`# TYPE ${name} ${type}`);
      }
      expect(sample(res.text, "lobby_http_requests_total", 'method="GET",route="/healthz",status="200"')).toBeGreaterThanOrEqual(1);
      expect(sample(res.text, "lobby_connected_clients", 'room="lobby"')).toBe(1);
      expect(sample(res.text, "lobby_rooms", 'room="lobby"')).toBe(1);
      // A route keeps one label whatever the outcome (answered in the route or by the error handler).
      for (const status of ["200", "401"]) {
        expect(sample(res.text, "lobby_http_requests_total", `method="POST",route="/auth/login",status="${status}"`)).toBe(1);
      }
      expect(sample(res.text, "lobby_http_requests_total", 'method="POST",route="/auth/register",status="201"')).toBe(1);
      expect(sample(res.text, "lobby_http_requests_total", 'method="GET",route="/me",status="200"')).toBe(1);
      expect(sample(res.text, "lobby_http_requests_total", 'method="GET",route="/me",status="401"')).toBe(1);
      // Unknown paths share one label value: a scanner cannot blow up the series count.
      expect(res.text).not.toContain("no-such-page-123");
      expect(sample(res.text, "lobby_http_requests_total", 'method="GET",route="unmatched",status="404"')).toBeGreaterThanOrEqual(1);
    } finally {
      await room.leave();
    }
  });
});

describe("GET /metrics with METRICS_TOKEN set", () => {
  const TOKEN = "metrics-token-0123456789abcdef";
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => t.close());

  test("requires `Authorization: Bearer <METRICS_TOKEN>`; health probes stay open", async () => {
    expect(failure(await t.api.get("/metrics"))).toEqual([401, "unauthorized"]);
    expect(failure(await t.api.get("/metrics", { token: TOKEN + "x" }))).toEqual([401, "unauthorized"]);
    expect(failure(await t.api.get("/metrics", { token: TOKEN.slice(0, -1) }))).toEqual([401, "unauthorized"]);
    expect(failure(await t.api.get("/metrics", { headers: { authorization: TOKEN } }))).toEqual([401, "unauthorized"]);
    const ok = await t.api.get("/metrics", { token: TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("lobby_http_requests_total");
    expect((await t.api.get("/healthz")).status).toBe(200);
    expect((await t.api.get("/readyz")).status).toBe(200);
  });
});
