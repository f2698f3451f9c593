import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { ManualClock } from "../../server/lib/clock";
import { registerAccount, type TestAccount } from "../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../helpers/auth-server";
import { claimsOf, tamperedToken, unsignedToken, wrongSecret } from "../helpers/forged-tokens";
import { errorBody, failure, type HttpResponse } from "../helpers/http";

/**
 * Access tokens on HTTP routes: only an HS256 JWT signed with the server's key, for this issuer and
 * audience, of type "access", unexpired, of a live session works. Forged tokens are built here with
 * jsonwebtoken (the server's secret is known to the test, so each claim check is reached on its own).
 */
const clock = new ManualClock();
let t: AuthTestServer;
let alice: TestAccount;
let bob: TestAccount;
let secret: string;

beforeAll(async () => {
  t = await startAuthServer({}, { clock });
  secret = t.env.JWT_SECRET!;
  alice = await registerAccount(t.api);
  bob = await registerAccount(t.api);
});
afterAll(() => t.close());

/** Alice's real claims with some changed (undefined removes a claim), signed with the server's key. */
const aliceWith = (changes: Record<string, unknown>, opts: { key?: string; algorithm?: jwt.Algorithm } = {}) => {
  const claims: Record<string, unknown> = { ...claimsOf(alice.auth.accessToken), ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete claims[k];
  // jsonwebtoken keeps a given iat; noTimestamp only when the test removes it.
  return jwt.sign(claims, opts.key ?? secret, { algorithm: opts.algorithm ?? "HS256", noTimestamp: !("iat" in claims) });
};

function expectRefused(res: HttpResponse, code: "invalid_token" | "token_expired"): void {
  expect(failure(res)).toEqual([401, code]);
  expect(res.headers["www-authenticate"]).toBe('Bearer realm="lobby", error="invalid_token"');
}

test("control: alice's real token and a re-signed copy of its claims are accepted", async () => {
  expect((await t.api.me(alice.auth.accessToken)).status).toBe(200);
  expect((await t.api.me(aliceWith({}))).status).toBe(200);
});

const forgeries: Array<[string, () => string]> = [
  ["alg none", () => unsignedToken(claimsOf(alice.auth.accessToken))],
  ["alg none, uppercase", () => unsignedToken(claimsOf(alice.auth.accessToken)).replace(/^[^.]+/, Buffer.from('{"alg":"NONE","typ":"JWT"}').toString("base64url"))],
  ["alg none with the real signature kept", () => {
    const [, payload, signature] = alice.auth.accessToken.split(".");
    return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.${signature}`;
  }],
  ["a wrong key", () => aliceWith({}, { key: wrongSecret() })],
  ["another algorithm with the right key (HS512)", () => aliceWith({}, { algorithm: "HS512" })],
  ["a tampered payload (sub switched to bob)", () => tamperedToken(alice.auth.accessToken, { ...claimsOf(alice.auth.accessToken), sub: bob.auth.account.id })],
  ["a tampered payload (exp pushed out)", () => tamperedToken(alice.auth.accessToken, { ...claimsOf(alice.auth.accessToken), exp: 4102444800 })],
  ["a wrong audience", () => aliceWith({ aud: "admin-console" })],
  ["no audience", () => aliceWith({ aud: undefined })],
  ["a wrong issuer", () => aliceWith({ iss: "someone-else" })],
  ["no issuer", () => aliceWith({ iss: undefined })],
  ["no typ", () => aliceWith({ typ: undefined })],
  ["typ refresh", () => aliceWith({ typ: "refresh" })],
  ["typ operator", () => aliceWith({ typ: "operator" })],
  ["no exp", () => aliceWith({ exp: undefined })],
  ["no iat", () => aliceWith({ iat: undefined })],
  ["a session of another account (validly signed)", () => aliceWith({ sub: bob.auth.account.id })],
  ["a session that does not exist (validly signed)", () => aliceWith({ sid: crypto.randomUUID() })],
  ["a refresh token used as Bearer", () => alice.auth.refreshToken],
  ["garbage", () => "garbage"],
  ["three garbage segments", () => "a.b.c"],
  ["characters no token has", () => "<script>alert(1)</script>"],
  ["a token with spaces", () => "eyJ hbGc iOi"],
  ["a very long token", () => "x".repeat(8000)],
];

test.each(forgeries)("a token with %s is 401 invalid_token", async (_what, forge) => {
  expectRefused(await t.api.me(forge()), "invalid_token");
});

test("a non-Bearer Authorization header is 401 unauthorized (no token given)", async () => {
  for (const header of ["Basic YWxpY2U6c2VjcmV0", alice.auth.accessToken, "Token abc"]) {
    const res = await t.api.get("/me", { headers: { authorization: header } });
    expect(failure(res)).toEqual([401, "unauthorized"]);
  }
});

test("the Bearer scheme is case-insensitive (RFC 7235)", async () => {
  const res = await t.api.get("/me", { headers: { authorization: `bearer ${alice.auth.accessToken}` } });
  expect(res.status).toBe(200);
});

test("expiry: a validly signed token past exp is 401 token_expired, with its own message", async () => {
  const forgedExpired = aliceWith({ exp: Math.floor(clock.now() / 1000) - 1 });
  expectRefused(await t.api.me(forgedExpired), "token_expired");

  const fresh = await registerAccount(t.api);
  clock.advance(899 * 1000);
  expect((await t.api.me(fresh.auth.accessToken)).status).toBe(200);
  clock.advance(2 * 1000);
  const expired = await t.api.me(fresh.auth.accessToken);
  expectRefused(expired, "token_expired");
  expect(errorBody(expired).message).not.toBe(errorBody(await t.api.me("garbage")).message);
});
