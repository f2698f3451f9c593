import { z } from "zod";
import { ErrorCode } from "../codes";

export const FieldIssueSchema = z.object({
  path: z.string().meta({ description: 'Dotted path in the body, or "(body)".' }),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** Documentation of `error.code` (the body schema keeps a plain string: clients must accept codes added later). */
export const ErrorCodeSchema = z
  .enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]])
  .meta({ id: "ErrorCode", description: "Stable error codes (shared/codes.ts). New codes may be added; none is ever renamed." });

/** Every HTTP error body. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ $ref: "#/components/schemas/ErrorCode" }),
      message: z.string().meta({ description: "Human-readable; may change." }),
      requestId: z.string().meta({ description: "Same as the X-Request-Id response header." }),
      /** Present on invalid_request: which fields were wrong. */
      fields: z
        .array(FieldIssueSchema)
        .optional()
        .meta({ description: "On invalid_request, weak_password and invalid_cursor, every offending field." }),
      /** Present on rate limits: seconds until a retry can succeed (also in Retry-After). */
      retryAfterSeconds: z.number().int().optional().meta({ description: "On 429 and 503, the same value as the Retry-After header." }),
      /** Code-specific facts, e.g. `expiresAt` of a mute. */
      details: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
        .optional()
        .meta({ description: "Code-specific facts, e.g. on `account_banned`: `expiresAt` (ISO time) and `permanent`." }),
    }),
  })
  .meta({ id: "ErrorBody" });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const UuidSchema = z.uuid();

/**
 * PostgreSQL text cannot hold U+0000: a string carrying it would fail in the database. The HTTP
 * edge refuses it anywhere in a request; on the lobby connection, free text stored as sent refuses
 * it too (chat and presence text are cleaned instead, which strips it).
 */
export const NUL_CHARACTER_MESSAGE = "must not contain the NUL character (U+0000)";
export const hasNulCharacter = (s: string): boolean => s.includes("\u0000");
