import { registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { authBody, failure } from "../../helpers/http";
import { sql } from "../../helpers/sql";
import { startSmtpSink, textOf, tokenIn, type SmtpSink } from "../../helpers/smtp-sink";

// Recovery by email through a real SMTP server the test runs: an address verified by its mailed
// link, then a password reset that mails a single-use token and ends every session.
let smtp: SmtpSink;
let t: AuthTestServer;
beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startAuthServer({ SMTP_URL: smtp.url, EMAIL_LINK_BASE_URL: "https://game.example/account" });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const NEW_PASSWORD = "copper-lantern-77-delta";
let nextMail = 0;
const address = () => `Player${++nextMail}.${Date.now()}@Example.com`;

/** Sets and verifies an address for the account through the mailed link. */
async function verified(account: TestAccount): Promise<string> {
  const email = address();
  const from = smtp.mails.length;
  const res = await t.api.send("PUT", "/me/email", { token: account.auth.accessToken, json: { email } });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ pendingEmail: email.toLowerCase() });
  const mail = await smtp.next(email, from);
  expect(textOf(mail)).toContain("https://game.example/account/verify-email?token=");
  const ok = await t.api.post("/auth/email/verify", { token: tokenIn(mail) });
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ email: email.toLowerCase() });
  return email.toLowerCase();
}

test("an address is verified by its mailed link, once", async () => {
  const account = await registerAccount(t.api);
  const email = address();
  const from = smtp.mails.length;
  await t.api.send("PUT", "/me/email", { token: account.auth.accessToken, json: { email } });
  const token = tokenIn(await smtp.next(email, from));
  expect((await sql(t.db.url, "SELECT email, pending_email FROM accounts WHERE id = $1", [account.auth.account.id]))[0]).toEqual({ email: null, pending_email: email.toLowerCase() });
  expect((await t.api.post("/auth/email/verify", { token })).status).toBe(200);
  expect((await sql(t.db.url, "SELECT email, pending_email FROM accounts WHERE id = $1", [account.auth.account.id]))[0]).toEqual({ email: email.toLowerCase(), pending_email: null });
  expect(failure(await t.api.post("/auth/email/verify", { token }))).toEqual([400, "email_token_invalid"]);
  expect(failure(await t.api.post("/auth/email/verify", { token: "made-up" }))).toEqual([400, "email_token_invalid"]);
  // Tokens are stored only as hashes.
  expect(JSON.stringify(await sql(t.db.url, "SELECT * FROM email_tokens WHERE account_id = $1", [account.auth.account.id]))).not.toContain(token);
});

test("a password reset mails a single-use token to the verified address; confirming sets the password and ends every session", async () => {
  const account = await registerAccount(t.api);
  const email = await verified(account);
  const other = authBody(await t.api.login(account.username, account.password));
  const from = smtp.mails.length;
  const res = await t.api.post("/auth/password-reset", { email: email.toUpperCase() });
  expect(res.status).toBe(202);
  expect(res.text).toBe("");
  const mail = await smtp.next(email, from);
  expect(textOf(mail)).toContain("https://game.example/account/reset-password?token=");
  const token = tokenIn(mail);

  expect(failure(await t.api.post("/auth/password-reset/confirm", { token, newPassword: "password1" }))).toEqual([400, "weak_password"]);
  expect((await t.api.post("/auth/password-reset/confirm", { token, newPassword: NEW_PASSWORD })).status).toBe(204);
  for (const s of [account.auth, other]) {
    expect(failure(await t.api.me(s.accessToken))).toEqual([401, "invalid_token"]);
    expect(failure(await t.api.refresh(s.refreshToken))).toEqual([401, "invalid_refresh_token"]);
  }
  expect(failure(await t.api.login(account.username, account.password))).toEqual([401, "invalid_credentials"]);
  authBody(await t.api.login(account.username, NEW_PASSWORD));
  expect(failure(await t.api.post("/auth/password-reset/confirm", { token, newPassword: "another-one-88-zulu" }))).toEqual([400, "email_token_invalid"]);
});

test("no enumeration: an unknown, an unverified and a known address all answer 202 with no body; only the verified one gets mail", async () => {
  const account = await registerAccount(t.api);
  const email = await verified(account);
  const unverifiedOwner = await registerAccount(t.api);
  const unverified = address();
  await t.api.send("PUT", "/me/email", { token: unverifiedOwner.auth.accessToken, json: { email: unverified } });
  const from = smtp.mails.length;
  const answers = [];
  for (const e of [address(), unverified, email]) {
    const res = await t.api.post("/auth/password-reset", { email: e });
    answers.push([res.status, res.text, res.headers["content-type"] ?? null]);
  }
  expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  expect(answers[0]![0]).toBe(202);
  await smtp.next(email, from);
  // The verify mail of `unverified` came before `from`: nothing else went out.
  expect(smtp.mails.slice(from).map((m) => m.to)).toEqual([[email]]);
});

test("an address another account verified first cannot be verified again: 409 email_taken", async () => {
  const [a, b] = [await registerAccount(t.api), await registerAccount(t.api)];
  const email = address();
  let from = smtp.mails.length;
  await t.api.send("PUT", "/me/email", { token: b.auth.accessToken, json: { email } });
  const bToken = tokenIn(await smtp.next(email, from));
  from = smtp.mails.length;
  await t.api.send("PUT", "/me/email", { token: a.auth.accessToken, json: { email } });
  const aToken = tokenIn(await smtp.next(email, from));
  expect((await t.api.post("/auth/email/verify", { token: aToken })).status).toBe(200);
  expect(failure(await t.api.post("/auth/email/verify", { token: bToken }))).toEqual([409, "email_taken"]);
});

test("bad input: a malformed address or a missing token is 400 invalid_request", async () => {
  const account = await registerAccount(t.api);
  expect(failure(await t.api.send("PUT", "/me/email", { token: account.auth.accessToken, json: { email: "not-an-address" } }))).toEqual([400, "invalid_request"]);
  expect(failure(await t.api.post("/auth/password-reset", { email: "nope" }))).toEqual([400, "invalid_request"]);
  expect(failure(await t.api.post("/auth/password-reset/confirm", { newPassword: NEW_PASSWORD }))).toEqual([400, "invalid_request"]);
});
