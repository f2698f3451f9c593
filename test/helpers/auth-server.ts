import type { Clock } from "../../server/lib/clock";
import type { StartOptions } from "../../server/lobby-server";
import { Api } from "./http";
import type { TestDatabase } from "./database";
import { startTestServer, type TestServer } from "./test-server";

export interface AuthTestServer extends TestServer {
  /** node:http client for this server, from 127.0.0.1. */
  api: Api;
}

/**
 * A test server for HTTP auth tests. Registration's per-IP limit is raised (every test registers
 * from 127.0.0.1); tests of that limit pass their own value.
 */
export async function startAuthServer(
  env: Record<string, string> = {},
  opts: { clock?: Clock; start?: StartOptions; db?: TestDatabase } = {},
): Promise<AuthTestServer> {
  const t = await startTestServer({ REGISTER_MAX_PER_IP_PER_HOUR: "100000", ...env }, opts);
  return Object.assign(t, { api: new Api(t.url) });
}
