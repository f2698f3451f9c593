import type { ErrorRequestHandler, RequestHandler } from "express";
import { isDatabaseUnavailable } from "../../db/db-errors";
import { AppError, ErrorCode, isAppError } from "../../lib/errors";
import type { Logger } from "../../lib/logger";
import { isBackplaneUnavailable } from "../../lib/redis";

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError(ErrorCode.NotFound, `No route for ${req.method} ${req.path}.`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  /** zlib's, when the body is not what its Content-Encoding says. */
  code?: unknown;
}

/** Node's zlib error codes: Z_DATA_ERROR, Z_BUF_ERROR (gzip, deflate), ERR__ERROR_* (br), ZSTD_error_* (zstd). */
const isDecompressionError = (err: BodyParserError): boolean => typeof err.code === "string" && /^(Z_|ERR__ERROR|ERR_BROTLI|ZSTD_)/.test(err.code);

/**
 * Maps the failures of reading a request, before any route ran, to stable codes: body-parser's
 * (they carry `type`), a body that is not what its Content-Encoding says (zlib's error, given a
 * 4xx status by body-parser), and a path parameter that is not valid percent-encoding (Express
 * 5's router throws a URIError with status 400).
 */
function fromRequestReading(err: BodyParserError | null): AppError | undefined {
  if (err === null || typeof err !== "object") return undefined;
  if (err instanceof URIError) return new AppError(ErrorCode.InvalidRequest, "The request path is not valid percent-encoding.");
  if (isDecompressionError(err) && err.status !== undefined && err.status < 500) {
    return new AppError(ErrorCode.InvalidRequest, "The request body could not be decompressed: it is not what its Content-Encoding says.");
  }
  switch (err.type) {
    case "entity.too.large":
      return new AppError(ErrorCode.PayloadTooLarge, "The request body is too large.");
    case "entity.parse.failed":
      return new AppError(ErrorCode.InvalidRequest, "The request body is not valid JSON.");
    case "charset.unsupported":
    case "encoding.unsupported":
      return new AppError(ErrorCode.UnsupportedMediaType, "Unsupported body encoding.");
    default:
      return err.type && err.status && err.status < 500
        ? new AppError(ErrorCode.InvalidRequest, "The request body could not be read.")
        : undefined;
  }
}

/**
 * Every error leaves as `{"error":{"code","message","requestId"}}`. Expected errors keep their
 * code; database outages become 503; anything else is logged and answered with a generic 500.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const requestId = res.locals.requestId;
    let appError = isAppError(err) ? err : fromRequestReading(err as BodyParserError | null);
    const database = !appError && isDatabaseUnavailable(err);
    // A Redis outage is not logged per request: BackplaneHealth logs it once.
    if (database) logger.error({ requestId, err }, "database unavailable");
    if (!appError && (database || isBackplaneUnavailable(err))) {
      appError = new AppError(ErrorCode.ServiceUnavailable, "The service is temporarily unavailable. Try again shortly.", {
        retryAfterSeconds: 5,
      });
    }
    if (!appError) {
      logger.error({ requestId, err }, "unhandled error");
      appError = new AppError(ErrorCode.Internal, "Internal server error.");
    }
    if (res.headersSent) return;
    if (appError.extra.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(appError.extra.retryAfterSeconds));
    res.status(appError.status).json({
      error: {
        code: appError.code,
        message: appError.message,
        requestId,
        ...(appError.extra.fields ? { fields: appError.extra.fields } : {}),
        ...(appError.extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: appError.extra.retryAfterSeconds } : {}),
        ...(appError.extra.details ? { details: appError.extra.details } : {}),
      },
    });
  };
}
