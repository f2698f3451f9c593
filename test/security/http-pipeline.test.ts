import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import helmet from "helmet";
import { registerAccount, type TestAccount } from "../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../helpers/auth-server";
import { request, type HttpResponse } from "../helpers/http";
import { captureLogs } from "../helpers/log-capture";

/**
 * The gateway's request pipeline, observed through real requests: GET /healthz is answered
 * before the middleware stack yet looks exactly like the stack's answer; every route class
 * carries helmet's headers; the access log writes one line per request through the stack and
 * none for the liveness probe, which is still counted in the metrics.
 */

/** Headers that differ per response or per connection, whoever answers. */
const VOLATILE = new Set(["date", "connection", "keep-alive", "x-request-id"]);

/** The headers helmet() itself sets, taken from a real request to an app with helmet alone. */
async function helmetReference(): Promise<Record<string, string>> {
  const app = express();
  app.use(helmet());
  app.get("/", (_req, res) => void res.status(204).end());
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const res = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "GET", "/");
    return Object.fromEntries(Object.entries(res.headers).filter(([name]) => !VOLATILE.has(name))) as Record<string, string>;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const stable = (res: HttpResponse) => Object.fromEntries(Object.entries(res.headers).filter(([name]) => !VOLATILE.has(name)));

const logs = captureLogs("info");
let t: AuthTestServer;
let player: TestAccount;
let reference: Record<string, string>;

beforeAll(async () => {
  reference = await helmetReference();
  t = await startAuthServer({}, { start: { logger: logs.logger } });
  player = await registerAccount(t.api);
});
afterAll(() => t.close());

const metricSample = (text: string, labels: string): number | undefined => {
  const line = text.split("\n").find((l) => l.startsWith(`lobby_http_requests_total{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
};

test("the helmet reference is what the checks below compare against (helmet's defaults)", () => {
  expect(Object.keys(reference).length).toBeGreaterThanOrEqual(12);
  expect(reference).toMatchObject({ "x-content-type-options": "nosniff", "x-frame-options": "SAMEORIGIN" });
  expect(reference["content-security-policy"]).toContain("default-src 'self'");
  expect(reference["x-powered-by"]).toBeUndefined();
});

test("every route class carries exactly helmet's header values and no X-Powered-By", async () => {
  const tooLarge = JSON.stringify({ username: "someone", password: "x".repeat(20_000) });
  const responses: Array<[string, HttpResponse]> = [
    ["GET /healthz (before the stack)", await t.api.get("/healthz")],
    ["GET /healthz?x=1 (before the stack)", await t.api.get("/healthz?x=1")],
    ["HEAD /healthz (the stack)", await t.api.send("HEAD", "/healthz")],
    ["GET /healthz/ (the stack)", await t.api.get("/healthz/")],
    ["GET /readyz", await t.api.get("/readyz")],
    ["GET /metrics", await t.api.get("/metrics")],
    ["GET /me 200", await t.api.me(player.auth.accessToken)],
    ["GET /me 401", await t.api.me("garbage")],
    ["GET /nowhere 404", await t.api.get("/nowhere")],
    ["POST /auth/login 400 (malformed JSON)", await t.api.send("POST", "/auth/login", { raw: '{"username":' })],
    ["POST /auth/login 413", await t.api.send("POST", "/auth/login", { raw: tooLarge })],
  ];
  expect(responses.map(([, r]) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 401, 404, 400, 413]);
  for (const [what, res] of responses) {
    const helmetPart = Object.fromEntries(Object.keys(reference).map((name) => [name, res.headers[name]]));
    expect({ what, headers: helmetPart }).toEqual({ what, headers: reference });
    expect({ what, poweredBy: res.headers["x-powered-by"] }).toEqual({ what, poweredBy: undefined });
    expect({ what, requestId: typeof res.headers["x-request-id"] }).toEqual({ what, requestId: "string" });
  }
});

test("GET /healthz before the stack answers exactly what the stack's /healthz route answers", async () => {
  const fast = await t.api.get("/healthz");
  const viaStack = await t.api.get("/healthz/");
  expect(fast.status).toBe(200);
  expect(fast.text).toBe(viaStack.text);
  expect(fast.body).toEqual({ status: "ok" });
  expect(stable(fast)).toEqual(stable(viaStack));
  expect(fast.headers).toMatchObject({
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  for (const path of ["/readyz", "/metrics"]) expect((await t.api.get(path)).headers["cache-control"]).toBe("no-store");
});

test("GET /healthz keeps a well-formed X-Request-Id and replaces a malformed one, like every route", async () => {
  const kept = await t.api.get("/healthz", { headers: { "x-request-id": "probe-7.a_b" } });
  expect(kept.headers["x-request-id"]).toBe("probe-7.a_b");
  const replaced = await t.api.get("/healthz", { headers: { "x-request-id": "bad id <script>" } });
  expect(replaced.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const fresh = await Promise.all([t.api.get("/healthz"), t.api.get("/healthz")]);
  expect(fresh[0].headers["x-request-id"]).not.toBe(fresh[1].headers["x-request-id"]);
});

test("GET /healthz writes no access-log line but is counted; every request through the stack writes exactly one", async () => {
  const countHealthz = async () => metricSample((await t.api.get("/metrics")).text, 'method="GET",route="/healthz",status="200"') ?? 0;
  const healthzBefore = await countHealthz();
  const before = logs.lines().length;

  for (let i = 0; i < 5; i++) expect((await t.api.get("/healthz")).status).toBe(200);
  expect((await t.api.get("/healthz?probe=1")).status).toBe(200);
  const me = await t.api.me(player.auth.accessToken);
  const missing = await t.api.get("/nowhere");
  const ready = await t.api.get("/readyz");

  const access = logs
    .lines()
    .slice(before)
    .filter((l) => l.msg === "http request");
  expect(access.map((l) => [l.method, l.path, l.status])).toEqual([
    ["GET", "/me", 200],
    ["GET", "/nowhere", 404],
    ["GET", "/readyz", 200],
  ]);
  expect(access.map((l) => l.requestId)).toEqual([me, missing, ready].map((r) => r.headers["x-request-id"]));
  // The line's fields, exactly: nothing a request carries (headers, query, body) reaches it.
  for (const line of access) expect(Object.keys(line).sort()).toEqual(["level", "method", "ms", "msg", "path", "pid", "requestId", "status", "time"]);
  // Six probes answered before the stack, six counted (the /metrics reads are their own route).
  expect((await countHealthz()) - healthzBefore).toBe(6);
});
