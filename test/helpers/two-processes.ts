import type { Clock } from "../../server/lib/clock";
import { freePort, startChildServer, type ChildServer } from "./child-server";
import { createTestDatabase, type TestDatabase } from "./database";
import { otherProcessIds } from "./placement";
import { testRedisUrl } from "./redis";
import { startTestServer, testSecret, type TestServer } from "./test-server";

export interface TwoProcesses {
  db: TestDatabase;
  /** "p1": the server in this Jest process. */
  t: TestServer;
  /** "p2": a real server process. */
  child: ChildServer;
  /** The child's Colyseus process id (for placement.createLobbyOn). */
  childProcessId: string;
  /** Stops the child (if still running) and this server, then drops the database. */
  close(): Promise<void>;
}

/**
 * Two server processes sharing one fresh PostgreSQL database, this process' Redis and one JWT
 * secret, each advertising its own address. `env` goes to both.
 */
export async function startTwoProcesses(env: Record<string, string>, opts: { clock?: Clock } = {}): Promise<TwoProcesses> {
  const redisUrl = await testRedisUrl();
  const db = await createTestDatabase();
  const [portA, portB] = [await freePort(), await freePort()];
  const shared = { ...env, REDIS_URL: redisUrl, JWT_SECRET: testSecret() };
  let t: TestServer | undefined;
  let child: ChildServer | undefined;
  try {
    t = await startTestServer({ ...shared, PORT: String(portA), PUBLIC_ADDRESS: `127.0.0.1:${portA}` }, { db, clock: opts.clock });
    child = await startChildServer({ ...shared, DATABASE_URL: db.url, PORT: String(portB), PUBLIC_ADDRESS: `127.0.0.1:${portB}` });
    const others = await otherProcessIds();
    if (others.length !== 1) throw new Error(`expected one other server process, found ${others.length}`);
    const [server, second] = [t, child];
    return {
      db,
      t: server,
      child: second,
      childProcessId: others[0]!,
      async close() {
        await second.stop();
        await server.close();
        await db.drop();
      },
    };
  } catch (err) {
    await child?.kill();
    await t?.close();
    await db.drop();
    throw err;
  }
}
