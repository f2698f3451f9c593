import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import fc from "fast-check";
import { parse } from "yaml";
import { z } from "zod";
import { Limits } from "../../shared/limits";
import { LobbyClientMessage, WsErrorMessageSchema } from "../../shared/schemas/lobby";
import { LobbyClientMessageSchemas } from "../../shared/schemas/lobby-client-messages";
import { registerAccount } from "../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../helpers/auth-server";
import { attempt, GENERAL, join, say } from "../helpers/chat";
import { arbitraryFor, nastyValue, urlPart, type FuzzMode, type Hints, type JsonSchema } from "../helpers/fuzz-arbitraries";
import { errorBody, request, type HttpResponse } from "../helpers/http";
import { captureLogs } from "../helpers/log-capture";
import { connect, leave, newAccount, type Connection } from "../helpers/presence";
import { roundTrip } from "../helpers/realtime";
import { ADMIN_TEST_ENV, operators } from "../integration/admin/admin-fixture";

/**
 * Property-based fuzzing of every operation in docs/openapi.yaml and every lobby client message
 * type: mostly valid requests with nasty leaves (U+0000, lone surrogates, broken percent-encoding,
 * wrong types, unknown keys), wrong or missing tokens, bodies that lie about their encoding. No
 * answer may be a 5xx, every 4xx is the error envelope, nothing is logged at error level, and the
 * process still serves HTTP and the lobby afterwards. The seed is fixed (FUZZ_SEED overrides it) so
 * a failure replays; fast-check prints the seed and the shrunk counterexample.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
/** Runs per HTTP operation and per lobby message type (FUZZ_RUNS raises them for a longer soak). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 15);

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  schema?: JsonSchema;
  $ref?: string;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { "application/json"?: { schema: JsonSchema } } };
  security?: Array<Record<string, unknown>>;
  "x-served-by"?: string;
}
interface OpenApi {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

const doc = parse(fs.readFileSync(path.resolve(__dirname, "../../docs/openapi.yaml"), "utf8")) as OpenApi;
const resolve = <T>(ref: string): T =>
  ref
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc) as T;

// Colyseus' matchmaking route answers its documented 52x statuses with its own {code, error} body by
// design (test/realtime/matchmake-errors.test.ts checks them): not the gateway's contract.
const operations = Object.entries(doc.paths)
  .flatMap(([route, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ name: `${m.toUpperCase()} ${route}`, method: m.toUpperCase(), route, op: item[m]! })),
  )
  .filter(({ op }) => op["x-served-by"] !== "colyseus");

type Caller = "player" | "operator" | "none" | "garbage";
const callerOf = (op: Operation): Caller => {
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  return schemes.includes("operatorAuth") ? "operator" : schemes.includes("bearerAuth") ? "player" : "none";
};

type Encoding = "identity" | "gzip" | "gzip-lie" | "br" | "br-lie" | "deflate-lie" | "zstd-lie" | "unknown";
const encode = (body: Buffer, encoding: Encoding): [Buffer, string | undefined] => {
  switch (encoding) {
    case "identity":
      return [body, undefined];
    case "gzip":
      return [zlib.gzipSync(body), "gzip"];
    case "br":
      return [zlib.brotliCompressSync(body), "br"];
    case "unknown":
      return [body, "x-compress"];
    default:
      return [body, encoding.replace("-lie", "")];
  }
};

interface FuzzRequest {
  pathValues: string[];
  query: Array<[string, string]>;
  body: Buffer | undefined;
  encoding: Encoding;
  contentType: string;
  caller: Caller;
}

/** One request to `op`, built as `mode` says (see FuzzMode); in `nul` mode every declared query parameter is sent. */
function requestFor(op: Operation, hints: Hints, mode: FuzzMode): fc.Arbitrary<FuzzRequest> {
  const params = (op.parameters ?? []).map((p) => (p.$ref ? resolve<Parameter>(p.$ref) : p));
  const valueOf = (p: Parameter) => urlPart(arbitraryFor(p.schema ?? {}, resolve, hints, mode), mode);
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const bodySchema = op.requestBody?.content["application/json"]?.schema;
  const json = (arb: fc.Arbitrary<unknown>) => arb.map((v) => Buffer.from(JSON.stringify(v) ?? "null"));
  const schemaBody = bodySchema ? json(arbitraryFor(bodySchema, resolve, hints, mode)) : fc.constant(undefined);
  const expected = callerOf(op);
  if (mode === "nul") {
    return fc.record({
      pathValues: fc.tuple(...pathParams.map(valueOf)),
      query: fc.tuple(...queryParams.map(valueOf)).map((values) => queryParams.map((p, i): [string, string] => [p.name, values[i]!])),
      body: schemaBody,
      encoding: fc.constant<Encoding>("identity"),
      contentType: fc.constant("application/json"),
      caller: fc.constant(expected),
    });
  }
  return fc.record({
    pathValues: fc.tuple(...pathParams.map(valueOf)),
    query: fc
      .tuple(
        fc.tuple(...queryParams.map((p) => fc.option(valueOf(p), { nil: undefined }))),
        fc.option(fc.tuple(urlPart(fc.string({ maxLength: 8 })), urlPart(nastyValue)), { nil: undefined }),
      )
      .map(([values, extra]) => [
        ...queryParams.flatMap((p, i): Array<[string, string]> => (values[i] === undefined ? [] : [[p.name, values[i]!]])),
        ...(extra ? [extra] : []),
      ]),
    body: fc.oneof(
      { arbitrary: schemaBody, weight: 8 },
      { arbitrary: json(nastyValue), weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), weight: 1 },
      { arbitrary: fc.string({ maxLength: 64 }).map((s) => Buffer.from(`{"${s}`)), weight: 1 },
    ),
    encoding: fc.constantFrom<Encoding>("identity", "identity", "identity", "identity", "gzip", "gzip-lie", "br", "br-lie", "deflate-lie", "zstd-lie", "unknown"),
    contentType: fc.constantFrom("application/json", "application/json", "application/json", "text/plain", "application/json; charset=utf-16", "application/json; charset=latin1"),
    caller: fc.oneof({ arbitrary: fc.constant(expected), weight: 6 }, { arbitrary: fc.constantFrom<Caller>("player", "operator", "none", "garbage"), weight: 2 }),
  });
}

