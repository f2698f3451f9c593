import crypto from "node:crypto";
import { AuthResponseSchema, MeResponseSchema } from "../../../shared/schemas/auth";
import { registerAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure, type HttpResponse } from "../../helpers/http";
import { insertMatch, outcome, setRating, storedRating } from "../../helpers/matches";
import { sql } from "../../helpers/sql";
import { uniqueUsername } from "../../helpers/test-server";

// Guest accounts over HTTP: POST /auth/device creates one on first use and logs into it after;
// POST /me/upgrade makes it a full account with everything it owns; the device then retires.
const GUESTS_PER_IP = 3;
let t: AuthTestServer;
beforeAll(async () => {
  t = await startAuthServer({ REGISTER_MAX_PER_IP_PER_HOUR: String(GUESTS_PER_IP) });
});
afterAll(() => t.close());

let nextAddress = 10;
/** Each test creates its guests from an address of its own (the creation limit is per IP). */
const fromFreshAddress = () => t.api.from(`127.0.0.${nextAddress++}`);
const newDeviceId = () => crypto.randomBytes(32).toString("base64url");
const device = (api: ReturnType<typeof fromFreshAddress>, deviceId: string): Promise<HttpResponse> => api.post("/auth/device", { deviceId });
const me = async (token: string) => MeResponseSchema.strict().parse((await t.api.me(token)).body).account;
const PASSWORD = "amber-falcon-31-kilo";

describe("POST /auth/device", () => {
  test("creates a guest account on first use (201), logs into the same one after (200), a new session each time", async () => {
    const api = fromFreshAddress();
    const deviceId = newDeviceId();
    const first = AuthResponseSchema.parse(authBody(await device(api, deviceId), 201));
    expect(first.account.guest).toBe(true);
    expect(first.account.username).toMatch(/^guest_[a-z0-9]{10}$/);
    expect(await me(first.accessToken)).toMatchObject({ id: first.account.id, username: first.account.username, guest: true });

    const again = authBody(await device(api, deviceId), 200);
    expect(again.account).toEqual(first.account);
    expect(again.refreshToken).not.toBe(first.refreshToken);
    expect((await t.api.me(first.accessToken)).status).toBe(200);
    // Another device is another guest.
    const other = authBody(await device(api, newDeviceId()), 201);
    expect(other.account.id).not.toBe(first.account.id);
  });

  test("the device id is stored only as a hash", async () => {
    const deviceId = newDeviceId();
    const created = authBody(await device(fromFreshAddress(), deviceId), 201);
    const rows = await sql<{ id_hash: string }>(t.db.url, "SELECT id_hash FROM device_credentials WHERE account_id = $1", [created.account.id]);
    expect(rows).toEqual([{ id_hash: crypto.createHash("sha256").update(deviceId).digest("hex") }]);
    const everything = JSON.stringify(await sql(t.db.url, "SELECT d.*, a.* FROM device_credentials d JOIN accounts a ON a.id = d.account_id WHERE a.id = $1", [created.account.id]));
    expect(everything).not.toContain(deviceId);
  });

  test("a guest has no password: logging in with its username fails like any wrong password", async () => {
    const guest = authBody(await device(fromFreshAddress(), newDeviceId()), 201);
    expect(failure(await t.api.login(guest.account.username, PASSWORD))).toEqual([401, "invalid_credentials"]);
    // Not even the stored placeholder.
    expect(failure(await t.api.login(guest.account.username, "!"))).toEqual([401, "invalid_credentials"]);
  });

  test("new guests per IP are held to the registration limit; an existing guest still logs in", async () => {
    const api = fromFreshAddress();
    const known = newDeviceId();
    authBody(await device(api, known), 201);
    for (let i = 1; i < GUESTS_PER_IP; i++) authBody(await device(api, newDeviceId()), 201);
    const refused = await device(api, newDeviceId());
    expect(failure(refused)).toEqual([429, "rate_limited"]);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    authBody(await device(api, known), 200);
  });

  test("a malformed device id is 400 invalid_request and creates nothing", async () => {
    const api = fromFreshAddress();
    for (const deviceId of ["short", "x".repeat(129), `${"a".repeat(40)} spaces`, `${"a".repeat(40)}+/=`, 42]) {
      expect(failure(await api.post("/auth/device", { deviceId }))).toEqual([400, "invalid_request"]);
    }
    expect(failure(await api.post("/auth/device", {}))).toEqual([400, "invalid_request"]);
  });

  test("a banned guest's device is refused with account_banned", async () => {
    const deviceId = newDeviceId();
    const api = fromFreshAddress();
    const guest = authBody(await device(api, deviceId), 201);
    await t.server.db.prisma.accountSanction.create({ data: { id: crypto.randomUUID(), accountId: guest.account.id, kind: "BAN", reason: "test", createdAt: new Date(), expiresAt: null } });
    expect(failure(await device(api, deviceId))).toEqual([403, "account_banned"]);
  });
});

