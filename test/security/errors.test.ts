import { registerAccount } from "../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../helpers/auth-server";
import { Api, errorBody, failure, type HttpResponse } from "../helpers/http";
import { startStubGateway } from "../helpers/stub-gateway";

const BODY_LIMIT = 16 * 1024;

/** The envelope, its requestId echoed in X-Request-Id, and no stray keys. */
function expectEnvelope(res: HttpResponse): void {
  const error = errorBody(res); // strict: exactly {error:{code,message,requestId[,fields][,retryAfterSeconds]}}
  expect(error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  expect(error.message.length).toBeGreaterThan(0);
  expect(res.headers["x-request-id"]).toBe(error.requestId);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
}

describe("error responses of the real server", () => {
  let t: AuthTestServer;
  beforeAll(async () => {
    t = await startAuthServer();
  });
  afterAll(() => t.close());

  test(`a body over ${BODY_LIMIT} bytes is 413 payload_too_large; just under the limit is read`, async () => {
    const overhead = JSON.stringify({ username: "someone", password: "" }).length;
    const bodyOf = (bytes: number) => JSON.stringify({ username: "someone", password: "x".repeat(bytes - overhead) });
    expect(Buffer.byteLength(bodyOf(BODY_LIMIT + 1))).toBe(BODY_LIMIT + 1);
    const over = await t.api.send("POST", "/auth/login", { raw: bodyOf(BODY_LIMIT + 1) });
    expect(failure(over)).toEqual([413, "payload_too_large"]);
    expectEnvelope(over);
    const atLimit = await t.api.send("POST", "/auth/login", { raw: bodyOf(BODY_LIMIT) });
    expect(failure(atLimit)).toEqual([400, "invalid_request"]); // read, then refused by the schema (password too long)
  });

  test.each([
    ["malformed JSON", '{"username": "a", "password": '],
    ["a bare null", "null"],
    ["a JSON array", '[{"username":"a","password":"b"}]'],
    ["a JSON string", '"hello"'],
  ])("%s is 400 invalid_request", async (_what, raw) => {
    const res = await t.api.send("POST", "/auth/login", { raw });
    expect(failure(res)).toEqual([400, "invalid_request"]);
    expectEnvelope(res);
  });

  test("an unknown route or method is 404 not_found in the JSON envelope", async () => {
    for (const [method, path] of [["GET", "/nope"], ["GET", "/auth/login"], ["PUT", "/me"], ["POST", "/admin/../etc/passwd"]] as const) {
      const res = await t.api.send(method, path);
      expect(failure(res)).toEqual([404, "not_found"]);
      expectEnvelope(res);
    }
  });

  test("every error (400, 401, 404, 409, 413) uses the envelope and echoes its requestId", async () => {
    const taken = await registerAccount(t.api);
    const responses = [
      await t.api.post("/auth/register", { username: "!" }),
      await t.api.login("nobody_here", "whatever-password"),
      await t.api.me("garbage"),
      await t.api.get("/missing"),
      await t.api.register(taken.username, taken.password),
      await t.api.send("POST", "/auth/register", { raw: "x".repeat(BODY_LIMIT + 10) }),
    ];
    expect(responses.map((r) => r.status)).toEqual([400, 401, 401, 404, 409, 413]);
    responses.forEach(expectEnvelope);
    expect(new Set(responses.map((r) => errorBody(r).requestId)).size).toBe(responses.length);
  });

  test("a well-formed caller X-Request-Id is kept; a malformed one is replaced", async () => {
    const kept = await t.api.get("/missing", { headers: { "x-request-id": "client-trace_42.a" } });
    expect(errorBody(kept).requestId).toBe("client-trace_42.a");
    expect(kept.headers["x-request-id"]).toBe("client-trace_42.a");

    const replaced = await t.api.get("/missing", { headers: { "x-request-id": "bad id\t<script>" } });
    expect(errorBody(replaced).requestId).not.toContain("script");
    expect(replaced.headers["x-request-id"]).toBe(errorBody(replaced).requestId);
  });

  test("security headers (helmet) are set on success and error responses alike", async () => {
    for (const res of [await t.api.get("/healthz"), await t.api.get("/missing"), await t.api.me("garbage")]) {
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["x-powered-by"]).toBeUndefined();
    }
  });
});

describe("an unexpected exception", () => {
  const LEAK = 'relation "accounts" does not exist: SELECT "password_hash" FROM "accounts" WHERE "username_key" = $1';

  test("is a generic 500 internal_error that leaks no stack, SQL or library message, and is logged", async () => {
    const gateway = await startStubGateway({
      auth: {
        login: async () => {
          throw new Error(LEAK);
        },
      },
    });
    try {
      const res = await new Api(gateway.url).login("someone", "whatever-password");
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: "internal_error", message: "Internal server error.", requestId: expect.any(String) } });
      expectEnvelope(res);
      for (const secret of ["SELECT", "password_hash", "accounts", "relation", "Error", "at ", ".ts"]) expect(res.text).not.toContain(secret);

      // The operator still gets the details, tied to the same request id.
      const logged = gateway.logs.lines().find((l) => l.msg === "unhandled error");
      expect(logged).toMatchObject({ requestId: errorBody(res).requestId, err: { message: LEAK } });
    } finally {
      await gateway.close();
    }
  });

  test("a thrown non-Error value is a generic 500 as well", async () => {
    const gateway = await startStubGateway({
      auth: {
        login: () => Promise.reject({ sql: "DELETE FROM accounts", detail: "internal" }),
      },
    });
    try {
      const res = await new Api(gateway.url).login("someone", "whatever-password");
      expect(failure(res)).toEqual([500, "internal_error"]);
      expect(res.text).not.toContain("DELETE");
    } finally {
      await gateway.close();
    }
  });
});
