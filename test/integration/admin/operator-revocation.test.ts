import { CloseCode } from "../../../shared/codes";
import { registerAccount } from "../../helpers/accounts";
import { Api, failure } from "../../helpers/http";
import { joinAs, registeredClient } from "../../helpers/realtime";
import { sql } from "../../helpers/sql";
import { GOOD_PASSWORD, startTestServer, type TestServer } from "../../helpers/test-server";
import { ADMIN, ADMIN_TEST_ENV, adminLogin, MODERATOR, operators, type Operators } from "./admin-fixture";
import { auditOf, newOperator, operatorMe, roleOf, seededViewer, setRole } from "./operator-fixture";

/**
 * Operators are accounts: a ban, a disable or a role change made through the admin API applies
 * to the operator's live token on its very next request (no restart, no token expiry), and to
 * its next login. Who may do it: docs/admin.md ("Operators and roles").
 */
let t: TestServer;
let api: Api;
let ops: Operators;

beforeAll(async () => {
  t = await startTestServer({ ...ADMIN_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" });
  api = new Api(t.url);
  ops = await operators(t);
});
afterAll(async () => {
  await t?.close();
});

test("a moderator's ban of a viewer refuses the viewer's token on the next request and its login; an unban does not revive that token", async () => {
  const viewer = await seededViewer(t, api);
  expect((await api.get("/admin/api/overview", { token: viewer.token })).status).toBe(200);

  const ban = await api.post(`/admin/api/players/${viewer.id}/ban`, { durationSeconds: 3600, reason: "shared the console" }, { token: ops.moderator });
  expect(ban.status).toBe(200);
  expect(failure(await operatorMe(api, viewer.token))).toEqual([401, "invalid_token"]);
  expect(failure(await api.get("/admin/api/overview", { token: viewer.token }))).toEqual([401, "invalid_token"]);
  expect(failure(await adminLogin(api, viewer.credentials))).toEqual([403, "account_banned"]);
  // Without the password nothing is revealed.
  expect(failure(await adminLogin(api, { username: viewer.credentials.username, password: "not-the-password-9" }))).toEqual([401, "invalid_credentials"]);

  expect((await api.post(`/admin/api/players/${viewer.id}/unban`, { reason: "appeal" }, { token: ops.moderator })).status).toBe(200);
  expect(failure(await operatorMe(api, viewer.token))).toEqual([401, "invalid_token"]);
  const again = await adminLogin(api, viewer.credentials);
  expect(again.status).toBe(200);
  expect((await operatorMe(api, (again.body as { accessToken: string }).accessToken)).status).toBe(200);

  expect((await auditOf(api, ops.viewer, viewer.id)).map((a) => [a.action, a.reason, a.operator.username])).toEqual([
    ["unban", "appeal", MODERATOR.username],
    ["ban", "shared the console", MODERATOR.username],
  ]);
});

test("a role change applies to the operator's live token at once; back to player revokes it for good", async () => {
  const op = await newOperator(api, ops.admin, "moderator");
  const player = await registerAccount(api);
  const kick = () => api.post(`/admin/api/players/${player.auth.account.id}/kick`, { reason: "probe" }, { token: op.token });
  expect((await kick()).status).toBe(200);

  const demoted = await setRole(api, ops.admin, op.id, "viewer", "fewer rights");
  expect(demoted.body).toEqual({ ok: true, role: "viewer" });
  expect(roleOf(await operatorMe(api, op.token))).toBe("viewer");
  expect(failure(await kick())).toEqual([403, "forbidden"]);

  expect((await setRole(api, ops.admin, op.id, "player", "left the team")).status).toBe(200);
  expect(failure(await operatorMe(api, op.token))).toEqual([401, "invalid_token"]);
  expect(failure(await adminLogin(api, op.credentials))).toEqual([401, "invalid_credentials"]);

  expect((await setRole(api, ops.admin, op.id, "moderator", "came back")).status).toBe(200);
  expect(failure(await operatorMe(api, op.token))).toEqual([401, "invalid_token"]);
  const fresh = (await adminLogin(api, op.credentials)).body as { accessToken: string };
  expect(roleOf(await operatorMe(api, fresh.accessToken))).toBe("moderator");

  expect((await auditOf(api, ops.viewer, op.id)).map((a) => [a.action, a.reason])).toEqual([
    ["set_role", "came back"],
    ["set_role", "left the team"],
    ["set_role", "fewer rights"],
    ["set_role", "staffing"],
  ]);
  const details = await sql<{ details: unknown }>(t.db.url, `SELECT details FROM audit_log WHERE target_id = $1 ORDER BY created_at, id`, [op.id]);
  expect(details.map((r) => r.details)).toEqual(
    expect.arrayContaining([
      { from: "moderator", to: "viewer" },
      { from: "viewer", to: "player" },
      { from: "player", to: "moderator" },
    ]),
  );
});

test("disabling an operator refuses its token and logins, and ends its player sessions and connections; enabling lets it log in anew", async () => {
  const client = await registeredClient(t);
  const account = client.session!.account;
  expect((await setRole(api, ops.admin, account.id, "viewer")).status).toBe(200);
  const login = await adminLogin(api, { username: account.username, password: GOOD_PASSWORD });
  const token = (login.body as { accessToken: string }).accessToken;
  const player = await joinAs(client);

  const disabled = await api.post(`/admin/api/players/${account.id}/disable`, { reason: "laptop stolen" }, { token: ops.moderator });
  expect(disabled.status).toBe(200);
  expect(failure(await operatorMe(api, token))).toEqual([401, "invalid_token"]);
  expect(failure(await adminLogin(api, { username: account.username, password: GOOD_PASSWORD }))).toEqual([401, "invalid_credentials"]);
  expect(await player.watch.left).toBe(CloseCode.SessionRevoked);
  expect(failure(await api.me(client.accessToken))).toEqual([401, "invalid_token"]);
  expect(failure(await api.login(account.username, GOOD_PASSWORD))).toEqual([401, "invalid_credentials"]);
  const detail = await api.get(`/admin/api/players/${account.id}`, { token: ops.viewer });
  expect((detail.body as { account: { disabledAt: string | null } }).account.disabledAt).toEqual(expect.any(String));

  expect((await api.post(`/admin/api/players/${account.id}/enable`, { reason: "laptop found" }, { token: ops.moderator })).status).toBe(200);
  expect(failure(await operatorMe(api, token))).toEqual([401, "invalid_token"]);
  expect(failure(await api.me(client.accessToken))).toEqual([401, "invalid_token"]);
  expect((await adminLogin(api, { username: account.username, password: GOOD_PASSWORD })).status).toBe(200);
  expect((await api.login(account.username, GOOD_PASSWORD)).status).toBe(200);

  expect((await auditOf(api, ops.viewer, account.id)).map((a) => [a.action, a.reason])).toEqual([
    ["enable", "laptop found"],
    ["disable", "laptop stolen"],
    ["set_role", "staffing"],
  ]);
});

test("a moderator acts only on accounts below its role and gives only roles below its own; an admin manages every other account", async () => {
  const mod = await newOperator(api, ops.admin, "moderator");
  const peer = await newOperator(api, ops.admin, "moderator");
  const admin = await newOperator(api, ops.admin, "admin");
  const player = await registerAccount(api);
  const pid = player.auth.account.id;

  expect(failure(await setRole(api, mod.token, pid, "moderator"))).toEqual([403, "forbidden"]);
  expect(failure(await setRole(api, mod.token, pid, "admin"))).toEqual([403, "forbidden"]);
  expect(failure(await setRole(api, mod.token, mod.id, "admin"))).toEqual([400, "cannot_target_self"]);
  for (const target of [peer, admin]) {
    expect(failure(await setRole(api, mod.token, target.id, "viewer"))).toEqual([403, "forbidden"]);
    expect(failure(await setRole(api, mod.token, target.id, "player"))).toEqual([403, "forbidden"]);
    const act = (action: string, body: object) => api.post(`/admin/api/players/${target.id}/${action}`, { reason: "coup", ...body }, { token: mod.token });
    expect(failure(await act("ban", { durationSeconds: null }))).toEqual([403, "forbidden"]);
    expect(failure(await act("disable", {}))).toEqual([403, "forbidden"]);
    expect(failure(await act("kick", {}))).toEqual([403, "forbidden"]);
    expect(failure(await act("mute", { durationSeconds: 60 }))).toEqual([403, "forbidden"]);
  }
  // Nothing refused was applied or audited.
  expect(roleOf(await operatorMe(api, peer.token))).toBe("moderator");
  expect(roleOf(await operatorMe(api, admin.token))).toBe("admin");
  expect((await auditOf(api, ops.viewer, peer.id)).map((a) => a.action)).toEqual(["set_role"]);
  expect((await auditOf(api, ops.viewer, admin.id)).map((a) => a.action)).toEqual(["set_role"]);
  expect((await auditOf(api, ops.viewer, pid)).map((a) => a.action)).toEqual([]);

  // Below its own role, a moderator manages: player <-> viewer.
  expect((await setRole(api, mod.token, pid, "viewer")).status).toBe(200);
  expect((await setRole(api, mod.token, pid, "player")).status).toBe(200);

  // An admin promotes to any role and acts on other admins, never on itself.
  expect((await setRole(api, admin.token, peer.id, "admin")).status).toBe(200);
  expect(roleOf(await operatorMe(api, peer.token))).toBe("admin");
  expect((await setRole(api, peer.token, admin.id, "viewer")).status).toBe(200);
  expect(roleOf(await operatorMe(api, admin.token))).toBe("viewer");
  expect(failure(await setRole(api, peer.token, peer.id, "moderator"))).toEqual([400, "cannot_target_self"]);
  expect(failure(await api.post(`/admin/api/players/${peer.id}/disable`, { reason: "oops" }, { token: peer.token }))).toEqual([400, "cannot_target_self"]);
});

test("role changes are validated", async () => {
  const player = await registerAccount(api);
  const url = `/admin/api/players/${player.auth.account.id}/role`;
  expect(failure(await api.post(url, { role: "owner", reason: "x" }, { token: ops.admin }))).toEqual([400, "invalid_request"]);
  expect(failure(await api.post(url, { role: "viewer" }, { token: ops.admin }))).toEqual([400, "invalid_request"]);
  expect(failure(await api.post(`/admin/api/players/00000000-0000-4000-8000-000000000000/role`, { role: "viewer", reason: "x" }, { token: ops.admin }))).toEqual([
    404,
    "account_not_found",
  ]);
});
