/**
 * Child-process entry for heap-connections: the real lobby server (`startLobbyServer`, configured
 * from the environment only), answering heap-protocol requests (bench/lib/heap-protocol.ts).
 */
import { matchMaker } from "@colyseus/core";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/lib/logger";
import { startLobbyServer } from "../../server/lobby-server";
import { serveHeapProtocol } from "./heap-protocol";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await startLobbyServer(config, { logger: createLogger(config.logLevel) });
  serveHeapProtocol(server.port, () => matchMaker.stats.local.ccu, () => server.close());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
