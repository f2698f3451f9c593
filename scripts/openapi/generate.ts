import { Document, isScalar, visit } from "yaml";
import { z } from "zod";
import "../../shared";
import { headers, info, parameters, responses, securitySchemes, servers, tags } from "./document";
import { routes } from "./routes";
import type { Parameter, Response, Route } from "./types";

type Json = Record<string, unknown>;
const COMPONENT = "#/components/schemas/";
const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Tidies zod's JSON Schema for the document: no `$schema`/`$id`, no regex beside a `format` that
 * says the same, no ±MAX_SAFE_INTEGER bounds on every integer, `type: [T, "null"]` for nullable
 * scalars, and `$defs` refs pointed at components (every schema with an id is one).
 */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== "object") return node;
  const n = Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, tidy(v)])) as Json;
  delete n.$schema;
  delete n.$id;
  delete n.$defs;
  if (typeof n.$ref === "string") {
    n.$ref = n.$ref.replace(/^#\/\$defs\//, COMPONENT);
    delete n.type;
  }
  if (typeof n.format === "string" && ["uuid", "date-time"].includes(n.format)) delete n.pattern;
  if (n.minimum === -SAFE) delete n.minimum;
  if (n.maximum === SAFE) delete n.maximum;
  const alts = n.anyOf as Json[] | undefined;
  if (alts?.length === 2 && alts[1]?.type === "null" && typeof alts[0]?.type === "string") {
    delete n.anyOf;
    return { ...alts[0], ...n, type: [alts[0].type, "null"] };
  }
  return n;
}

const idOf = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.id as string | undefined;

/** Request shapes are what a client sends (input): defaults make a field optional, transforms are invisible. */
const toJson = (schema: z.ZodType): Json => {
  const id = idOf(schema);
  if (id) return { $ref: `${COMPONENT}${id}` };
  return tidy(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })) as Json;
};

function componentSchemas(): Json {
  const all = z.toJSONSchema(z.globalRegistry, { io: "input", unrepresentable: "any", uri: (id) => `${COMPONENT}${id}` }).schemas;
  return Object.fromEntries(Object.keys(all).sort().map((id) => [id, tidy(all[id])]));
}

function parameter(p: Parameter): Json {
  const { description, ...schema } = toJson(p.schema);
  const text = p.description ?? description;
  return { name: p.name, in: p.in, ...(p.in === "path" ? { required: true } : {}), ...(text ? { description: text } : {}), schema };
}

function queryParameters(query: z.ZodObject): Json[] {
  const required = new Set((z.toJSONSchema(query, { io: "input", unrepresentable: "any" }).required ?? []) as string[]);
  return Object.entries(query.shape).map(([name, schema]) => {
    const { description, ...rest } = toJson(schema as z.ZodType);
    return { name, in: "query", ...(required.has(name) ? { required: true } : {}), ...(description ? { description } : {}), schema: rest };
  });
}

function response(r: string | Response): Json {
  if (typeof r === "string") return { $ref: `#/components/responses/${r}` };
  const out: Json = { description: r.description };
  if (r.headers) out.headers = Object.fromEntries(Object.entries(r.headers).map(([name, ref]) => [name, { $ref: `#/components/headers/${ref}` }]));
  if (r.schema) out.content = { "application/json": { schema: toJson(r.schema), ...(r.examples ? { examples: r.examples } : {}) } };
  if (r.text) out.content = { [r.text]: { schema: { type: "string" } } };
  return out;
}

function operation(route: Route): Json {
  const params = [
    ...(route.parameters ?? []).map((p) => (typeof p === "string" ? { $ref: `#/components/parameters/${p}` } : parameter(p))),
    ...(route.query ? queryParameters(route.query) : []),
  ];
  const body = route.body && ("safeParse" in route.body ? { schema: route.body, required: true } : route.body);
  return {
    tags: route.tags,
    operationId: route.operationId,
    ...route.extensions,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: route.security,
    ...(params.length ? { parameters: params } : {}),
    ...(body
      ? { requestBody: { required: body.required, ...(body.description ? { description: body.description } : {}), content: { "application/json": { schema: toJson(body.schema) } } } }
      : {}),
    responses: Object.fromEntries(Object.entries(route.responses).map(([status, r]) => [status, response(r)])),
  };
}

/** The whole OpenAPI document, as an object. */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: "3.1.0",
    info,
    servers,
    tags,
    paths,
    components: {
      securitySchemes,
      headers,
      parameters: Object.fromEntries(Object.entries(parameters).map(([name, p]) => [name, parameter(p)])),
      responses: Object.fromEntries(Object.entries(responses).map(([name, r]) => [name, response(r)])),
      schemas: componentSchemas(),
    },
  };
}

const HEADER = "# Generated by `npm run openapi` (scripts/openapi/ and the zod schemas in shared/): do not edit by hand.\n";

/** docs/openapi.yaml as `npm run openapi` writes it: short lists and lone `$ref`s in flow style, no anchors, no folding. */
export function openApiYaml(): string {
  const doc = new Document(openApiDocument(), { aliasDuplicateObjects: false });
  visit(doc, {
    Seq: (_key, node) => void (node.items.every(isScalar) && node.items.join(", ").length <= 100 && (node.flow = true)),
    Map: (_key, node) => void (node.items.length === 1 && isScalar(node.items[0]!.key) && node.items[0]!.key.value === "$ref" && (node.flow = true)),
  });
  return HEADER + doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}


