import crypto from "node:crypto";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";

// A server with guest accounts turned off and no mail set up: those endpoints answer their documented errors.
let t: AuthTestServer;
beforeAll(async () => {
  t = await startAuthServer({ GUEST_ACCOUNTS: "false" });
});
afterAll(() => t.close());

test("GUEST_ACCOUNTS=false: POST /auth/device answers 403 guest_accounts_disabled and creates nothing", async () => {
  const before = await t.server.db.prisma.account.count();
  expect(failure(await t.api.post("/auth/device", { deviceId: crypto.randomBytes(32).toString("base64url") }))).toEqual([403, "guest_accounts_disabled"]);
  expect(await t.server.db.prisma.account.count()).toBe(before);
  authBody(await t.api.register(`p${crypto.randomBytes(4).toString("hex")}`, "amber-falcon-31-kilo"), 201);
});

test("without SMTP_URL mail is off: setting an address and asking for a reset answer 403 mail_disabled", async () => {
  const username = `p${crypto.randomBytes(4).toString("hex")}`;
  const auth = authBody(await t.api.register(username, "amber-falcon-31-kilo"), 201);
  expect(failure(await t.api.send("PUT", "/me/email", { token: auth.accessToken, json: { email: "a@example.com" } }))).toEqual([403, "mail_disabled"]);
  expect(failure(await t.api.post("/auth/password-reset", { email: "a@example.com" }))).toEqual([403, "mail_disabled"]);
  expect(failure(await t.api.post("/auth/password-reset/confirm", { token: "x", newPassword: "amber-falcon-31-kilo" }))).toEqual([403, "mail_disabled"]);
  expect(failure(await t.api.post("/auth/email/verify", { token: "x" }))).toEqual([403, "mail_disabled"]);
});
