// First: sizes libuv's thread pool (password hashing) before anything starts the pool.
import "./thread-pool";
import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./lib/logger";
import { startLobbyServer } from "./lobby-server";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(warning);
  if (process.env.UV_THREADPOOL_SIZE !== String(config.passwordHashThreads)) {
    logger.warn({ passwordHashThreads: config.passwordHashThreads, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE }, "thread pool size differs from PASSWORD_HASH_THREADS");
  }
  // Signals are handled from before the start: one that arrives while the server is starting
  // (the listening log is written before startLobbyServer returns) stops it once it has started,
  // instead of Node's default of dying on the spot.
  let server: Awaited<ReturnType<typeof startLobbyServer>> | undefined;
  let stopping = false;
  const close = (s: NonNullable<typeof server>) =>
    s.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "signal received");
    const force = setTimeout(() => {
      logger.error("shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000);
    force.unref();
    if (server) void close(server);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  server = await startLobbyServer(config, { logger });
  if (stopping) void close(server);
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled promise rejection"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
