import { DEFAULT_ARGON2_COST, type Argon2Cost } from "../../server/modules/auth/argon2-cost";

/**
 * Tests hash passwords at a cheap argon2id cost (1 MiB, 1 pass: about 30 times less CPU than the
 * production default), in this process and in server processes they start.
 * `LOBBY_TEST_HASH_COST=production npm test` runs everything at the server's default cost instead.
 */
export const TEST_HASH_COST_ENV = "LOBBY_TEST_HASH_COST";

const CHEAP: Readonly<Argon2Cost> = { memoryKib: 1024, iterations: 1 };

export const productionHashCostInTests = (): boolean => process.env[TEST_HASH_COST_ENV] === "production";

/** The cost test helpers hash at (seeded accounts, counting hashers). */
export function testHashCost(): Argon2Cost {
  return { ...(productionHashCostInTests() ? DEFAULT_ARGON2_COST : CHEAP) };
}

/**
 * Server environment for the test cost, for a server started with `env`. Empty (the server's
 * default) under LOBBY_TEST_HASH_COST=production, and for NODE_ENV=production servers, which
 * refuse a cheap cost.
 */
export function testHashCostEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  if (productionHashCostInTests() || env.NODE_ENV === "production") return {};
  return { PASSWORD_HASH_MEMORY_KIB: String(CHEAP.memoryKib), PASSWORD_HASH_ITERATIONS: String(CHEAP.iterations) };
}

/**
 * Unsets the test cost for one server (loadConfig treats empty values as unset): for tests of the
 * production parameters themselves.
 */
export const SERVER_DEFAULT_HASH_COST: Readonly<Record<string, string>> = { PASSWORD_HASH_MEMORY_KIB: "", PASSWORD_HASH_ITERATIONS: "" };