const requestArbitrary = (op: Operation, hints: Hints): fc.Arbitrary<FuzzRequest> => fc.oneof(requestFor(op, hints, "nasty"), requestFor(op, hints, "nul"));

/** The lobby's client messages and the schema each is validated with (the table the server's handlers use). */
const LOBBY_MESSAGE_SCHEMAS: Record<string, z.ZodType> = LobbyClientMessageSchemas;

const logs = captureLogs("warn");
/** Log entries from `from` on at error level or carrying an error (a stack). */
const errorsLoggedSince = (from: number) =>
  logs
    .lines()
    .slice(from)
    .filter((l) => Number(l.level) >= 50 || "err" in l);

let t: AuthTestServer;
const tokens: Record<Caller, string | undefined> = { player: undefined, operator: undefined, none: undefined, garbage: "not.a.jwt" };
let hints: Hints;
/** One lobby connection per message type (each has its own flood window), and its pacer. */
const fuzzers = new Map<string, { conn: Connection; pace: () => Promise<void> }>();
let bystander: Connection;

beforeAll(async () => {
  process.stdout.write(`input fuzz: seed ${SEED}, ${RUNS} runs per operation and message type (FUZZ_SEED / FUZZ_RUNS to change)\n`);
  t = await startAuthServer({ ...ADMIN_TEST_ENV, CHAT_CHANNELS: "general,trade" }, { start: { logger: logs.logger } });
  tokens.player = (await registerAccount(t.api)).auth.accessToken;
  tokens.operator = (await operators(t)).moderator;
  const operatorId = ((await t.api.get("/admin/api/me", { token: tokens.operator })).body as { operator: { id: string } }).operator.id;
  bystander = await connect(await newAccount(t.url));
  for (const type of Object.keys(LOBBY_MESSAGE_SCHEMAS)) {
    const conn = await connect(await newAccount(t.url));
    const pace = pacer();
    await pace();
    await join(conn, GENERAL);
    fuzzers.set(type, { conn, pace });
  }
  await join(bystander, GENERAL);
  const message = await say(bystander, GENERAL, "something to report");
  // The bystander and the operator, never the fuzzing player: a ban of it would end its session.
  hints = { uuids: [bystander.account.id, operatorId], digits: [message.id] };
});
afterAll(async () => {
  await leave(bystander, ...[...fuzzers.values()].map((f) => f.conn));
  await t.close();
});

/**
 * Keeps one connection under the lobby's flood limit, which closes it with 4002: at most
 * Limits.wsMaxMessagesPerSecond messages in the second that starts with a message. Pacing, not
 * an assertion: with the default runs per type it never waits.
 */
