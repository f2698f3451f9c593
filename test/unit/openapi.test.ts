import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { createGatewayApp, type GatewayDeps } from "../../server/gateway/app";
import { createLogger } from "../../server/lib/logger";
import { createMetrics } from "../../server/lib/metrics";
import { ErrorCode as ColyseusErrorCode, matchMaker } from "@colyseus/core";
import { ErrorCode, MatchmakeErrorCode } from "../../shared/codes";

const root = path.resolve(__dirname, "..", "..");
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; security?: unknown[] }>>;
  components: { schemas: Record<string, { enum?: string[] }> };
}

const doc = parse(fs.readFileSync(path.join(root, "docs", "openapi.yaml"), "utf8")) as OpenApiDoc;

/**
 * Stands in for the services the route factories close over. Walking the router never calls them;
 * any property or call returns the stand-in again, so the gateway builds whatever deps it grows.
 */
function inert(): unknown {
  const target = function () {} as unknown as object;
  const proxy: unknown = new Proxy(target, { get: (_t, prop) => (prop === "then" ? undefined : proxy), apply: () => proxy });
  return proxy;
}

interface Layer {
  rawPath?: string | RegExp;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** "METHOD /path" for every route of the Express app, with params as OpenAPI `{name}`. */
function gatewayRoutes(): string[] {
  const real: Record<string | symbol, unknown> = { logger: createLogger("silent"), metrics: createMetrics(), trustProxy: false };
  const deps = new Proxy(real, { get: (t, prop) => (prop in t ? t[prop] : inert()) }) as unknown as GatewayDeps;
  const app = createGatewayApp(deps);
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const full = `${prefix}${layer.route.path}`.replace(/\/+$/, "") || "/";
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== "_all") routes.push(`${method.toUpperCase()} ${full.replace(/:(\w+)/g, "{$1}")}`);
        }
      } else if (layer.handle.stack) {
        if (typeof layer.rawPath !== "string") throw new Error(`cannot name a router mounted at ${String(layer.rawPath)}`);
        walk(layer.handle.stack, layer.rawPath === "/" ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, "");
  return [...new Set(routes)].sort();
}

/** Served by Colyseus in front of the gateway (its matchmaking route), not by Express. */
const MATCHMAKE_ROUTE = `POST /${matchMaker.controller.matchmakeRoute}/{method}/{roomName}`;

const documentedRoutes = (): string[] =>
  Object.entries(doc.paths)
    .flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();

describe("docs/openapi.yaml", () => {
  test("is OpenAPI 3.1", () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  test("the gateway walk finds the routes (sanity check of the walker itself)", () => {
    expect(gatewayRoutes()).toEqual(expect.arrayContaining(["POST /auth/register", "GET /me", "DELETE /me", "GET /healthz"]));
  });

  test("documents every route the Express gateway registers", () => {
    const documented = new Set(documentedRoutes());
    expect(gatewayRoutes().filter((r) => !documented.has(r))).toEqual([]);
  });

  test("documents no route the gateway does not serve", () => {
    const served = new Set([...gatewayRoutes(), MATCHMAKE_ROUTE]);
    expect(documentedRoutes().filter((r) => !served.has(r))).toEqual([]);
  });

  test("documents Colyseus' matchmaking route: every method it exposes and every error status it answers", () => {
    expect(documentedRoutes()).toContain(MATCHMAKE_ROUTE);
    const operation = doc.paths["/matchmake/{method}/{roomName}"]!.post! as {
      "x-served-by": string;
      parameters: Array<{ name: string; schema: { enum?: string[] } }>;
      responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
    };
    // Marks it for tools that test the gateway's own contract (the input fuzz skips it).
    expect(operation["x-served-by"]).toBe("colyseus");
    expect(operation.parameters.find((p) => p.name === "method")?.schema.enum).toEqual(matchMaker.controller.exposedMethods);
    // Past the matchmake guard: 520 (no handler) and 521 (join's criteria) cannot happen, the
    // guard refuses those methods and rooms first (server/realtime/matchmake-guard.ts).
    const unreachable: number[] = [ColyseusErrorCode.MATCHMAKE_NO_HANDLER, ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA];
    const matchmakeStatuses = Object.entries(ColyseusErrorCode)
      .filter(([name]) => name.startsWith("MATCHMAKE_") || name === "AUTH_FAILED")
      .map(([, code]) => code)
      .filter((code) => !unreachable.includes(code));
    const errorStatuses = [MatchmakeErrorCode.ServerBusy, ...matchmakeStatuses].map(String).sort();
    const guardStatuses = ["400", "403", "404", "413", "415"];
    expect(Object.keys(operation.responses).sort()).toEqual(["200", ...guardStatuses, ...errorStatuses].sort());
    for (const status of guardStatuses) {
      expect([status, operation.responses[status]?.content?.["application/json"]?.schema.$ref]).toEqual([status, "#/components/schemas/ErrorBody"]);
    }
    for (const status of errorStatuses) {
      expect([status, operation.responses[status]?.content?.["application/json"]?.schema.$ref]).toEqual([status, "#/components/schemas/MatchmakeError"]);
    }
    const bodyCodes = (doc.components.schemas.MatchmakeError as unknown as { properties: { code: { enum: number[] } } }).properties.code.enum;
    expect(bodyCodes.map(String).sort()).toEqual(errorStatuses);
  });

  test("lists exactly the error codes of shared/codes.ts", () => {
    expect([...(doc.components.schemas.ErrorCode?.enum ?? [])].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  test("every operation documents its responses, and every $ref resolves", () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const m of METHODS) if (item[m]) expect([`${m} ${p}`, Object.keys(item[m]!.responses ?? {}).length > 0]).toEqual([`${m} ${p}`, true]);
    }
    const refs: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (k === "$ref" && typeof v === "string") refs.push(v);
          else collect(v);
        }
      }
    };
    collect(doc);
    const resolve = (ref: string): unknown =>
      ref
        .replace(/^#\//, "")
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
    expect(refs.filter((ref) => !ref.startsWith("#/") || resolve(ref) === undefined)).toEqual([]);
  });

  test("routes behind Bearer auth declare it", () => {
    const social = Object.entries(doc.paths)
      .filter(([p]) => /^\/(friends|blocks|notifications)(\/|$)/.test(p))
      .flatMap(([p, item]) => METHODS.filter((m) => item[m]).map((m) => `${m} ${p}`));
    expect(social.length).toBeGreaterThanOrEqual(11);
    for (const route of ["post /auth/logout-all", "get /me", "delete /me", ...social]) {
      const [method, p] = route.split(" ") as [string, string];
      expect(doc.paths[p]?.[method]?.security).toEqual([{ bearerAuth: [] }]);
    }
  });
});
