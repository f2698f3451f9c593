/**
 * Child-process entry for the capacity benchmark: the real lobby server (`startLobbyServer`, as
 * `npm start` runs it, configured from the environment only) with a measurement window
 * (event loop, CPU) over IPC and a control port (connections held, memory after GC).
 */
import { matchMaker } from "@colyseus/core";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/lib/logger";
import { startLobbyServer } from "../../server/lobby-server";
import { startControl } from "./capacity-control";
import { serveChildProtocol } from "./child-protocol";
import { StatsWindow } from "./process-stats";

async function main(): Promise<void> {
  const stats = new StatsWindow();
  const config = loadConfig(process.env);
  const server = await startLobbyServer(config, { logger: createLogger(config.logLevel) });
  const count = () => matchMaker.stats.local.ccu;
  stats.describe(() => ({ rooms: matchMaker.stats.local.roomCount, clients: count() }));
  const control = await startControl(count);
  serveChildProtocol(
    stats,
    server.port,
    async () => {
      await server.close();
      await control.close();
    },
    { label: `lobby-${config.redisUrl ? "redis" : "local"}`, controlPort: control.port, pid: process.pid },
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
