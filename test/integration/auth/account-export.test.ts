import { AccountExportSchema, type AccountExport } from "../../../shared/schemas/account-export";
import { registerAccount, type TestAccount } from "../../helpers/accounts";
import { startAuthServer, type AuthTestServer } from "../../helpers/auth-server";
import { failure } from "../../helpers/http";
import { insertMatch, outcome, setRating } from "../../helpers/matches";

// GET /me/export: what a data-protection request gets back, and only the caller's.
const EXPORTS_PER_HOUR = 2;
let t: AuthTestServer;
beforeAll(async () => {
  t = await startAuthServer({ ACCOUNT_EXPORTS_PER_HOUR: String(EXPORTS_PER_HOUR) });
});
afterAll(() => t.close());

const exportOf = async (a: TestAccount): Promise<AccountExport> => {
  const res = await t.api.get("/me/export", { token: a.auth.accessToken });
  expect(res.status).toBe(200);
  expect(res.headers["content-disposition"]).toBe('attachment; filename="account-export.json"');
  expect(res.headers["cache-control"]).toBe("no-store");
  return AccountExportSchema.strict().parse(res.body);
};
const post = (a: TestAccount, path: string, json?: unknown) => t.api.post(path, json, { token: a.auth.accessToken });

test("holds the account's settings, sessions, friends, blocks, requests, notifications, sent messages, matches and ratings", async () => {
  const [me, friend, blocked, asker, stranger] = [await registerAccount(t.api), await registerAccount(t.api), await registerAccount(t.api), await registerAccount(t.api), await registerAccount(t.api)];
  await post(me, "/friends/requests", { username: friend.username });
  await post(friend, `/friends/requests/${me.auth.account.id}/accept`);
  expect((await post(me, "/blocks", { accountId: blocked.auth.account.id })).status).toBeLessThan(300);
  await post(asker, "/friends/requests", { username: me.username });
  await post(me, "/friends/requests", { username: stranger.username });
  await t.api.send("PATCH", "/me/settings", { token: me.auth.accessToken, json: { joinPolicy: "nobody" } });
  const prisma = t.server.db.prisma;
  await setRating(prisma, me.auth.account.id, { mu: 28, sigma: 6, games: 3 });
  const matchId = await insertMatch(prisma, { teams: [[me.auth.account.id], [stranger.auth.account.id]] });
  await t.server.services.ratings.recordResult(matchId, outcome(0));
  const channel = await prisma.chatChannel.create({ data: { id: `dm:${me.auth.account.id}:${friend.auth.account.id}`, kind: "DM", createdAt: new Date() } });
  await prisma.chatMessage.create({ data: { channelId: channel.id, seq: 1n, senderId: me.auth.account.id, body: "mine", createdAt: new Date() } });
  await prisma.chatMessage.create({ data: { channelId: channel.id, seq: 2n, senderId: friend.auth.account.id, body: "theirs", createdAt: new Date() } });

  const x = await exportOf(me);
  expect(x.account).toMatchObject({ id: me.auth.account.id, username: me.username, guest: false, settings: { joinPolicy: "nobody", allowDirectMessagesFrom: "friends" } });
  expect(x.sessions.map((s) => s.id)).toHaveLength(1);
  expect(x.friends.map((f) => f.accountId)).toEqual([friend.auth.account.id]);
  expect(x.blocks.map((f) => f.accountId)).toEqual([blocked.auth.account.id]);
  expect(x.friendRequests.outgoing.map((f) => f.username)).toEqual([stranger.username]);
  expect(x.friendRequests.incoming.map((f) => f.username)).toEqual([asker.username]);
  expect(x.notifications.map((n) => n.type)).toEqual(expect.arrayContaining(["friend_accepted", "friend_request"]));
  expect(x.messages.map((m) => m.body)).toEqual(["mine"]);
  expect(x.matches).toEqual([expect.objectContaining({ matchId, team: 0, won: true, status: "finished", backfillFor: null, leftAt: null })]);
  expect(x.ratings.map((r) => r.mode)).toEqual(["duel"]);
  expect(x.party).toBeNull();
  expect(x.truncated).toEqual([]);

  // The blocked player's own export shows nothing of the block: it is not theirs.
  const theirs = await exportOf(blocked);
  expect(theirs.blocks).toEqual([]);
  expect(theirs.friends).toEqual([]);
  expect(JSON.stringify(theirs)).not.toContain(me.auth.account.id);
});

test(`is limited to ACCOUNT_EXPORTS_PER_HOUR (${EXPORTS_PER_HOUR}) per account; another account is unaffected; no token is 401`, async () => {
  const [a, b] = [await registerAccount(t.api), await registerAccount(t.api)];
  for (let i = 0; i < EXPORTS_PER_HOUR; i++) await exportOf(a);
  expect(failure(await t.api.get("/me/export", { token: a.auth.accessToken }))).toEqual([429, "rate_limited"]);
  await exportOf(b);
  expect(failure(await t.api.get("/me/export"))).toEqual([401, "unauthorized"]);
});
