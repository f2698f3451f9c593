import type { Request } from "express";
import type { z } from "zod";
import { AppError, ErrorCode } from "../../lib/errors";
import { fieldIssues } from "./validate";

function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(ErrorCode.InvalidRequest, `The request ${what} is invalid.`, { fields: fieldIssues(parsed.error) });
  }
  return parsed.data;
}

/** Validated query string (Express 5's req.query is read-only, so it is parsed where used). */
export const parseQuery = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => parseOr400(schema, req.query, "query");

/** Validated path parameters. */
export const parseParams = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => parseOr400(schema, req.params, "path");
