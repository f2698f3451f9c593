import crypto from "node:crypto";
import { CreateFleetKeyResponseSchema, FleetKeyListResponseSchema, FleetKeySchema } from "../../../shared/schemas/fleet";
import { Api, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import { startTestServer, type TestServer } from "../../helpers/test-server";
import { ADMIN_TEST_ENV, operators, type Operators } from "./admin-fixture";

// Fleet keys (docs/game-servers.md): admins make and revoke them, the secret is shown once and
// stored only as its SHA-256, every action is audited, and a revoked key authenticates no one.
let t: TestServer;
let api: Api;
let ops: Operators;
beforeAll(async () => {
  t = await startTestServer({ ...ADMIN_TEST_ENV });
  api = new Api(t.url);
  ops = await operators(t);
});
afterAll(() => t?.close());

const create = (token: string, body: unknown) => api.post("/admin/api/fleet/keys", body, { token });

test("an admin makes a scoped key: the secret once, its hash alone stored, listed without it, audited; it authenticates until revoked", async () => {
  const res = await create(ops.admin, { name: "  eu fleet, build 1.4 ", modes: ["duel", "duel"], regions: ["eu"] });
  expect(res.status).toBe(201);
  const { key, secret } = CreateFleetKeyResponseSchema.strict().parse(res.body);
  expect(secret).toMatch(/^fk_[A-Za-z0-9_-]{43}$/);
  expect(key).toMatchObject({ name: "eu fleet, build 1.4", prefix: secret.slice(3, 11), modes: ["duel"], regions: ["eu"], revokedAt: null, createdBy: { username: "admin_op" } });

  const [row] = await sql<Record<string, unknown>>(t.db.url, "SELECT * FROM fleet_keys WHERE id = $1", [key.id]);
  expect(row!.secret_hash).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
  expect(JSON.stringify(row)).not.toContain(secret.slice(3));

  const listed = FleetKeyListResponseSchema.parse((await api.get("/admin/api/fleet/keys", { token: ops.viewer })).body);
  expect(listed.items.find((k) => k.id === key.id)).toEqual(key);
  expect(JSON.stringify(listed)).not.toContain(secret);

  const keys = t.server.services.fleetKeys;
  expect(await keys.authenticate(secret)).toMatchObject({ id: key.id, modes: ["duel"], regions: ["eu"] });
  expect(await keys.authenticate(`${secret.slice(0, -1)}x`)).toBeNull();
  expect(await keys.authenticate("not-a-key")).toBeNull();

  const revoked = await api.post(`/admin/api/fleet/keys/${key.id}/revoke`, { reason: "build retired" }, { token: ops.admin });
  expect(revoked.status).toBe(200);
  expect(FleetKeySchema.parse(revoked.body).revokedAt).not.toBeNull();
  expect(await keys.authenticate(secret)).toBeNull();
  // Idempotent: the first revocation time stays; the second is audited too.
  const again = await api.post(`/admin/api/fleet/keys/${key.id}/revoke`, { reason: "again" }, { token: ops.admin });
  expect(FleetKeySchema.parse(again.body).revokedAt).toBe(FleetKeySchema.parse(revoked.body).revokedAt);

  const audit = (await api.get("/admin/api/audit?limit=200", { token: ops.viewer })).body as { items: { action: string; targetId: string; reason: string | null }[] };
  expect(audit.items.filter((a) => a.targetId === key.id).map((a) => [a.action, a.reason])).toEqual([
    ["revoke_fleet_key", "again"],
    ["revoke_fleet_key", "build retired"],
    ["create_fleet_key", null],
  ]);
});

test("refused: below admin, unknown modes or regions, bad bodies, unknown keys", async () => {
  expect(failure(await create(ops.moderator, { name: "nope" }))).toEqual([403, "forbidden"]);
  expect(failure(await create(ops.viewer, { name: "nope" }))).toEqual([403, "forbidden"]);
  expect(failure(await api.post("/admin/api/fleet/keys", { name: "nope" }))).toEqual([401, "unauthorized"]);
  const unknown = await create(ops.admin, { name: "x", modes: ["duel", "battle_royale"], regions: ["mars"] });
  expect(failure(unknown)).toEqual([400, "invalid_request"]);
  expect((unknown.body as { error: { message: string } }).error.message).toMatch(/battle_royale.*mars/);
  for (const body of [{}, { name: "" }, { name: "x".repeat(65) }, { name: "x", modes: "duel" }, { name: "x", secret: "mine" }, { name: "x", regions: ["EU!"] }]) {
    expect([JSON.stringify(body), ...failure(await create(ops.admin, body))]).toEqual([JSON.stringify(body), 400, "invalid_request"]);
  }
  expect(failure(await api.post(`/admin/api/fleet/keys/${crypto.randomUUID()}/revoke`, { reason: "x" }, { token: ops.admin }))).toEqual([404, "fleet_key_not_found"]);
  expect(failure(await api.post("/admin/api/fleet/keys/not-a-uuid/revoke", { reason: "x" }, { token: ops.admin }))).toEqual([400, "invalid_request"]);
  const made = CreateFleetKeyResponseSchema.parse((await create(ops.admin, { name: "kept" })).body);
  expect(failure(await api.post(`/admin/api/fleet/keys/${made.key.id}/revoke`, { reason: "x" }, { token: ops.moderator }))).toEqual([403, "forbidden"]);
  expect(made.key).toMatchObject({ modes: [], regions: [] });
});
