import { startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

// The real entry point: what an operator sees at boot when TRUST_PROXY trusts every hop.
let db: TestDatabase;
let child: ChildServer | undefined;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await child?.kill();
  await db?.drop();
});

test("production refuses TRUST_PROXY=true at boot (exit 78), saying why and what to set instead", async () => {
  const outcome = await startChildServer({ NODE_ENV: "production", DATABASE_URL: db.url, TRUST_PROXY: "true" }).then(
    async (booted) => {
      await booted.kill();
      return "booted";
    },
    (err: Error) => err.message,
  );
  expect(outcome).toMatch(/exited before it was ready \(code 78[\s\S]*TRUST_PROXY: "true" trusts every X-Forwarded-For hop[\s\S]*number of proxies/);
}, 60_000);

test("outside production TRUST_PROXY=true boots, with one warn line in the log", async () => {
  child = await startChildServer({ DATABASE_URL: db.url, TRUST_PROXY: "true" });
  const warnings = child.logs.filter((e) => e.level === 40 && String(e.msg).startsWith("TRUST_PROXY:"));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.msg).toContain("trusts every X-Forwarded-For hop");
}, 60_000);
