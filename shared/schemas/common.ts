import { z } from "zod";

export const FieldIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** Every HTTP error body. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    /** Present on invalid_request: which fields were wrong. */
    fields: z.array(FieldIssueSchema).optional(),
    /** Present on rate limits: seconds until a retry can succeed (also in Retry-After). */
    retryAfterSeconds: z.number().int().optional(),
    /** Code-specific facts, e.g. `expiresAt` of a mute. */
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const UuidSchema = z.uuid();

/**
 * PostgreSQL text cannot hold U+0000: a string carrying it would fail in the database. The HTTP
 * edge refuses it anywhere in a request; on the lobby connection, free text stored as sent refuses
 * it too (chat and presence text are cleaned instead, which strips it).
 */
export const NUL_CHARACTER_MESSAGE = "must not contain the NUL character (U+0000)";
export const hasNulCharacter = (s: string): boolean => s.includes("\u0000");
