import type { RequestHandler } from "express";
import type { z } from "zod";
import type { FieldIssue } from "../../../shared/schemas/common";
import { AppError, ErrorCode } from "../../lib/errors";

/** One entry per offending field; an unknown key is named itself rather than blamed on the body. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const at = i.path.join(".");
    if (i.code === "unrecognized_keys") {
      return i.keys.map((key) => ({ path: at ? `${at}.${key}` : key, message: "is not a known field" }));
    }
    return [{ path: at || "(body)", message: i.message }];
  });
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
