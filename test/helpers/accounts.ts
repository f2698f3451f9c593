import crypto from "node:crypto";
import { createArgon2Hasher } from "../../server/modules/auth/password-hasher";
import type { AuthResponse } from "../../shared/schemas/auth";
import { testHashCost } from "./hash-cost";
import { authBody, type Api } from "./http";
import { sql } from "./sql";
import { GOOD_PASSWORD, uniqueUsername } from "./test-server";

export interface TestAccount {
  username: string;
  password: string;
  /** The register answer: tokens of the account's first session. */
  auth: AuthResponse;
}

/** Registers a fresh account over HTTP and returns its credentials and first session. */
export async function registerAccount(api: Api, opts: { username?: string; password?: string } = {}): Promise<TestAccount> {
  const username = opts.username ?? uniqueUsername();
  const password = opts.password ?? GOOD_PASSWORD;
  const auth = authBody(await api.register(username, password), 201);
  return { username, password, auth };
}

/** Logs in over HTTP (a new session) and returns the answer. */
export async function loginAccount(api: Api, account: { username: string; password: string }): Promise<AuthResponse> {
  return authBody(await api.login(account.username, account.password));
}

/**
 * `count` accounts written straight into the database (names `<prefix>_<random>_<i>`), sharing one
 * real argon2id hash of GOOD_PASSWORD (at the test cost): many accounts without `count` registrations.
 */
export async function seedAccounts(databaseUrl: string, count: number, prefix: string): Promise<string[]> {
  const passwordHash = await createArgon2Hasher(testHashCost()).hash(GOOD_PASSWORD);
  const names = Array.from({ length: count }, (_, i) => `${prefix}_${crypto.randomBytes(3).toString("hex")}_${i}`);
  await sql(
    databaseUrl,
    `INSERT INTO accounts (id, username, username_key, display_name, password_hash, updated_at)
     SELECT gen_random_uuid(), name, lower(name), name, $2, now() FROM unnest($1::text[]) AS t(name)`,
    [names, passwordHash],
  );
  return names;
}
