import type { Request } from "express";

/** The auth scheme is case-insensitive (RFC 7235); the credential is whatever follows it. */
const BEARER_SCHEME = /^Bearer +(.*)$/is;
/** RFC 6750 b64token: anything else cannot be a token this server issued. */
export const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** The credential of `Authorization: Bearer <credential>`, or undefined when there is none. */
export function bearerCredential(req: Request): string | undefined {
  const header = req.get("authorization");
  return (header ? BEARER_SCHEME.exec(header)?.[1]?.trim() : undefined) || undefined;
}
