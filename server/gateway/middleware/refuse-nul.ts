import type { RequestHandler } from "express";
import { hasNulCharacter, NUL_CHARACTER_MESSAGE, type FieldIssue } from "../../../shared/schemas/common";
import { AppError, ErrorCode } from "../../lib/errors";

/** Fields named in one answer at most (a body can hold thousands of strings). */
const MAX_REPORTED = 10;

/**
 * Where U+0000 occurs in a parsed JSON body or query string: keys and values, at any depth.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
function nulFields(root: unknown, rootName: string): FieldIssue[] {
  const found: FieldIssue[] = [];
  const pending: Array<[unknown, string]> = [[root, ""]];
  while (pending.length > 0 && found.length < MAX_REPORTED) {
    const [value, at] = pending.pop()!;
    if (typeof value === "string") {
      if (hasNulCharacter(value)) found.push({ path: at || rootName, message: NUL_CHARACTER_MESSAGE });
    } else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        const childAt = at ? `${at}.${key}` : key;
        if (hasNulCharacter(key)) found.push({ path: childAt, message: NUL_CHARACTER_MESSAGE });
        else pending.push([child, childAt]);
      }
    }
  }
  return found.slice(0, MAX_REPORTED);
}

/**
 * PostgreSQL text cannot hold U+0000, so a request carrying it anywhere (path, query string, JSON
 * body, passwords included) is refused here, before any route: 400 invalid_request naming the
 * fields, instead of a database error deep in a service.
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  // %00 is the only way a NUL reaches the path: Node's HTTP parser refuses a raw one in the URL.
  const fields: FieldIssue[] = /%00/i.test(req.path) ? [{ path: "(path)", message: NUL_CHARACTER_MESSAGE }] : [];
  fields.push(...nulFields(req.query, "(query)"), ...nulFields(req.body, "(body)"));
  if (fields.length > 0) {
    next(new AppError(ErrorCode.InvalidRequest, "The request contains a NUL character (U+0000).", { fields: fields.slice(0, MAX_REPORTED) }));
    return;
  }
  next();
};