describe("POST /me/upgrade", () => {
  test("the guest keeps its id, friends, ratings and history; the device then retires; the session goes on", async () => {
    const deviceId = newDeviceId();
    const api = fromFreshAddress();
    const guest = authBody(await device(api, deviceId), 201);
    const friend = await registerAccount(fromFreshAddress());
    expect((await t.api.post("/friends/requests", { username: friend.username }, { token: guest.accessToken })).status).toBe(200);
    expect((await t.api.post(`/friends/requests/${guest.account.id}/accept`, undefined, { token: friend.auth.accessToken })).status).toBe(200);
    const prisma = t.server.db.prisma;
    await setRating(prisma, guest.account.id, { mu: 31, sigma: 5, games: 7 });
    const opponent = (await registerAccount(fromFreshAddress())).auth.account.id;
    const matchId = await insertMatch(prisma, { teams: [[guest.account.id], [opponent]] });
    await t.server.services.ratings.recordResult(matchId, outcome(0));
    const ratingBefore = await storedRating(prisma, guest.account.id);

    const username = uniqueUsername("up");
    const res = await t.api.post("/me/upgrade", { username, password: PASSWORD }, { token: guest.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ account: { id: guest.account.id, username, displayName: username, guest: false } });

    expect(await me(guest.accessToken)).toMatchObject({ id: guest.account.id, username, guest: false });
    const friends = (await t.api.get("/friends", { token: guest.accessToken })).body as { items: { account: { id: string } }[] };
    expect(friends.items.map((f) => f.account.id)).toEqual([friend.auth.account.id]);
    expect(await storedRating(prisma, guest.account.id)).toEqual(ratingBefore);
    const history = (await t.api.get("/matches/history", { token: guest.accessToken })).body as { items: { id: string }[] };
    expect(history.items.map((m) => m.id)).toEqual([matchId]);
    // Username and password log in now; the device does not (it would skip the password).
    expect(authBody(await t.api.login(username, PASSWORD)).account.id).toBe(guest.account.id);
    expect(failure(await device(api, deviceId))).toEqual([409, "device_upgraded"]);
    expect(failure(await t.api.login(guest.account.username, PASSWORD))).toEqual([401, "invalid_credentials"]);
  });

  test("an account that is not a guest is 409 not_a_guest, and nothing changes", async () => {
    const player = await registerAccount(fromFreshAddress());
    expect(failure(await t.api.post("/me/upgrade", { username: uniqueUsername("up"), password: PASSWORD }, { token: player.auth.accessToken }))).toEqual([409, "not_a_guest"]);
    expect((await me(player.auth.accessToken)).username).toBe(player.username);
  });

  test("a taken username is 409 username_taken, a weak password 400 weak_password, a guest_ name 400; the guest stays a guest", async () => {
    const guest = authBody(await device(fromFreshAddress(), newDeviceId()), 201);
    const taken = await registerAccount(fromFreshAddress());
    const upgrade = (body: unknown) => t.api.post("/me/upgrade", body, { token: guest.accessToken });
    expect(failure(await upgrade({ username: taken.username.toUpperCase(), password: PASSWORD }))).toEqual([409, "username_taken"]);
    expect(failure(await upgrade({ username: uniqueUsername("up"), password: "password1" }))).toEqual([400, "weak_password"]);
    expect(failure(await upgrade({ username: "guest_mine", password: PASSWORD }))).toEqual([400, "invalid_request"]);
    expect(failure(await upgrade({ username: uniqueUsername("up") }))).toEqual([400, "invalid_request"]);
    expect(await me(guest.accessToken)).toMatchObject({ username: guest.account.username, guest: true });
  });

  test("a guest_ username cannot be registered either (it would pass for a guest)", async () => {
    expect(failure(await fromFreshAddress().register("guest_abcdefghij", PASSWORD))).toEqual([400, "invalid_request"]);
  });

  test("a guest cannot change a password it does not have: 409 guest_account", async () => {
    const guest = authBody(await device(fromFreshAddress(), newDeviceId()), 201);
    expect(failure(await t.api.post("/me/password", { currentPassword: "anything-at-all", newPassword: PASSWORD }, { token: guest.accessToken }))).toEqual([409, "guest_account"]);
  });
});
