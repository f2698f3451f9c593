import type { AuthResponse } from "../../shared/schemas/auth";
import { authBody, type Api } from "./http";
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
