import crypto from "node:crypto";
import jwt from "jsonwebtoken";

/** The claims of a real access token, to forge variants of it. */
export function claimsOf(token: string): Record<string, unknown> {
  const decoded = jwt.decode(token);
  if (!decoded || typeof decoded !== "object") throw new Error("not a JWT");
  return { ...decoded };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned token (`alg: none`) carrying the given claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
}

/** The claims signed HS256 with `secret` (the server's, or a wrong one). */
export function signedToken(claims: Record<string, unknown>, secret: string): string {
  return jwt.sign(claims, secret, { algorithm: "HS256", noTimestamp: true });
}

/** The token with its payload replaced by `claims` and its original signature kept. */
export function tamperedToken(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split(".");
  return `${header}.${b64url(claims)}.${signature}`;
}

export const wrongSecret = (): string => crypto.randomBytes(48).toString("base64url");
