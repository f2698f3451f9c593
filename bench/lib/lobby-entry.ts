/**
 * Child-process entry: the real lobby server (`startLobbyServer`, as `npm start` runs it) with a
 * measurement window on its event loop and CPU, driven by the benchmark over IPC. Configuration
 * comes from the environment only, exactly as for server/main.ts.
 */
import { matchMaker } from "@colyseus/core";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/lib/logger";
import { startLobbyServer } from "../../server/lobby-server";
import { RoomName } from "../../shared/rooms";
import { serveChildProtocol } from "./child-protocol";
import { instrumentLobby } from "./instrument";
import { StatsWindow } from "./process-stats";

async function main(): Promise<void> {
  const stats = new StatsWindow();
  const config = loadConfig(process.env);
  const server = await startLobbyServer(config, { logger: createLogger(config.logLevel) });
  instrumentLobby(server, stats);
  serveChildProtocol(
    stats,
    server.port,
    () => server.close(),
    { label: `lobby-${config.redisUrl ? "redis" : "local"}`, database: server.db.kind, pid: process.pid },
    async () => (await matchMaker.createRoom(RoomName.Lobby, {})).roomId,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
