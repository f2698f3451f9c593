import type { RequestHandler } from "express";
import type { Logger } from "./lib/logger";

/**
 * @colyseus/playground (a devDependency) for poking rooms in development, at /playground.
 * Never in production: the caller asks only when NODE_ENV is not "production", and an install
 * without devDependencies simply has none.
 */
export function devPlayground(logger: Logger): RequestHandler | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { playground } = require("@colyseus/playground") as typeof import("@colyseus/playground");
    return playground() as unknown as RequestHandler;
  } catch (err) {
    logger.debug({ err }, "@colyseus/playground is not installed: /playground is off");
    return undefined;
  }
}
