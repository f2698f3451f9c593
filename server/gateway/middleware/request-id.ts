import type { RequestHandler } from "express";
import { newId } from "../../lib/ids";

const VALID = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller's X-Request-Id when it is well-formed, else makes one; echoes it back. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get("x-request-id");
  const id = incoming && VALID.test(incoming) ? incoming : newId();
  res.locals.requestId = id;
  res.setHeader("X-Request-Id", id);
  next();
};
