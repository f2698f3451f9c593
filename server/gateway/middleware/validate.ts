import type { RequestHandler } from "express";
import type { z } from "zod";
import { AppError, ErrorCode } from "../../lib/errors";

export function fieldIssues(error: z.ZodError) {
  return error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
}

/** Parses the JSON body with `schema`; on failure answers 400 with every offending field. */
export function validateBody<S extends z.ZodType>(schema: S): RequestHandler {
  return (req, _res, next) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) {
      next(new AppError(ErrorCode.InvalidRequest, "The request body is invalid.", { fields: fieldIssues(parsed.error) }));
      return;
    }
    req.body = parsed.data;
    next();
  };
}

/** The validated body, typed by the schema the route declared. */
export const bodyOf = <S extends z.ZodType>(_schema: S, body: unknown): z.output<S> => body as z.output<S>;
