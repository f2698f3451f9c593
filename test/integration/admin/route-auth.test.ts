import { PUBLIC_ADMIN_ROUTES } from "../../../server/gateway/routes/admin.routes";
import { registerAccount } from "../../helpers/accounts";
import { Api, failure, type HttpResponse } from "../../helpers/http";
import { startTestServer, type TestServer } from "../../helpers/test-server";
import { ADMIN_TEST_ENV, buildAdminRouter, MODERATOR, operators, routesOf, type Operators, type RouteInfo } from "./admin-fixture";

/**
 * Every route of the admin router, enumerated from the router itself: a new route is covered
 * (or fails here for lacking a guard) without anyone remembering to add it.
 */
let t: TestServer;
let api: Api;
let ops: Operators;
let playerToken: string;
let target: { id: string; username: string };
const params: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer(ADMIN_TEST_ENV);
  api = new Api(t.url);
  ops = await operators(t);
  const player = await registerAccount(api);
  playerToken = player.auth.accessToken;
  const victim = await registerAccount(api);
  target = victim.auth.account;
  const chat = t.server.services.chat;
  const sent = await chat.send({ accountId: target.id, username: target.username, displayName: target.username }, "public:general", "hello there");
  await chat.report({ accountId: player.auth.account.id, username: player.username, displayName: player.username }, sent.id, "spam", undefined);
  const reports = await api.get("/admin/api/reports?status=open", { token: ops.viewer });
  params.id = target.id;
  params.messageId = sent.id;
  const lobby = await t.server.services.gameLobbies.create({ accountId: target.id, username: target.username, displayName: target.username }, { name: "Route test lobby", mode: "duel", region: "eu" });
  params.lobbyId = lobby.id;
  params.reportId = (reports.body as { items: { id: string }[] }).items[0]!.id;
  const fleet = (await api.post("/admin/api/fleet/keys", { name: "route test" }, { token: ops.admin })).body as { key: { id: string }; secret: string };
  const registered = await api.post("/fleet/servers", { address: "gs.example.com:7777", region: "eu", modes: ["duel"], capacity: 1, version: "1" }, { token: fleet.secret });
  params.serverId = (registered.body as { serverId: string }).serverId;
  // Another key to revoke: revoking a key takes its servers out of the fleet.
  params.keyId = ((await api.post("/admin/api/fleet/keys", { name: "route test, revoked" }, { token: ops.admin })).body as { key: { id: string } }).key.id;
});

afterAll(async () => {
  await t?.close();
});

const routes = (): RouteInfo[] => routesOf(buildAdminRouter(t));

const urlOf = (route: RouteInfo): string =>
  "/admin/api" +
  route.path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = params[name];
    if (!value) throw new Error(`no sample value for path parameter :${name} of ${route.method} ${route.path}: add one`);
    return value;
  });

/** A valid body for each moderator action (reason everywhere, durations where the action takes one). */
const bodyOf = (route: RouteInfo): Record<string, unknown> => {
  if (route.path.endsWith("/mute")) return { durationSeconds: 60, reason: "route test" };
  if (route.path.endsWith("/ban")) return { durationSeconds: 60, reason: "route test" };
  if (route.path.endsWith("/role")) return { role: "viewer", reason: "route test" };
  if (route.path === "/fleet/keys") return { name: "route test" };
  return { reason: "route test" };
};

const call = (route: RouteInfo, token?: string): Promise<HttpResponse> =>
  api.send(route.method, urlOf(route), { token, ...(route.method === "GET" ? {} : { json: bodyOf(route) }) });

