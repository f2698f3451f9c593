import { createArgon2Hasher } from "../../../server/modules/auth/password-hasher";
import { registerAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { productionHashCostInTests, testHashCost } from "../../helpers/hash-cost";
import { authBody } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import { GOOD_PASSWORD, uniqueUsername } from "../../helpers/test-server";

const storedHash = async (t: AuthTestServer, id: string): Promise<string> =>
  (await sql<{ password_hash: string }>(t.db.url, "SELECT password_hash FROM accounts WHERE id = $1", [id]))[0]!.password_hash;

describe("the configured hash cost reaches the hasher", () => {
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer();
  });
  afterAll(() => t.close());

  test("a test server hashes new passwords at the test cost (1024 KiB, 1 pass unless LOBBY_TEST_HASH_COST=production)", async () => {
    const account = await registerAccount(t.api);
    const expected = productionHashCostInTests() ? "m=19456,t=2,p=1" : "m=1024,t=1,p=1";
    expect(await storedHash(t, account.auth.account.id)).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$${expected}\\$`));
    expect(testHashCost()).toEqual(productionHashCostInTests() ? { memoryKib: 19_456, iterations: 2 } : { memoryKib: 1024, iterations: 1 });
  });

  test("a password hashed at another cost still verifies: the cost is read from the stored hash", async () => {
    const account = await registerAccount(t.api);
    const other = await createArgon2Hasher({ memoryKib: 2048, iterations: 3 }).hash(GOOD_PASSWORD);
    await sql(t.db.url, "UPDATE accounts SET password_hash = $2 WHERE id = $1", [account.auth.account.id, other]);
    authBody(await t.api.login(account.username, GOOD_PASSWORD));
    expect((await t.api.login(account.username, "not-the-password-at-all")).status).toBe(401);
    expect((await t.api.login(uniqueUsername(), GOOD_PASSWORD)).status).toBe(401);
  });
});
