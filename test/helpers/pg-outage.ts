import { ErrorCode } from "../../shared/codes";
import { LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import { CHAT_TEST_ENV } from "./chat";
import { createTestDatabase, type TestDatabase } from "./database";
import { captureLogs, type LogCapture } from "./log-capture";
import { PARTY_TEST_ENV } from "./parties";
import type { Connection } from "./presence";
import { testRedisUrl } from "./redis";
import { TcpProxy } from "./tcp-proxy";
import { until } from "./until";
import { startTestServer, type TestServer } from "./test-server";

/**
 * PostgreSQL behind a proxy a test cuts (RST, refused reconnects) or blackholes (open sockets,
 * nothing forwarded: no error ever reaches the driver), with Redis as the backplane, as in a
 * multi-process deployment. Outages start and end on conditions (/readyz), never after a fixed time.
 */
export type PgFault = "blackhole" | "cut";

export interface PgFaultServer {
  t: TestServer;
  pg: TcpProxy;
  logs: LogCapture;
  readyz(): Promise<number>;
  /**
   * Takes PostgreSQL out (`kind`), waits until the process reports it (/readyz 503), runs
   * `during`, restores PostgreSQL and waits until /readyz is 200 again.
   */
  outage<T>(kind: PgFault, during: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startPgFaultServer(env: Record<string, string> = {}): Promise<PgFaultServer> {
  const pg = await TcpProxy.start();
  const db: TestDatabase = await createTestDatabase();
  const logs = captureLogs("info");
  const t = await startTestServer(
    {
      ...CHAT_TEST_ENV,
      ...PARTY_TEST_ENV,
      DATABASE_URL: pg.rewrite(db.url),
      REDIS_URL: await testRedisUrl(),
      DB_QUERY_TIMEOUT_MS: "1000",
      ...env,
    },
    { db, start: { logger: logs.logger } },
  );
  const readyz = async () => (await fetch(`${t.url}/readyz`)).status;
  return {
    t,
    pg,
    logs,
    readyz,
    async outage<T>(kind: PgFault, during: () => Promise<T>): Promise<T> {
      if (kind === "cut") await pg.cut();
      else pg.blackhole();
      let result: T;
      try {
        await until(async () => (await readyz()) === 503);
        result = await during();
      } finally {
        await pg.restore();
      }
      await until(async () => (await readyz()) === 200);
      return result;
    },
    async close() {
      await pg.restore();
      await t.close();
      await pg.close();
      await db.drop();
    },
  };
}

/** Refusals other than service_unavailable among `errors` (there must be none). */
export const notUnavailable = (errors: readonly WsErrorMessage[]): string[] =>
  errors.map((e) => e.code).filter((code) => code !== ErrorCode.ServiceUnavailable);

/** Every internal_error any of these connections was sent (there must be none). */
export const internalErrors = (...conns: Connection[]): WsErrorMessage[] =>
  conns.flatMap((c) => c.log.of<WsErrorMessage>(LobbyServerMessage.Error, (e) => e.code === ErrorCode.Internal));

/** Log lines of a failure the process did not expect (answered internal_error / 500). */
export const unexpectedFailures = (logs: LogCapture): Array<Record<string, unknown>> =>
  logs.lines().filter((l) => l.msg === "unhandled error" || l.msg === "message handler failed");

export interface HttpAnswer {
  status: number;
  body: { error?: { code: string; message: string; requestId: string } } & Record<string, unknown>;
}

/** A JSON request to the gateway, answered whatever its status. */
export async function call(baseUrl: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(baseUrl + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  return { status: res.status, body: (await res.json()) as HttpAnswer["body"] };
}

/** Asserts a 503 with the error shape and the service_unavailable code. */
export function expectUnavailable(answer: HttpAnswer): void {
  expect(answer.status).toBe(503);
  expect(answer.body.error).toEqual(expect.objectContaining({ code: ErrorCode.ServiceUnavailable, message: expect.any(String), requestId: expect.any(String) }));
}