test("the router has the documented routes, and every route but login has a role guard", () => {
  const all = routes();
  expect(all.length).toBeGreaterThanOrEqual(15);
  for (const r of all) {
    const key = `${r.method} ${r.path}`;
    if (PUBLIC_ADMIN_ROUTES.has(key)) expect(r.requiredRole).toBeUndefined();
    else expect({ key, role: r.requiredRole }).toEqual({ key, role: expect.stringMatching(/^(viewer|moderator|admin)$/) });
    // Reads are for viewers; every write is a moderator's or an admin's.
    if (!PUBLIC_ADMIN_ROUTES.has(key)) expect(r.requiredRole === "viewer").toBe(r.method === "GET");
  }
  expect(all.filter((r) => r.requiredRole === "admin").map((r) => `${r.method} ${r.path}`).sort()).toEqual(["POST /fleet/keys", "POST /fleet/keys/:keyId/revoke"]);
  expect(all.filter((r) => r.requiredRole === "moderator").map((r) => r.path).sort()).toEqual(
    [
      "/chat/messages/:messageId/delete",
      "/fleet/servers/:serverId/drain",
      "/lobbies/:lobbyId/close",
      "/players/:id/ban",
      "/players/:id/kick",
      "/players/:id/end-sessions",
      "/players/:id/mute",
      "/players/:id/unban",
      "/players/:id/role",
      "/players/:id/disable",
      "/players/:id/enable",
      "/reports/:reportId/resolve",
    ].sort(),
  );
});

test("every guarded route: no token 401, player token 403, viewer 200 on reads / 403 on actions, moderator 2xx", async () => {
  const guarded = routes().filter((r) => r.requiredRole !== undefined);
  for (const route of guarded) {
    const name = `${route.method} ${route.path}`;
    expect([name, ...failure(await call(route))]).toEqual([name, 401, "unauthorized"]);
    expect([name, ...failure(await call(route, playerToken))]).toEqual([name, 403, "forbidden"]);
    const asViewer = await call(route, ops.viewer);
    if (route.requiredRole === "viewer") {
      expect([name, asViewer.status]).toEqual([name, 200]);
    } else {
      expect([name, ...failure(asViewer)]).toEqual([name, 403, "forbidden"]);
      // An action without its reason (a key without its name) is refused before it acts.
      const actor = route.requiredRole === "admin" ? ops.admin : ops.moderator;
      const invalid = route.path === "/fleet/keys" ? { name: " " } : { ...bodyOf(route), reason: " " };
      expect([name, ...failure(await api.send(route.method, urlOf(route), { token: actor, json: invalid }))]).toEqual([name, 400, "invalid_request"]);
    }
    if (route.requiredRole === "admin") expect([name, ...failure(await call(route, ops.moderator))]).toEqual([name, 403, "forbidden"]);
    const allowed = await call(route, route.requiredRole === "admin" ? ops.admin : ops.moderator);
    expect([name, allowed.status >= 200 && allowed.status < 300, allowed.text]).toEqual([name, true, allowed.text]);
  }
});

test("a forged or garbage token is 401 on admin routes", async () => {
  expect(failure(await api.get("/admin/api/me", { token: "not.a.token" }))).toEqual([401, "invalid_token"]);
});

test("login: an operator gets a token; players and wrong passwords get the same 401", async () => {
  const ok = await api.post("/admin/api/login", MODERATOR);
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ expiresIn: expect.any(Number), operator: { username: MODERATOR.username, role: "moderator" } });
  const player = await registerAccount(api);
  const asPlayer = await api.post("/admin/api/login", { username: player.username, password: player.password });
  const wrong = await api.post("/admin/api/login", { username: MODERATOR.username, password: "wrong-password-entirely" });
  expect(failure(asPlayer)).toEqual([401, "invalid_credentials"]);
  expect(failure(wrong)).toEqual([401, "invalid_credentials"]);
  expect((asPlayer.body as { error: { message: string } }).error.message).toBe((wrong.body as { error: { message: string } }).error.message);
});

test("an operator token is not a player session: player routes answer 401 invalid_token", async () => {
  expect(failure(await api.get("/me", { token: ops.moderator }))).toEqual([401, "invalid_token"]);
  expect(failure(await api.get("/friends", { token: ops.viewer }))).toEqual([401, "invalid_token"]);
});
