import { ErrorBodySchema } from "../../shared/schemas/common";
import type { Parameter, Response } from "./types";
import type { z } from "zod";

/** A multi-line description, one source line per string (kept as the YAML block it becomes). */
export const md = (...lines: string[]): string => `${lines.join("\n")}\n`;

export const player = [{ bearerAuth: [] }];
export const operator = [{ operatorAuth: [] }];
export const fleetKey = [{ fleetKey: [] }];
/** Explicitly public (no security requirement). */
export const publicRoute: Array<Record<string, string[]>> = [];

export const json = (description: string, schema: z.ZodType, more: Omit<Response, "description" | "schema"> = {}): Response => ({ description, schema, ...more });
/** An error response with the ErrorBody envelope. */
export const error = (description: string, more: Omit<Response, "description" | "schema"> = {}): Response => json(description, ErrorBodySchema, more);
export const empty = (description: string): Response => ({ description });
export const retryAfter = { "Retry-After": "RetryAfter" };

export const pathParam = (name: string, schema: z.ZodType, description?: string): Parameter => ({ name, in: "path", schema, ...(description ? { description } : {}) });
