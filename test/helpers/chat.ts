import type { Room } from "@colyseus/sdk";
import { CloseCode } from "../../shared/codes";
import type { ChatDeletedMessage, ChatHistoryMessage, ChatMessage, ChatMutedMessage, ChatUnreadMessage } from "../../shared/schemas/chat";
import { LobbyClientMessage, LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import { attempt, refusal, type Connection, type Outcome, type Player as Account } from "./factories";
import { localRoom, REALTIME_TEST_ENV } from "./realtime";

export const GENERAL = "public:general";
export const TRADE = "public:trade";

/**
 * Env for chat test servers: two public channels, and flood limits high enough that only the
 * flood tests (which set their own) ever meet them.
 */
export const CHAT_TEST_ENV = {
  ...REALTIME_TEST_ENV,
  CHAT_CHANNELS: "general,trade",
  CHAT_FLOOD_BURST: "100",
  CHAT_FLOOD_PER_SECOND: "100",
  CHAT_REPEAT_COOLDOWN_SECONDS: "0",
} as const;

/** `chat.join` as a request: the answer is the history the server also sent as `chat.history`. */
export function join(conn: Connection, channelId: string, afterSeq?: number): Promise<ChatHistoryMessage> {
  return conn.room.request<unknown, ChatHistoryMessage>(LobbyClientMessage.ChatJoin, afterSeq === undefined ? { channelId } : { channelId, afterSeq });
}

export { attempt, refused, type Outcome } from "./factories";

/** `chat.send`; resolves with the stored message, or throws with the refusal's code. */
export async function say(conn: Connection, channelId: string, text: string): Promise<ChatMessage> {
  return accepted(await attempt<ChatMessage>(conn, LobbyClientMessage.ChatSend, { channelId, text }));
}

/** `chat.dm`; resolves with the stored message, or throws with the refusal's code. */
export async function dm(conn: Connection, to: Account, text: string): Promise<ChatMessage> {
  return accepted(await attempt<ChatMessage>(conn, LobbyClientMessage.ChatDm, { to: to.id, text }));
}

/** The single refusal of a `chat.send`. */
export const refusedSend = (conn: Connection, channelId: string, text: string): Promise<WsErrorMessage> =>
  refusal(conn, LobbyClientMessage.ChatSend, { channelId, text });

/** The single refusal of a `chat.dm`. */
export const refusedDm = (conn: Connection, to: Account, text: string): Promise<WsErrorMessage> => refusal(conn, LobbyClientMessage.ChatDm, { to: to.id, text });

function accepted<T>(o: Outcome<T>): T {
  if (o.errors.length > 0 || o.reply === undefined) throw new Error(`refused: ${JSON.stringify(o.errors)}`);
  return o.reply;
}

/** `chat.message`s of `channelId` the connection received (from log position `from`). */
export function received(conn: Connection, channelId: string, from = 0): ChatMessage[] {
  return conn.log.of<ChatMessage>(LobbyServerMessage.ChatMessage, (m) => m.channelId === channelId, from);
}

/** Waits until the connection received the message of `channelId` numbered `seq`. */
export function receivedSeq(conn: Connection, channelId: string, seq: number, from = 0): Promise<ChatMessage> {
  return conn.log.waitFor<ChatMessage>(LobbyServerMessage.ChatMessage, (m) => m.channelId === channelId && m.seq === seq, from);
}

export const seqs = (messages: readonly { seq: number }[]): number[] => messages.map((m) => m.seq);
export const texts = (messages: readonly { text: string }[]): string[] => messages.map((m) => m.text);

/** first, first+1, ..., last. */
export const range = (first: number, last: number): number[] => Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);

export function unread(conn: Connection, from = 0): Promise<ChatUnreadMessage> {
  return conn.log.waitFor<ChatUnreadMessage>(LobbyServerMessage.ChatUnread, () => true, from);
}

export function deletedNotice(conn: Connection, id: string): Promise<ChatDeletedMessage> {
  return conn.log.waitFor<ChatDeletedMessage>(LobbyServerMessage.ChatDeleted, (d) => d.id === id);
}

export function mutedNotice(conn: Connection, from = 0): Promise<ChatMutedMessage> {
  return conn.log.waitFor<ChatMutedMessage>(LobbyServerMessage.ChatMuted, () => true, from);
}

/**
 * Drops the connection as a network loss would (close code 4010), with the SDK's automatic retry
 * off, and waits until the server (this process) has let go of it. `bystander`, in the same room,
 * must still be there afterwards. Returns the token to reconnect with.
 */
export async function dropConnection(conn: Connection, bystander: Connection): Promise<string> {
  const server = localRoom(conn.room.roomId);
  if (bystander.room.roomId !== conn.room.roomId) throw new Error("the bystander must share the dropped connection's room");
  const sessionId = conn.room.sessionId;
  const token = conn.room.reconnectionToken;
  conn.room.reconnection.enabled = false;
  const left = new Promise<number>((resolve) => conn.room.onLeave((code: number) => resolve(code)));
  // The server-side socket's close: Colyseus' own close listener (registered first) has taken the
  // client out of the room by the time this one runs.
  const serverSide = [...server.clients].find((c) => c.sessionId === sessionId);
  const closedOnServer = new Promise<void>((resolve) => (serverSide ? serverSide.ref.once("close", () => resolve()) : resolve()));
  conn.room.connection.close(CloseCode.MayTryReconnect);
  expect(await left).toBe(CloseCode.MayTryReconnect);
  await closedOnServer;
  expect([...server.clients].some((c) => c.sessionId === sessionId)).toBe(false);
  expect([...server.clients].some((c) => c.sessionId === bystander.room.sessionId)).toBe(true);
  return token;
}

/** Reconnects with the token into the same seat; the connection's log keeps recording. */
export async function reconnect(conn: Connection, token: string): Promise<Connection> {
  const room: Room = await conn.account.client.colyseus.reconnect(token);
  conn.log.listen(room);
  return { ...conn, room };
}
