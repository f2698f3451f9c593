import crypto from "node:crypto";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";

// A studio that does not want guest accounts turns them off; registration is unaffected.
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
