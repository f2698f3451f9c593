import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage, LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { GameLobbyUpdateMessage, GameLobbyView } from "../../../shared/schemas/game-lobby";
import { ok } from "../../helpers/factories";
import type { ChatDeletedMessage } from "../../../shared/schemas/chat";
import { ManualClock } from "../../../server/lib/clock";
import { registerAccount } from "../../helpers/accounts";
import { join, GENERAL } from "../../helpers/chat";
import { Api, errorBody, failure } from "../../helpers/http";
import { connect, leave, newAccount } from "../../helpers/presence";
import { joinAs, registeredClient, watchConnection } from "../../helpers/realtime";
import { startTestServer, GOOD_PASSWORD, type TestServer } from "../../helpers/test-server";
import { ADMIN_TEST_ENV, MODERATOR, operators, type Operators } from "./admin-fixture";
import { checkUnhandledMessages } from "../../helpers/protocol-check";

interface AuditItem {
  operator: { id: string; username: string };
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
}

async function auditFor(api: Api, token: string, targetId: string): Promise<AuditItem[]> {
  const res = await api.get("/admin/api/audit?limit=200", { token });
  expect(res.status).toBe(200);
  return (res.body as { items: AuditItem[] }).items.filter((i) => i.targetId === targetId);
}

describe("moderator actions on a live server", () => {
  let t: TestServer;
  let api: Api;
  let ops: Operators;

  beforeAll(async () => {
    t = await startTestServer({ ...ADMIN_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" });
    api = new Api(t.url);
    ops = await operators(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  test("ban closes live connections with 4103 within a second, revokes sessions, refuses login with the expiry; unban lifts it", async () => {
    const client = await registeredClient(t);
    const account = client.session!.account;
    const refreshToken = client.session!.refreshToken;
    const player = await joinAs(client);

    const started = Date.now();
    const res = await api.post(`/admin/api/players/${account.id}/ban`, { durationSeconds: 3600, reason: "cheating" }, { token: ops.moderator });
    expect(res.status).toBe(200);
    const expiresAt = (res.body as { expiresAt: string }).expiresAt;
    expect(await player.watch.left).toBe(CloseCode.Banned);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(player.room.reconnection.isReconnecting).toBe(false);

    const login = await api.login(account.username, GOOD_PASSWORD);
    expect(failure(login)).toEqual([403, "account_banned"]);
    expect(errorBody(login).details).toEqual({ expiresAt, permanent: false });
    expect(errorBody(login).message).toContain(expiresAt);
    expect(failure(await api.refresh(refreshToken))).toEqual([403, "account_banned"]);
    // The old access token's session is revoked.
    expect(failure(await api.me(client.accessToken))).toEqual([401, "invalid_token"]);

    const detail = await api.get(`/admin/api/players/${account.id}`, { token: ops.viewer });
    expect(detail.body).toMatchObject({ sanctions: [{ kind: "ban", reason: "cheating", expiresAt, revokedAt: null, by: { username: MODERATOR.username } }] });
    const listed = await api.get(`/admin/api/players?q=${account.username}`, { token: ops.viewer });
    expect(listed.body).toMatchObject({ items: [{ id: account.id, banned: true, online: false }] });

    expect(failure(await api.post(`/admin/api/players/${account.id}/unban`, {}, { token: ops.moderator }))).toEqual([400, "invalid_request"]);
    expect((await api.post(`/admin/api/players/${account.id}/unban`, { reason: "appeal accepted" }, { token: ops.moderator })).status).toBe(200);
    expect((await api.login(account.username, GOOD_PASSWORD)).status).toBe(200);

    const audit = await auditFor(api, ops.viewer, account.id);
    expect(audit.map((a) => [a.action, a.reason, a.operator.username, a.targetType])).toEqual([
      ["unban", "appeal accepted", MODERATOR.username, "account"],
      ["ban", "cheating", MODERATOR.username, "account"],
    ]);
  });

  test("a permanent ban says so", async () => {
    const player = await registerAccount(api);
    const res = await api.post(`/admin/api/players/${player.auth.account.id}/ban`, { durationSeconds: null, reason: "fraud" }, { token: ops.moderator });
    expect(res.body).toEqual({ ok: true, expiresAt: null });
    const login = await api.login(player.username, player.password);
    expect(failure(login)).toEqual([403, "account_banned"]);
    expect(errorBody(login).details).toEqual({ permanent: true });
  });

  test("kick closes live connections with 4104; the session stays and the player can rejoin", async () => {
    const client = await registeredClient(t);
    const player = await joinAs(client);
    const id = client.session!.account.id;
    expect((await api.post(`/admin/api/players/${id}/kick`, { reason: "afk spam" }, { token: ops.moderator })).status).toBe(200);
    expect(await player.watch.left).toBe(CloseCode.Kicked);
    expect(player.room.reconnection.isReconnecting).toBe(false);

    const again = await client.joinLobby({}, checkUnhandledMessages);
    const watch = watchConnection(again.room);
    expect(again.room.connection.isOpen).toBe(true);
    expect((await api.me(client.accessToken)).status).toBe(200);
    await again.room.leave();
    await watch.left;
    expect((await auditFor(api, ops.viewer, id)).map((a) => [a.action, a.reason])).toEqual([["kick", "afk spam"]]);
  });

  test("end-sessions signs the player out everywhere (tokens refused, connections closed 4101); a new login works; shown and audited", async () => {
    const client = await registeredClient(t);
    const player = await joinAs(client);
    const id = client.session!.account.id;
    const token = client.accessToken;
    const res = await api.post(`/admin/api/players/${id}/end-sessions`, { reason: "stolen session" }, { token: ops.moderator });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, ended: 1 });
    expect(await player.watch.left).toBe(CloseCode.SessionRevoked);
    expect(failure(await api.me(token))).toEqual([401, "invalid_token"]);
    expect((await api.login(client.session!.account.username, GOOD_PASSWORD)).status).toBe(200);
    const detail = (await api.get(`/admin/api/players/${id}`, { token: ops.viewer })).body as { account: { guest: boolean; email: string | null; emailVerified: boolean }; sessions: { revokedAt: string | null }[] };
    expect(detail.account).toMatchObject({ guest: false, email: null, emailVerified: false });
    expect(detail.sessions.filter((s) => s.revokedAt === null)).toHaveLength(1);
    expect((await auditFor(api, ops.viewer, id)).map((a) => [a.action, a.reason])).toEqual([["end_sessions", "stolen session"]]);
  });

  test("mute refuses chat with `muted` until it ends", async () => {
    const player = await registerAccount(api);
    const who = { accountId: player.auth.account.id, username: player.username, displayName: player.username };
    const res = await api.post(`/admin/api/players/${who.accountId}/mute`, { durationSeconds: 600, reason: "insults" }, { token: ops.moderator });
    expect(res.status).toBe(200);
    await expect(t.server.services.chat.send(who, GENERAL, "let me talk")).rejects.toMatchObject({ code: "muted" });
    expect(failure(await api.post(`/admin/api/players/${who.accountId}/mute`, { reason: "no duration" }, { token: ops.moderator }))).toEqual([400, "invalid_request"]);
    expect((await auditFor(api, ops.viewer, who.accountId)).map((a) => [a.action, a.reason])).toEqual([["mute", "insults"]]);
  });

  test("deleting a message removes it from the feed and tells connected clients; resolving a report", async () => {
    const author = await newAccount(t.url);
    const reader = await newAccount(t.url);
    const conn = await connect(reader);
    await join(conn, GENERAL);
    const chat = t.server.services.chat;
    const message = await chat.send({ accountId: author.id, username: author.username, displayName: author.username }, GENERAL, "buy gold at example dot com");
    await chat.report({ accountId: reader.id, username: reader.username, displayName: reader.username }, message.id, "spam", undefined);

    const feed = await api.get(`/admin/api/chat/feed?channelId=${GENERAL}&limit=10`, { token: ops.viewer });
    expect((feed.body as { messages: { id: string; reports: number }[] }).messages[0]).toMatchObject({ id: message.id, reports: 1 });
    const open = await api.get("/admin/api/reports?status=open", { token: ops.viewer });
    const report = (open.body as { items: { id: string; messageId: string }[] }).items.find((r) => r.messageId === message.id)!;
    expect(report).toBeDefined();

    const from = conn.log.mark;
    const deleted = conn.log.waitFor<ChatDeletedMessage>(LobbyServerMessage.ChatDeleted, (m) => m.id === message.id, from);
    expect((await api.post(`/admin/api/chat/messages/${message.id}/delete`, { reason: "advertising" }, { token: ops.moderator })).status).toBe(200);
    expect(await deleted).toMatchObject({ channelId: GENERAL, id: message.id });
    const after = await api.get(`/admin/api/chat/feed?channelId=${GENERAL}&limit=50`, { token: ops.viewer });
    expect((after.body as { messages: { id: string }[] }).messages.map((m) => m.id)).not.toContain(message.id);
    expect(failure(await api.post(`/admin/api/chat/messages/${message.id}/delete`, { reason: "again" }, { token: ops.moderator }))).toEqual([404, "message_not_found"]);

    expect((await api.post(`/admin/api/reports/${report.id}/resolve`, { reason: "message removed" }, { token: ops.moderator })).status).toBe(200);
    const resolved = await api.get("/admin/api/reports?status=resolved", { token: ops.viewer });
    expect((resolved.body as { items: { id: string; resolvedAt: string | null }[] }).items.find((r) => r.id === report.id)?.resolvedAt).toEqual(expect.any(String));

    expect((await auditFor(api, ops.viewer, message.id)).map((a) => [a.action, a.targetType, a.reason])).toEqual([["delete_message", "chat_message", "advertising"]]);
    expect((await auditFor(api, ops.viewer, report.id)).map((a) => [a.action, a.targetType, a.reason])).toEqual([["resolve_report", "chat_report", "message removed"]]);
    await leave(conn);
  });

  test("overview and rooms describe the live server", async () => {
    const conn = await connect(await newAccount(t.url));
    const overview = await api.get("/admin/api/overview", { token: ops.viewer });
    expect(overview.status).toBe(200);
    const body = overview.body as { playersOnline: number; connectionsByProcess: Record<string, number>; rooms: { lobby: number }; series: unknown[] };
    expect(body.playersOnline).toBeGreaterThanOrEqual(1);
    expect(Object.values(body.connectionsByProcess).reduce((a, b) => a + b, 0)).toBe(body.playersOnline);
    expect(body.rooms.lobby).toBeGreaterThanOrEqual(1);
    expect(body.series).toHaveLength(60);
    const rooms = await api.get("/admin/api/rooms", { token: ops.viewer });
    expect((rooms.body as { lobbies: { roomId: string }[] }).lobbies.map((l) => l.roomId)).toContain(conn.room.roomId);
    await leave(conn);
  });

  test("operators list every game lobby (private too) and close one: its players are told, the audit says who", async () => {
    const [hostAccount, guestAccount] = [await newAccount(t.url), await newAccount(t.url)];
    const [host, guest] = [await connect(hostAccount), await connect(guestAccount)];
    const lobby = await ok<GameLobbyView>(host, LobbyClientMessage.GameLobbyCreate, { name: "Secret scrim", mode: "duel", region: "eu", visibility: "private" });
    await ok(guest, LobbyClientMessage.GameLobbyJoin, { code: lobby.code });
    const listed = await api.get("/admin/api/lobbies", { token: ops.viewer });
    expect((listed.body as { items: { id: string; visibility: string; players: number }[] }).items.find((l) => l.id === lobby.id)).toMatchObject({ visibility: "private", players: 2 });

    const mark = guest.log.mark;
    const res = await api.post(`/admin/api/lobbies/${lobby.id}/close`, { reason: "offensive name" }, { token: ops.moderator });
    expect(res.status).toBe(200);
    const gone = await guest.log.waitFor<GameLobbyUpdateMessage>(LobbyServerMessage.GameLobbyUpdate, (u) => u.lobby === null, mark);
    expect(gone.reason).toBe("closed");
    expect(failure(await api.post(`/admin/api/lobbies/${lobby.id}/close`, { reason: "again" }, { token: ops.moderator }))).toEqual([404, "game_lobby_not_found"]);
    expect((await auditFor(api, ops.viewer, lobby.id)).map((a) => [a.action, a.targetType, a.reason])).toEqual([["close_game_lobby", "game_lobby", "offensive name"]]);
    await leave(host, guest);
  });

  test("a player token is refused on admin routes (403)", async () => {
    const player = await registerAccount(api);
    expect(failure(await api.get("/admin/api/me", { token: player.auth.accessToken }))).toEqual([403, "forbidden"]);
    expect(failure(await api.post(`/admin/api/players/${player.auth.account.id}/kick`, { reason: "x" }, { token: player.auth.accessToken }))).toEqual([
      403,
      "forbidden",
    ]);
  });
});

describe("a timed ban on a manual clock", () => {
  const clock = new ManualClock();
  let t: TestServer;
  let api: Api;
  let ops: Operators;

  beforeAll(async () => {
    t = await startTestServer(ADMIN_TEST_ENV, { clock });
    api = new Api(t.url);
    ops = await operators(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  test("refuses login until it expires, then lets the player in", async () => {
    const player = await registerAccount(api);
    const res = await api.post(`/admin/api/players/${player.auth.account.id}/ban`, { durationSeconds: 60, reason: "cool down" }, { token: ops.moderator });
    expect((res.body as { expiresAt: string }).expiresAt).toBe(new Date(clock.now() + 60_000).toISOString());
    clock.advance(59_000);
    expect(failure(await api.login(player.username, player.password))).toEqual([403, "account_banned"]);
    clock.advance(1_000);
    expect((await api.login(player.username, player.password)).status).toBe(200);
    const listed = await api.get(`/admin/api/players?q=${player.username}`, { token: ops.viewer });
    expect(listed.body).toMatchObject({ items: [{ banned: false }] });
  });
});
