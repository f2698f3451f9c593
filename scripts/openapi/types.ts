import type { z } from "zod";

/** One HTTP operation of the route table: what docs/openapi.yaml says about it, with zod schemas for its shapes. */
export interface Route {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path, params as `{name}`. */
  path: string;
  tags: string[];
  operationId: string;
  summary: string;
  description?: string;
  /** Security requirements ([] for a public route). */
  security: Array<Record<string, string[]>>;
  /** `x-…` fields of the operation. */
  extensions?: Record<string, unknown>;
  /** Names of components.parameters, or inline parameters (path ones mostly). */
  parameters?: Array<string | Parameter>;
  /** Every key of this object is a query parameter; its description comes from the key's schema. */
  query?: z.ZodObject;
  /** A required JSON body, or one described further. */
  body?: z.ZodType | { schema: z.ZodType; required: boolean; description?: string };
  /** Status -> a components.responses name, or a response. */
  responses: Record<number, string | Response>;
}

export interface Parameter {
  name: string;
  in: "path" | "query";
  description?: string;
  schema: z.ZodType;
}

export interface Response {
  description: string;
  /** JSON body schema (absent: no body). */
  schema?: z.ZodType;
  /** Another media type with a plain string body. */
  text?: string;
  /** Names of components.headers the response carries. */
  headers?: Record<string, string>;
  examples?: Record<string, { value: unknown }>;
}
