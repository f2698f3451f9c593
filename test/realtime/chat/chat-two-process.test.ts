import { matchMaker } from "@colyseus/core";
import { accountChannel } from "../../../server/backplane/presence-account-event-bus";
import type { AccountEvent } from "../../../server/modules/events/account-events";
import { ChatRepo } from "../../../server/modules/chat/chat.repo";
import { toWire } from "../../../server/modules/chat/chat-wire";
import { dmChannelId, type ChatMessage } from "../../../shared/schemas/chat";
import type { ChildServer } from "../../helpers/child-server";
import { CHAT_TEST_ENV, deletedNotice, dm, GENERAL, join, range, received, receivedSeq, say, seqs, texts } from "../../helpers/chat";
import { createLobbyOn } from "../../helpers/placement";
import { newPlayers } from "../../helpers/factories";
import { befriend, connect, leave, type Account, type Connection } from "../../helpers/presence";
import type { TestServer } from "../../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../../helpers/two-processes";

// Two server processes (this one, "p1", and a child, "p2") share PostgreSQL and Redis: channel
// messages and DMs cross between them exactly once and in order.
let t: TestServer;
let child: ChildServer;
let childProcessId: string;
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...CHAT_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600", LOBBY_RECONNECT_SECONDS: "0" });
  ({ t, child, childProcessId } = procs);
}, 60_000);
afterAll(() => procs?.close());

type Side = "p1" | "p2";
const urlOf = (side: Side) => (side === "p1" ? t.url : child.url);
const roomOn = (side: Side) => (side === "p1" ? createLobbyOn() : createLobbyOn(childProcessId));

/** `n` players connected into one lobby instance on `side`. */
async function playersOn(side: Side, n: number): Promise<Connection[]> {
  const roomId = await roomOn(side);
  const accounts = await newPlayers(urlOf(side), n);
  const conns = await Promise.all(accounts.map((a) => connect(a, { roomId })));
  for (const c of conns) expect(Boolean(matchMaker.getLocalRoomById(c.room.roomId))).toBe(side === "p1");
  return conns;
}

test("a public channel with members on both processes: everyone gets every message once, in one order", async () => {
  const [onP1, onP2] = await Promise.all([playersOn("p1", 4), playersOn("p2", 4)]);
  const everyone = [...onP1, ...onP2];
  for (const c of everyone) await join(c, GENERAL);
  const senders = [onP1[0]!, onP1[1]!, onP2[0]!, onP2[1]!];
  const sent = (
    await Promise.all(
      senders.map(async (s, i) => {
        const mine: ChatMessage[] = [];
        for (let k = 0; k < 8; k += 1) mine.push(await say(s, GENERAL, `sender ${i} #${k}`));
        return mine;
      }),
    )
  ).flat();
  const last = Math.max(...seqs(sent));
  await Promise.all(everyone.map((c) => receivedSeq(c, GENERAL, last)));

  const reference = received(onP1[2]!, GENERAL);
  expect(seqs(reference)).toEqual(range(last - 31, last));
  expect(reference).toEqual([...sent].sort((a, b) => a.seq - b.seq));
  for (const c of everyone) expect(received(c, GENERAL)).toEqual(reference);

  // An operator deletion on one process reaches members on both.
  await t.server.services.chat.deleteMessage(sent[0]!.id, null, "test");
  for (const c of everyone) await deletedNotice(c, sent[0]!.id);
  await leave(...everyone);
});

test("a DM pair across processes, both writing at once: each side gets all messages once, in order", async () => {
  const [[ca], [cb]] = await Promise.all([playersOn("p1", 1), playersOn("p2", 1)]);
  await befriend(ca!.account, cb!.account);
  const write = async (from: Connection, to: Account, tag: string) => {
    for (let k = 0; k < 10; k += 1) await dm(from, to, `${tag} ${k}`);
  };
  await Promise.all([write(ca!, cb!.account, "a"), write(cb!, ca!.account, "b")]);
  const channel = dmChannelId(ca!.account.id, cb!.account.id);
  await Promise.all([receivedSeq(ca!, channel, 20), receivedSeq(cb!, channel, 20)]);
  for (const c of [ca!, cb!]) {
    expect(seqs(received(c, channel))).toEqual(range(1, 20));
    for (const tag of ["a", "b"]) expect(texts(received(c, channel)).filter((x) => x.startsWith(tag))).toEqual(range(0, 9).map((k) => `${tag} ${k}`));
  }
  expect(received(ca!, channel)).toEqual(received(cb!, channel));
  await leave(ca!, cb!);
});

test("a connection's first DM of a channel arriving ahead of an earlier one (published late elsewhere) still gets both, in order", async () => {
  const [[ca], [cb]] = await Promise.all([playersOn("p1", 1), playersOn("p2", 1)]);
  await befriend(ca!.account, cb!.account);
  const first = await dm(ca!, cb!.account, "the first ever");
  await receivedSeq(cb!, first.channelId, first.seq);
  const later = await connect(cb!.account, { roomId: await roomOn("p2") });

  // Two DMs committed while `later` is connected; only the second one's event is published (yet).
  const repo = new ChatRepo(t.server.db.prisma);
  const stored = [];
  for (const body of ["published late", "published first"]) {
    stored.push(toWire(await repo.append({ channelId: first.channelId, senderId: ca!.account.id, body, originalBody: null, createdAt: new Date() })));
  }
  const event: AccountEvent = { kind: "chat", event: { type: "message", message: stored[1]! } };
  await matchMaker.presence.publish(accountChannel(cb!.account.id), event);

  await receivedSeq(later, first.channelId, stored[1]!.seq);
  expect(received(later, first.channelId).map((m) => [m.seq, m.text])).toEqual([
    [first.seq + 1, "published late"],
    [first.seq + 2, "published first"],
  ]);
  // The late event, when it comes, is not delivered twice.
  await matchMaker.presence.publish(accountChannel(cb!.account.id), { kind: "chat", event: { type: "message", message: stored[0]! } } satisfies AccountEvent);
  const next = await dm(ca!, cb!.account, "and then");
  await receivedSeq(later, first.channelId, next.seq);
  expect(texts(received(later, first.channelId))).toEqual(["published late", "published first", "and then"]);
  await leave(ca!, cb!, later);
});

test("a block made on one process hides channel messages on the other at once", async () => {
  const [[ca, cc], [cb]] = await Promise.all([playersOn("p1", 2), playersOn("p2", 1)]);
  for (const c of [ca!, cb!, cc!]) await join(c, GENERAL);
  const from = cb!.log.mark;
  await ca!.account.client.http.block(ca!.account.client.accessToken, cb!.account.id);
  await say(ca!, GENERAL, "a, blocked for b");
  const marker = await say(cc!, GENERAL, "c, seen by all");
  await Promise.all([ca!, cb!, cc!].map((c) => receivedSeq(c, GENERAL, marker.seq)));
  expect(texts(received(cb!, GENERAL, from))).toEqual(["c, seen by all"]);
  await leave(ca!, cb!, cc!);
});
