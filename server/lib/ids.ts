import crypto from "node:crypto";

export const newId = (): string => crypto.randomUUID();

/** A random URL-safe secret with `bytes` bytes of entropy. */
export const randomSecret = (bytes = 32): string => crypto.randomBytes(bytes).toString("base64url");

export const sha256Hex = (value: string): string => crypto.createHash("sha256").update(value).digest("hex");
