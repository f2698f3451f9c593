import crypto from "node:crypto";
import { ManualClock } from "../../../server/lib/clock";
import { verifyJoinTicket } from "../../../server/modules/fleet/join-tickets";
import {
  CreateFleetKeyResponseSchema,
  GameServerListResponseSchema,
  JwksResponseSchema,
  RegisterGameServerResponseSchema,
  type GameServer,
} from "../../../shared/schemas/fleet";
import { Api, failure, type HttpResponse } from "../../helpers/http";
import { startTestServer, type TestServer } from "../../helpers/test-server";
import { ADMIN_TEST_ENV, operators, type Operators } from "../admin/admin-fixture";

// Dedicated game servers over HTTP with a fleet key: registration within the key's scope,
// heartbeats, drain (their own or an operator's), deregistration, and a server that stops beating
// taken out (on the injected clock). Its id is the audience of the join tickets it verifies.
// Long enough that the background sweep (every heartbeat period, in real time) never runs during
// the file: the sweep test drives it on the injected clock.
const HEARTBEAT_SECONDS = 60;
const PER_IP = 200;
const clock = new ManualClock(Date.now());
let t: TestServer;
let api: Api;
let ops: Operators;
beforeAll(async () => {
  t = await startTestServer({ ...ADMIN_TEST_ENV, FLEET_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS), FLEET_REQUESTS_PER_IP_PER_MINUTE: String(PER_IP), JWT_ISSUER: "lobby-fleet-test" }, { clock });
  api = new Api(t.url);
  ops = await operators(t);
});
afterAll(() => t?.close());

async function newKey(scope: { modes?: string[]; regions?: string[] } = {}): Promise<{ id: string; secret: string }> {
  const res = await api.post("/admin/api/fleet/keys", { name: "test fleet", ...scope }, { token: ops.admin });
  const out = CreateFleetKeyResponseSchema.parse(res.body);
  return { id: out.key.id, secret: out.secret };
}
const registration = { address: "gs-1.eu.example.com:7777", region: "eu", modes: ["duel"], capacity: 8, version: "1.4.2+a1b2c3" };
const register = (secret: string, body: unknown = registration) => api.post("/fleet/servers", body, { token: secret });
const beat = (secret: string, id: string, load = 0) => api.post(`/fleet/servers/${id}/heartbeat`, { load }, { token: secret });
async function listed(id: string): Promise<GameServer | undefined> {
  const res = await api.get("/admin/api/fleet/servers", { token: ops.viewer });
  return GameServerListResponseSchema.parse(res.body).items.find((s) => s.id === id);
}
const registered = async (secret: string): Promise<string> => RegisterGameServerResponseSchema.strict().parse((await register(secret)).body).serverId;

test("a server registers within its key's scope, beats, and verifies the tickets made for it with the published keys", async () => {
  const key = await newKey({ modes: ["duel"], regions: ["eu"] });
  const res = await register(key.secret);
  expect(res.status).toBe(201);
  const reg = RegisterGameServerResponseSchema.strict().parse(res.body);
  expect(reg).toEqual({ serverId: expect.any(String), heartbeatSeconds: HEARTBEAT_SECONDS, ticketIssuer: "lobby-fleet-test", jwksPath: "/.well-known/jwks.json" });

  expect((await beat(key.secret, reg.serverId, 3)).body).toEqual({ state: "active" });
  expect(await listed(reg.serverId)).toMatchObject({ keyId: key.id, address: registration.address, region: "eu", modes: ["duel"], capacity: 8, load: 3, version: registration.version, state: "active", live: true });

  const jwks = JwksResponseSchema.parse((await api.get(reg.jwksPath)).body);
  const ticket = t.server.services.joinTickets!.sign({ accountId: crypto.randomUUID(), displayName: "P1", matchId: crypto.randomUUID(), team: 0, serverId: reg.serverId });
  expect(verifyJoinTicket(ticket, jwks, { issuer: reg.ticketIssuer, serverId: reg.serverId, nowMs: clock.now() })).toMatchObject({ serverId: reg.serverId, displayName: "P1" });
  expect(verifyJoinTicket(ticket, jwks, { issuer: reg.ticketIssuer, serverId: crypto.randomUUID(), nowMs: clock.now() })).toBe("invalid");
});

