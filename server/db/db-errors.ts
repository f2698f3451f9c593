/**
 * Classifies errors coming out of Prisma and its driver adapters by shape, so edges and services
 * can react without importing Prisma.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const UNAVAILABLE_DRIVER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "57P01", "57P03", "57014"]);
// "Query read timeout": pg's query_timeout (the connection is discarded, see bounded-client.ts);
// "Unable to start a transaction in the given time": Prisma's maxWait for a pool connection.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Can't reach database|ECONNREFUSED|database did not answer|Query read timeout|Unable to start a transaction in the given time|not queryable|canceling statement due to statement timeout/i;

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: string } } };
}

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as ErrorShape;
  if (e.name === "PrismaClientInitializationError") return true;
  if (e.code && (UNAVAILABLE_PRISMA_CODES.has(e.code) || UNAVAILABLE_NODE_CODES.has(e.code))) return true;
  const kind = e.meta?.driverAdapterError?.cause?.kind ?? (e as { cause?: { kind?: string } }).cause?.kind;
  if (kind && UNAVAILABLE_DRIVER_KINDS.has(kind)) return true;
  if (e.message && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/** A unique constraint was violated (Prisma P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return !!err && typeof err === "object" && (err as ErrorShape).code === "P2002";
}

/** The row to update or delete did not exist (Prisma P2025). */
export function isRecordNotFound(err: unknown): boolean {
  return !!err && typeof err === "object" && (err as ErrorShape).code === "P2025";
}

/** A foreign key was violated (Prisma P2003): a referenced row, e.g. an account, is gone. */
export function isForeignKeyViolation(err: unknown): boolean {
  return !!err && typeof err === "object" && (err as ErrorShape).code === "P2003";
}
