import type { ChatMessage } from "../../shared/schemas/chat";
import { LobbyClientMessage } from "../../shared/schemas/lobby";
import { attempt, GENERAL, join, received, receivedSeq, seqs, type Outcome } from "../helpers/chat";
import { formParty } from "../helpers/parties";
import { internalErrors, notUnavailable, startPgFaultServer, unexpectedFailures, type PgFault, type PgFaultServer } from "../helpers/pg-outage";
import { befriend, connect, isStatus, leave, newAccount, presenceUpdate, type Account, type Connection } from "../helpers/presence";

// Chat and presence while PostgreSQL is cut or blackholed, then back. A message sent meanwhile is
// acknowledged (then delivered once, in order) or refused with service_unavailable; none is
// acknowledged and lost, nothing waits forever, nothing answers internal_error, and the same
// connections work again once PostgreSQL returns.
let s: PgFaultServer;
let a: Account;
let b: Account;
let ca: Connection;
let cb: Connection;

beforeAll(async () => {
  s = await startPgFaultServer();
  [a, b] = await Promise.all([newAccount(s.t.url), newAccount(s.t.url)]);
  await befriend(a, b);
  ca = await connect(a);
  cb = await connect(b);
  await Promise.all([join(ca, GENERAL), join(cb, GENERAL)]);
}, 30_000);
afterAll(async () => {
  await leave(ca, cb);
  await s.close();
});

let partyChannel: string | undefined;
/** The party of a (leader) and b, formed once. */
async function party(): Promise<string> {
  partyChannel ??= (await formParty(ca, cb)).channelId;
  return partyChannel;
}

function accepted(o: Outcome<ChatMessage>): ChatMessage {
  if (o.errors.length > 0 || o.reply === undefined) throw new Error(`refused: ${JSON.stringify(o.errors)}`);
  return o.reply;
}

/**
 * Sends before, during (twice) and after an outage of `kind`: b receives exactly the messages that
 * were acknowledged, each once and in order; refusals during the outage are service_unavailable.
 */
async function survives(kind: PgFault, send: (text: string) => Promise<Outcome<ChatMessage>>): Promise<void> {
  const fromB = cb.log.mark;
  const before = accepted(await send(`${kind} before`));
  const channelId = before.channelId;
  await receivedSeq(cb, channelId, before.seq, fromB);
  const during = await s.outage(kind, async () => [await send(`${kind} during 1`), await send(`${kind} during 2`)]);
  expect(during.flatMap((o) => notUnavailable(o.errors))).toEqual([]);
  const acked = during.filter((o) => o.errors.length === 0).map(accepted);
  const after = accepted(await send(`${kind} after`));
  await receivedSeq(cb, channelId, after.seq, fromB);
  expect(seqs(received(cb, channelId, fromB))).toEqual(seqs([before, ...acked, after]));
  expect(internalErrors(ca, cb)).toEqual([]);
  expect([ca, cb].map((c) => c.room.connection.isOpen)).toEqual([true, true]);
}

const chatSend = (channelId: string) => (text: string) => attempt<ChatMessage>(ca, LobbyClientMessage.ChatSend, { channelId, text });

describe.each<PgFault>(["blackhole", "cut"])("PostgreSQL %s", (kind) => {
  test("public chat: acknowledged or refused with service_unavailable; no acknowledged message lost; sends work after", async () => {
    await survives(kind, chatSend(GENERAL));
  }, 30_000);

  test("party chat: acknowledged or refused with service_unavailable; no acknowledged message lost; sends work after", async () => {
    await survives(kind, chatSend(await party()));
  }, 30_000);

  test("direct messages: acknowledged or refused with service_unavailable; no acknowledged message lost; sends work after", async () => {
    await survives(kind, (text) => attempt<ChatMessage>(ca, LobbyClientMessage.ChatDm, { to: b.id, text }));
  }, 30_000);

  test("presence.set during the outage is answered or refused with service_unavailable; after it, changes reach the friend", async () => {
    // A pair of its own: presence.set allows a burst of 5 per connection.
    const [x, y] = await Promise.all([newAccount(s.t.url), newAccount(s.t.url)]);
    await befriend(x, y);
    const [cx, cy] = [await connect(x), await connect(y)];
    const outcome = await s.outage(kind, () => attempt(cy, LobbyClientMessage.PresenceSet, { status: "away" }));
    expect(notUnavailable(outcome.errors)).toEqual([]);
    // Refused, it changed nothing: not even the live status that friends are shown.
    if (outcome.errors.length > 0) expect((await s.t.server.services.presence.visibleStatuses([y.id])).get(y.id)).toBe("online");
    // "busy" differs from whatever the outage left (online or away), "online" from "busy".
    for (const status of ["busy", "online"] as const) {
      const from = cx.log.mark;
      expect((await attempt(cy, LobbyClientMessage.PresenceSet, { status })).errors).toEqual([]);
      expect(await presenceUpdate(cx, y, isStatus(status), from)).toMatchObject({ status });
    }
    expect(internalErrors(cx, cy)).toEqual([]);
    await leave(cx, cy);
  }, 30_000);
});

test("a refused message is logged as a database outage; nothing was logged as an unexpected failure", async () => {
  const mark = s.logs.lines().length;
  const outcome = await s.outage("cut", () => chatSend(GENERAL)("logged"));
  expect(outcome.errors.map((e) => e.code)).toEqual(["service_unavailable"]);
  const lines = s.logs.lines().slice(mark);
  expect(lines.filter((l) => l.msg === "message refused: the database is unavailable").length).toBeGreaterThan(0);
  expect(unexpectedFailures(s.logs)).toEqual([]);
}, 30_000);