test("refused: no key, an unknown key, out of the key's scope, not configured, malformed registrations", async () => {
  const key = await newKey({ modes: ["duel"], regions: ["eu"] });
  expect(failure(await api.post("/fleet/servers", registration))).toEqual([401, "unauthorized"]);
  expect(failure(await register("fk_not-a-real-key"))).toEqual([401, "invalid_token"]);
  expect(failure(await register(ops.admin))).toEqual([401, "invalid_token"]);
  expect(failure(await register(key.secret, { ...registration, region: "na" }))).toEqual([403, "forbidden"]);
  expect(failure(await register(key.secret, { ...registration, modes: ["duel", "squad"] }))).toEqual([403, "forbidden"]);
  expect(failure(await register(key.secret, { ...registration, region: "mars" }))).toEqual([400, "invalid_request"]);
  for (const body of [
    { ...registration, address: "no-port" },
    { ...registration, address: "evil.example.com:7777/path" },
    { ...registration, modes: [] },
    { ...registration, capacity: 0 },
    { ...registration, version: "" },
    { ...registration, extra: true },
    {},
  ]) {
    expect([JSON.stringify(body), ...failure(await register(key.secret, body))]).toEqual([JSON.stringify(body), 400, "invalid_request"]);
  }
  expect(failure(await beat(key.secret, "not-a-uuid"))).toEqual([400, "invalid_request"]);
  const id = await registered(key.secret);
  expect(failure(await api.post(`/fleet/servers/${id}/heartbeat`, { load: -1 }, { token: key.secret }))).toEqual([400, "invalid_request"]);
});

test("a server answers only to its own key; a revoked key is refused at once", async () => {
  const [mine, theirs] = [await newKey(), await newKey()];
  const id = await registered(mine.secret);
  for (const res of [await beat(theirs.secret, id), await api.post(`/fleet/servers/${id}/drain`, undefined, { token: theirs.secret }), await api.delete(`/fleet/servers/${id}`, undefined, { token: theirs.secret })]) {
    expect(failure(res)).toEqual([404, "game_server_not_found"]);
  }
  expect((await beat(mine.secret, id)).status).toBe(200);
  await api.post(`/admin/api/fleet/keys/${mine.id}/revoke`, { reason: "leaked" }, { token: ops.admin });
  expect(failure(await beat(mine.secret, id))).toEqual([401, "invalid_token"]);
  expect(await listed(id)).toBeUndefined();
});

test("drain by the server or by a moderator (audited): heartbeats answer draining; deregistered, it is gone", async () => {
  const key = await newKey();
  const own = await registered(key.secret);
  expect((await api.post(`/fleet/servers/${own}/drain`, undefined, { token: key.secret })).body).toEqual({ state: "draining" });
  expect((await beat(key.secret, own)).body).toEqual({ state: "draining" });

  const other = await registered(key.secret);
  expect(failure(await api.post(`/admin/api/fleet/servers/${other}/drain`, { reason: "x" }, { token: ops.viewer }))).toEqual([403, "forbidden"]);
  const drained = await api.post(`/admin/api/fleet/servers/${other}/drain`, { reason: "bad build" }, { token: ops.moderator });
  expect(drained.body).toMatchObject({ id: other, state: "draining" });
  expect((await beat(key.secret, other)).body).toEqual({ state: "draining" });
  const audit = (await api.get("/admin/api/audit?limit=200", { token: ops.viewer })).body as { items: { action: string; targetId: string; reason: string }[] };
  expect(audit.items.filter((a) => a.targetId === other).map((a) => [a.action, a.reason])).toEqual([["drain_game_server", "bad build"]]);
  expect(failure(await api.post(`/admin/api/fleet/servers/${crypto.randomUUID()}/drain`, { reason: "x" }, { token: ops.moderator }))).toEqual([404, "game_server_not_found"]);

  const gone: HttpResponse = await api.delete(`/fleet/servers/${own}`, undefined, { token: key.secret });
  expect(gone.status).toBe(204);
  expect(failure(await beat(key.secret, own))).toEqual([404, "game_server_not_found"]);
  expect(await listed(own)).toBeUndefined();
});

test("three missed heartbeats: not live; the sweep takes it out and it must register again", async () => {
  const key = await newKey();
  const [silent, beating] = [await registered(key.secret), await registered(key.secret)];
  clock.advance((3 * HEARTBEAT_SECONDS - 1) * 1000);
  expect((await beat(key.secret, beating)).status).toBe(200);
  expect(await listed(silent)).toMatchObject({ live: true });
  clock.advance(2000);
  expect(await listed(silent)).toMatchObject({ live: false });
  expect(await listed(beating)).toMatchObject({ live: true });
  const swept = await t.server.services.gameServers.sweep();
  expect(swept.map((s) => s.id)).toContain(silent);
  expect(swept.map((s) => s.id)).not.toContain(beating);
  expect(failure(await beat(key.secret, silent))).toEqual([404, "game_server_not_found"]);
  expect((await register(key.secret)).status).toBe(201);
});

test("made-up keys from one address are cut off before any lookup once past the per-IP limit; other addresses go on", async () => {
  const flooder = api.from("127.0.0.9");
  const answers: number[] = [];
  for (let i = 0; i < PER_IP; i++) answers.push((await flooder.post("/fleet/servers", registration, { token: `fk_guess${i}` })).status);
  expect(new Set(answers)).toEqual(new Set([401]));
  const cut = await flooder.post("/fleet/servers", registration, { token: "fk_one-more" });
  expect(failure(cut)).toEqual([429, "rate_limited"]);
  expect(Number(cut.headers["retry-after"])).toBeGreaterThan(0);
  const key = await newKey();
  expect((await register(key.secret)).status).toBe(201);
});
