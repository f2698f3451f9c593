import { authBody } from "../helpers/http";
import { startAuthServer, type AuthTestServer } from "../helpers/auth-server";
import { captureLogs } from "../helpers/log-capture";
import { uniqueUsername } from "../helpers/test-server";
import { checkUnhandledMessages } from "../helpers/protocol-check";

/**
 * The server's own pino logger at level "trace", writing to memory, while the test walks through
 * every flow that handles a secret. No password or token may appear in any log line.
 */
const logs = captureLogs("trace");
let t: AuthTestServer;
beforeAll(async () => {
  t = await startAuthServer({ LOG_LEVEL: "trace" }, { start: { logger: logs.logger } });
});
afterAll(() => t.close());

test("logs never contain passwords or tokens", async () => {
  const secrets: string[] = [];
  const keep = <T extends string>(s: T): T => (secrets.push(s), s);
  const username = uniqueUsername("Log");
  const password = keep("Correct-Horse-Battery-7731");

  const registered = authBody(await t.api.register(username, password), 201);
  const loggedIn = authBody(await t.api.login(username, password));
  await t.api.login(username, keep("Wrong-Guess-Password-5519"));
  await t.api.login(uniqueUsername("Nobody"), keep("Unknown-User-Password-8842"));
  const refreshed = authBody(await t.api.refresh(loggedIn.refreshToken));
  await t.api.refresh(loggedIn.refreshToken); // reuse: logged as a warning
  for (const a of [registered, loggedIn, refreshed]) secrets.push(a.accessToken, a.refreshToken);

  // Bad requests that carry secrets in the body, the query string and headers.
  await t.api.send("POST", "/auth/login", { raw: `{"username":"${username}","password":"${keep("Malformed-Json-Password-3307")}"` });
  await t.api.post("/auth/register", { username, password: keep("Extra-Key-Password-6620"), isAdmin: true });
  await t.api.post("/auth/login", { username, password: keep("Oversized-Body-Password-9144") + " ".repeat(20_000) });
  await t.api.get(`/me?access_token=${registered.accessToken}&password=${keep("Query-String-Password-1208")}`);
  await t.api.get("/nowhere", { token: registered.accessToken });
  await t.api.me(keep("forged.token-value.signature-part-4471"));
  await t.api.delete("/me", { password: keep("Delete-Confirm-Password-2290") }, { token: refreshed.accessToken });

  // The realtime join carries the access token in its query string.
  const client = t.client();
  await client.login({ username, password });
  secrets.push(client.accessToken, client.session!.refreshToken);
  const { room } = await client.joinLobby({}, checkUnhandledMessages);
  await room.leave();
  await client.logout();
  await t.api.post("/auth/logout-all", undefined, { token: refreshed.accessToken });

  const text = logs.text();
  if (process.env.SHOW_LOGS) console.log(text);
  // The capture is really wired to the server: every request above left a line.
  expect(logs.lines().filter((l) => l.msg === "http request").length).toBeGreaterThanOrEqual(15);
  expect(text).toContain(registered.account.id);
  // Access lines carry the full path (not the router-relative one) and never the query string.
  const access = logs.lines().filter((l) => l.msg === "http request");
  expect(access).toContainEqual(expect.objectContaining({ method: "POST", path: "/auth/register", status: 201 }));
  expect(access).toContainEqual(expect.objectContaining({ method: "GET", path: "/me", status: 401 }));
  for (const secret of secrets) expect({ secret, leaked: text.includes(secret) }).toEqual({ secret, leaked: false });
  // Nor the signature part of any JWT on its own.
  for (const jwt of secrets.filter((s) => s.split(".").length === 3)) expect(text).not.toContain(jwt.split(".")[2]!);
});

test("values under secret-named keys are redacted wherever the server logs them", () => {
  const before = logs.text().length;
  t.server.logger.info({ password: "p1-secret", refreshToken: "r1-secret", body: { password: "p2-secret", accessToken: "a2-secret" } }, "probe");
  const line = logs.text().slice(before);
  expect(line).toContain('"msg":"probe"');
  for (const s of ["p1-secret", "r1-secret", "p2-secret", "a2-secret"]) expect(line).not.toContain(s);
  expect(line).toContain("[redacted]");
});
