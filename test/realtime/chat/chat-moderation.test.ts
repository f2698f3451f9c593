import type { ChatHistoryResponse, ChatMessage } from "../../../shared/schemas/chat";
import { ErrorCode } from "../../../shared/codes";
import { LobbyClientMessage, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { attempt, CHAT_TEST_ENV, deletedNotice, dm, GENERAL, join, receivedSeq, refused, say, seqs, texts, TRADE } from "../../helpers/chat";
import { newPlayers } from "../../helpers/factories";
import { befriend, connect, leave, newAccount, type Connection } from "../../helpers/presence";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// Reports from players (distinct reporters counted) and operator deletion (ChatService.deleteMessage).
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer(CHAT_TEST_ENV);
});
afterAll(() => t.close());

type ReportResult = { reports: number; created: boolean };
const report = (c: Connection, messageId: string, reason = "harassment", note?: string) =>
  attempt<ReportResult>(c, LobbyClientMessage.ChatReport, { messageId, reason, ...(note ? { note } : {}) });

async function members(n: number, channelId: string): Promise<Connection[]> {
  const accounts = await newPlayers(t.url, n);
  const conns: Connection[] = [];
  for (const a of accounts) conns.push(await connect(a));
  for (const c of conns) await join(c, channelId);
  return conns;
}

test("reports from distinct players are stored and counted; a second report by the same player is not", async () => {
  const [author, r1, r2] = await members(3, GENERAL);
  const message = await say(author!, GENERAL, "you are all terrible");
  await receivedSeq(r2!, GENERAL, message.seq);

  expect((await report(r1!, message.id, "harassment", "he does this daily")).reply).toEqual({ reports: 1, created: true });
  expect((await report(r2!, message.id, "spam")).reply).toEqual({ reports: 2, created: true });
  expect((await report(r1!, message.id, "hate")).reply).toEqual({ reports: 2, created: false });

  const stored = await t.server.db.prisma.chatReport.findMany({ where: { messageId: BigInt(message.id) }, orderBy: { createdAt: "asc" } });
  expect(stored.map((r) => [r.reporterId, r.reason, r.note])).toEqual(
    expect.arrayContaining([
      [r1!.account.id, "harassment", "he does this daily"],
      [r2!.account.id, "spam", null],
    ]),
  );
  expect(stored).toHaveLength(2);
  await leave(author!, r1!, r2!);
});

test("reporting your own message, an unknown message, or someone else's DM is refused", async () => {
  const [author, other] = await members(2, GENERAL);
  const mine = await say(author!, GENERAL, "my own words");
  expect(refused(await report(author!, mine.id)).code).toBe(ErrorCode.CannotReportOwnMessage);
  for (const id of ["999999999", "9999999999999999999"]) expect(refused(await report(other!, id)).code).toBe(ErrorCode.MessageNotFound);
  expect(refused(await report(other!, "not-a-number")).code).toBe(ErrorCode.InvalidMessage);

  // A DM can be reported by its recipient; to anyone else it does not exist.
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  const whisper = await dm(ca, b, "send me your password");
  expect((await report(cb, whisper.id, "other")).reply).toEqual({ reports: 1, created: true });
  expect(refused(await report(other!, whisper.id)).code).toBe(ErrorCode.MessageNotFound);
  expect(await t.server.db.prisma.chatReport.count({ where: { messageId: BigInt(whisper.id) } })).toBe(1);
  await leave(author!, other!, ca, cb);
});

test("an operator deletion reaches connected members as chat.deleted and removes the message from join and HTTP history", async () => {
  const conns = await members(3, TRADE);
  const [author, reader] = conns;
  const sent: ChatMessage[] = [];
  for (const text of ["wts sword", "scam link here", "wtb shield"]) sent.push(await say(author!, TRADE, text));
  await Promise.all(conns.map((c) => receivedSeq(c, TRADE, sent[2]!.seq)));

  const target = sent[1]!;
  await t.server.services.chat.deleteMessage(target.id, null, "scam");
  for (const c of conns) expect(await deletedNotice(c, target.id)).toEqual({ channelId: TRADE, id: target.id, seq: target.seq });
  // Deleting again changes nothing and tells no one twice.
  await t.server.services.chat.deleteMessage(target.id, null, "scam").catch(() => undefined);
  const after = await say(author!, TRADE, "marker");
  await receivedSeq(reader!, TRADE, after.seq);
  expect(reader!.log.of(LobbyServerMessage.ChatDeleted)).toHaveLength(1);

  const newcomer = await connect(reader!.account);
  expect(texts((await join(newcomer, TRADE)).messages)).toEqual(["wts sword", "wtb shield", "marker"]);
  const page = await reader!.account.client.http.request<ChatHistoryResponse>("GET", `/chat/channels/${TRADE}/messages?limit=10`, {
    accessToken: reader!.account.client.accessToken,
  });
  expect(texts(page.messages)).toEqual(["marker", "wtb shield", "wts sword"]);
  expect(seqs(page.messages)).not.toContain(target.seq);
  // A deleted message can no longer be reported.
  expect(refused(await report(reader!, target.id)).code).toBe(ErrorCode.MessageNotFound);
  const row = await t.server.db.prisma.chatMessage.findUniqueOrThrow({ where: { id: BigInt(target.id) } });
  expect(row).toMatchObject({ deleteReason: "scam", deletedBy: null });
  expect(row.deletedAt).toBeInstanceOf(Date);
  await leave(...conns, newcomer);
});

test("a deleted DM is removed for both participants' connections", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  const whisper = await dm(ca, b, "something regrettable");
  await receivedSeq(cb, whisper.channelId, whisper.seq);
  await t.server.services.chat.deleteMessage(whisper.id, null, "reported");
  for (const c of [ca, cb]) expect(await deletedNotice(c, whisper.id)).toEqual({ channelId: whisper.channelId, id: whisper.id, seq: whisper.seq });
  const history = await b.client.http.request<ChatHistoryResponse>("GET", `/chat/channels/${whisper.channelId}/messages`, { accessToken: b.client.accessToken });
  expect(history.messages).toEqual([]);
  await leave(ca, cb);
});
