import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../server/lib/logger";

export interface LogCapture {
  /** The server's real pino logger (with its redaction), writing here instead of stdout. */
  logger: Logger;
  /** Everything logged so far, one JSON line per entry. */
  text(): string;
  lines(): Array<Record<string, unknown>>;
}

export function captureLogs(level = "trace"): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(level, stream);
  const text = () => chunks.join("");
  return {
    logger,
    text,
    lines: () =>
      text()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
