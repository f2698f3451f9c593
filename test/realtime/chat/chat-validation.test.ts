import { CloseCode, ErrorCode } from "../../../shared/codes";
import { Limits } from "../../../shared/limits";
import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { attempt, CHAT_TEST_ENV, dm, GENERAL, join, received, receivedSeq, refused, refusedSend, say } from "../../helpers/chat";
import { befriend, connect, leave, newAccount, type Account, type Connection } from "../../helpers/presence";
import { roundTrip } from "../../helpers/realtime";
import { startTestServer, type TestServer } from "../../helpers/test-server";

// The validation step of chat.send / chat.dm with hostile strings, over real sockets: what is
// stored and delivered is the cleaned text; refusals leave the connection open.
let t: TestServer;
let alice: Account;
let bob: Account;
beforeAll(async () => {
  t = await startTestServer(CHAT_TEST_ENV);
  [alice, bob] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
});
afterAll(() => t.close());

// Fresh connections per test: each stays well under the 20 messages per second a connection may send.
let sender: Connection;
let reader: Connection;
beforeEach(async () => {
  [sender, reader] = [await connect(alice), await connect(bob)];
  await join(sender, GENERAL);
  await join(reader, GENERAL);
});
afterEach(() => leave(sender, reader));

/** Sends `raw`; the answer and what the other member receives are both `cleaned`. */
async function expectDelivered(raw: string, cleaned: string): Promise<void> {
  const sent = await say(sender, GENERAL, raw);
  expect(sent.text).toBe(cleaned);
  expect((await receivedSeq(reader, GENERAL, sent.seq)).text).toBe(cleaned);
}

const EMOJI = "\u{1F600}"; // 4 bytes in UTF-8, 2 UTF-16 units, 1 code point

test("a right-to-left override (U+202E) and other bidi controls are stripped", async () => {
  await expectDelivered("gg \u202Etxt.exe\u202C ok", "gg txt.exe ok");
  await expectDelivered("\u2067hidden\u2069 \u200Fmark", "hidden mark");
});

test("zero-width characters (U+200B, U+FEFF, U+2060) are stripped", async () => {
  await expectDelivered("f\u200Bu\uFEFFn\u2060ny", "funny");
});

test("control characters go; line breaks and tabs become single spaces", async () => {
  await expectDelivered("a\u0000b\u0007c\u001Bd\u007Fe\u0085", "abcde");
  await expectDelivered("line one\r\nline two\t\tend", "line one line two end");
});

test("NFC: a decomposed e + U+0301 arrives composed, also with an invisible between them", async () => {
  await expectDelivered("Cafe\u0301", "Caf\u00e9");
  await expectDelivered("Cafe\u200B\u0301", "Caf\u00e9");
});

test("500 four-byte emoji (2000 bytes, the byte cap) are accepted; one more is chat_message_too_long", async () => {
  const atLimit = EMOJI.repeat(Limits.chatMaxCodePoints);
  expect(Buffer.byteLength(atLimit)).toBe(Limits.chatMaxBytes);
  await expectDelivered(atLimit, atLimit);
  // Counted after cleaning: invisibles around it do not count.
  await expectDelivered(`\u200B${atLimit}\uFEFF`, atLimit);

  const refusal = await refusedSend(sender, GENERAL, EMOJI.repeat(Limits.chatMaxCodePoints + 1));
  expect(refusal).toMatchObject({ code: ErrorCode.ChatMessageTooLong, type: LobbyClientMessage.ChatSend });
  expect((await refusedSend(sender, GENERAL, "x".repeat(501))).code).toBe(ErrorCode.ChatMessageTooLong);
});

test("empty after cleaning is chat_message_empty", async () => {
  for (const raw of ["", "   ", "\u200B\uFEFF\u202E", "\n\t\r ", "\u0000\u0001"]) {
    expect((await refusedSend(sender, GENERAL, raw)).code).toBe(ErrorCode.ChatMessageEmpty);
  }
});

test("combining-mark stacks are cut to three marks per character", async () => {
  await expectDelivered(`z${"\u0336".repeat(40)}!`, `z${"\u0336".repeat(3)}!`);
});

test("raw text past 4000 characters is refused before any work; the connection stays open", async () => {
  const from = reader.log.mark;
  const tooLong = await attempt(sender, LobbyClientMessage.ChatSend, { channelId: GENERAL, text: "a".repeat(Limits.chatMaxInputChars + 1) });
  expect(refused(tooLong)).toMatchObject({ code: ErrorCode.InvalidMessage, message: expect.stringContaining("text") });
  // Within the frame and input caps but past 500 code points after cleaning.
  expect((await refusedSend(sender, GENERAL, "b".repeat(Limits.chatMaxInputChars))).code).toBe(ErrorCode.ChatMessageTooLong);
  expect((await roundTrip(sender.room)).code).toBe(ErrorCode.UnknownMessage);
  const next = await say(sender, GENERAL, "still here");
  await receivedSeq(reader, GENERAL, next.seq, from);
  expect(received(reader, GENERAL, from).map((m) => m.text)).toEqual(["still here"]);
});

test("a 10 KB string does not fit a frame (4 KB): only that connection is closed (1009), nothing is stored", async () => {
  const account = await newAccount(t.url);
  const abuser = await connect(account);
  await join(abuser, GENERAL);
  const from = reader.log.mark;
  abuser.room.reconnection.enabled = false;
  const left = new Promise<number>((resolve) => abuser.room.onLeave((code: number) => resolve(code)));
  abuser.room.send(LobbyClientMessage.ChatSend, { channelId: GENERAL, text: "x".repeat(10 * 1024) });
  expect(await left).toBe(CloseCode.MessageTooBig);

  const next = await say(sender, GENERAL, "after the abuse");
  await receivedSeq(reader, GENERAL, next.seq, from);
  expect(received(reader, GENERAL, from).map((m) => m.text)).toEqual(["after the abuse"]);
});

test("direct messages are cleaned the same way", async () => {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  const [ca, cb] = [await connect(a), await connect(b)];
  const sent = await dm(ca, b, "\u202Eyo\u200B\u0000 e\u0301");
  expect(sent.text).toBe("yo \u00e9");
  expect((await receivedSeq(cb, sent.channelId, sent.seq)).text).toBe("yo \u00e9");
  expect((refused(await attempt(ca, LobbyClientMessage.ChatDm, { to: b.id, text: "\u200B" }))).code).toBe(ErrorCode.ChatMessageEmpty);
  expect((refused(await attempt(ca, LobbyClientMessage.ChatDm, { to: b.id, text: EMOJI.repeat(501) }))).code).toBe(ErrorCode.ChatMessageTooLong);
  await leave(ca, cb);
});