function pacer(): () => Promise<void> {
  let windowStart = 0;
  let sent = 0;
  return async () => {
    const elapsed = Date.now() - windowStart;
    if (elapsed > 1200 || sent >= Limits.wsMaxMessagesPerSecond - 3) {
      if (elapsed <= 1200) await new Promise((resolve) => setTimeout(resolve, 1200 - elapsed));
      windowStart = Date.now();
      sent = 0;
    }
    sent += 1;
  };
}

function expectNoServerError(what: string, res: HttpResponse, logFrom: number): void {
  if (res.status >= 500) throw new Error(`${what} answered ${res.status}: ${res.text}`);
  if (res.status >= 400) errorBody(res); // throws unless the envelope
  const logged = errorsLoggedSince(logFrom);
  if (logged.length > 0) throw new Error(`${what} logged ${JSON.stringify(logged)}`);
}

describe("every operation in docs/openapi.yaml", () => {
  test("the spec lists the operations fuzzed below", () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
  });

  test.each(operations.map((o, i) => [o.name, o, i] as const))("%s: no 5xx, the error envelope on 4xx", async (_name, { method, route, op }, i) => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(op, hints), async (r) => {
        let at = 0;
        const url = route.replace(/\{\w+\}/g, () => r.pathValues[at++] ?? "");
        const query = r.query.map(([k, v]) => `${k}=${v}`).join("&");
        const [body, contentEncoding] = r.body === undefined ? [undefined, undefined] : encode(r.body, r.encoding);
        const headers: Record<string, string> = { "content-type": r.contentType, ...(contentEncoding ? { "content-encoding": contentEncoding } : {}) };
        const what = `${method} ${url}${query ? `?${query}` : ""} (${r.caller}, ${contentEncoding ?? "identity"})`;
        const from = logs.lines().length;
        const res = await request(t.url, method, `${url}${query ? `?${query}` : ""}`, { raw: body, token: tokens[r.caller], headers });
        expectNoServerError(what, res, from);
        // logout-all ended the fuzzing player's sessions: carry on with a new player.
        if (route === "/auth/logout-all" && r.caller === "player" && res.status < 300) tokens.player = (await registerAccount(t.api)).auth.accessToken;
      }),
      { seed: SEED + i, numRuns: RUNS },
    );
  });
});

describe("every lobby client message type", () => {
  test("the map covers every type of LobbyClientMessage", () => {
    expect(Object.keys(LOBBY_MESSAGE_SCHEMAS).sort()).toEqual(Object.values(LobbyClientMessage).sort());
  });

  const types = Object.entries(LOBBY_MESSAGE_SCHEMAS);
  test.each(types.map(([type, schema], i) => [type, schema, i] as const))("%s: refused with a client error, never internal_error", async (type, schema, i) => {
    const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const within = (ref: string) => ref.replace(/^#\/?/, "").split("/").filter(Boolean).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], jsonSchema) as JsonSchema;
    const payload = fc.oneof(
      { arbitrary: arbitraryFor(jsonSchema, within, hints, "nasty"), weight: 3 },
      { arbitrary: arbitraryFor(jsonSchema, within, hints, "nul"), weight: 3 },
      { arbitrary: nastyValue, weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(payload, async (message) => {
        const from = logs.lines().length;
        const { conn, pace } = fuzzers.get(type)!;
        await pace();
        const { errors } = await attempt(conn, type, message);
        for (const e of errors) {
          WsErrorMessageSchema.parse(e);
          if (e.code === "internal_error" || e.code === "service_unavailable") throw new Error(`${type} ${JSON.stringify(message)} → ${JSON.stringify(e)}`);
        }
        const logged = errorsLoggedSince(from);
        if (logged.length > 0) throw new Error(`${type} ${JSON.stringify(message)} logged ${JSON.stringify(logged)}`);
        expect(conn.room.connection.isOpen).toBe(true);
      }),
      { seed: SEED + 1000 + i, numRuns: RUNS },
    );
  });
});

test("the process is healthy afterwards: liveness, readiness, and the lobby serves old and new connections", async () => {
  expect((await t.api.get("/healthz")).status).toBe(200);
  expect((await t.api.get("/readyz")).status).toBe(200);
  for (const { conn, pace } of fuzzers.values()) {
    await pace();
    expect((await roundTrip(conn.room)).code).toBe("unknown_message");
  }
  const fresh = await connect(await newAccount(t.url));
  expect((await roundTrip(fresh.room)).code).toBe("unknown_message");
  expect((await join(fresh, GENERAL)).channelId).toBe(GENERAL);
  await leave(fresh);
  expect(errorsLoggedSince(0)).toEqual([]);
});
