import type { RequestHandler } from "express";
import { newId } from "../../lib/ids";

const VALID = /^[A-Za-z0-9._-]{1,64}$/;

/** A caller's X-Request-Id when it is well-formed, else a new id. */
export const requestIdFrom = (incoming: string | string[] | undefined): string =>
  typeof incoming === "string" && VALID.test(incoming) ? incoming : newId();

/** Keeps a caller's X-Request-Id when it is well-formed, else makes one; echoes it back. */
export const requestId: RequestHandler = (req, res, next) => {
  const id = requestIdFrom(req.headers["x-request-id"]);
  res.locals.requestId = id;
  res.setHeader("X-Request-Id", id);
  next();
};
