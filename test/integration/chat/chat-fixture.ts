import crypto from "node:crypto";
import type { ChatService } from "../../../server/modules/chat/chat.service";
import {
  AccountSettingsSchema,
  ChatHistoryResponseSchema,
  ChatUnreadMessageSchema,
  PublicChannelsResponseSchema,
  partyChannelId,
  type AccountSettings,
  type ChatHistoryResponse,
  type ChatMessage,
  type ChatUnreadMessage,
} from "../../../shared/schemas/chat";
import type { LobbySession } from "../../../shared/client/lobby-client";
import type { HttpResponse } from "../../helpers/http";
import { expectStatus, startSocialServer, type Player, type SocialTestServer } from "../../helpers/social";
import { sql } from "../../helpers/sql";

/**
 * Shared set-up of the chat HTTP suites: a real server over a fresh PostgreSQL database, with
 * messages written through the real ChatService (the same call the lobby's `chat.send` / `chat.dm`
 * handlers make), and the chat/settings routes called over real HTTP.
 */
export interface ChatTestServer extends SocialTestServer {
  chatApi: ChatApi;
  /** The server's ChatService (writes go through the whole moderation pipeline). */
  chat: ChatService;
}

/**
 * Flood control is loosened so a test can write dozens of messages in a row without being
 * refused for speed or repetition (the flood rules have their own suites).
 */
export const CHAT_TEST_ENV: Record<string, string> = {
  CHAT_CHANNELS: "general,trade,offtopic",
  CHAT_UNFILTERED_CHANNELS: "offtopic",
  CHAT_FLOOD_BURST: "100",
  CHAT_FLOOD_PER_SECOND: "100",
  CHAT_REPEAT_COOLDOWN_SECONDS: "0",
};

export async function startChatServer(env: Record<string, string> = {}): Promise<ChatTestServer> {
  const t = await startSocialServer({ ...CHAT_TEST_ENV, ...env });
  return Object.assign(t, { chatApi: new ChatApi(t), chat: t.server.services.chat });
}

const who = (p: Player) => ({ accountId: p.id, username: p.username, displayName: p.username });

/** Posts `texts` to a channel as `sender`, in order; returns the stored messages. */
export async function post(t: ChatTestServer, sender: Player, channelId: string, ...texts: string[]): Promise<ChatMessage[]> {
  const sent: ChatMessage[] = [];
  for (const text of texts) sent.push(await t.chat.send(who(sender), channelId, text));
  return sent;
}

/** `n` numbered messages from the senders in turn (several senders: flood control never trips). */
export async function postMany(t: ChatTestServer, senders: Player[], channelId: string, n: number): Promise<ChatMessage[]> {
  const sent: ChatMessage[] = [];
  for (let i = 0; i < n; i++) sent.push(await t.chat.send(who(senders[i % senders.length]!), channelId, `message ${i + 1}`));
  return sent;
}

/** Direct messages from `from` to `to` (they must be friends, or `to` must accept anyone). */
export async function dm(t: ChatTestServer, from: Player, to: Player, ...texts: string[]): Promise<ChatMessage[]> {
  const sent: ChatMessage[] = [];
  for (const text of texts) sent.push(await t.chat.sendDirect(who(from), to.id, text));
  return sent;
}

/**
 * A party channel with these members, stored the way the party feature stores it (the party
 * feature itself is not part of this suite). Returns its id.
 */
export async function partyChannel(t: ChatTestServer, members: Player[]): Promise<string> {
  const id = partyChannelId(crypto.randomUUID());
  await sql(t.db.url, `INSERT INTO chat_channels (id, kind, last_seq, created_at) VALUES ($1, 'PARTY', 0, now())`, [id]);
  for (const m of members) {
    await sql(t.db.url, `INSERT INTO chat_channel_members (channel_id, account_id, last_read_seq, joined_at) VALUES ($1, $2, 0, now())`, [id, m.id]);
  }
  return id;
}

/** Opens a lobby connection for `player` that ignores whatever the server pushes (only requests are used). */
export async function online(t: ChatTestServer, player: Player): Promise<LobbySession> {
  const client = t.client();
  await client.login({ username: player.username, password: player.password });
  return client.joinLobby({}, (room) => room.onMessage("*", () => undefined));
}

/** Seqs of messages, for one-line expectations. */
export const seqs = (messages: { seq: number }[]): number[] => messages.map((m) => m.seq);

/** [from, from-1, ..., to] or [from, ..., to] ascending. */
export const range = (from: number, to: number): number[] =>
  from <= to ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : Array.from({ length: from - to + 1 }, (_, i) => from - i);

/** The chat and settings routes, called as `by`. The raw variants return the response as-is. */
export class ChatApi {
  constructor(private readonly t: SocialTestServer) {}

  historyRaw(by: Player, channelId: string, query = ""): Promise<HttpResponse> {
    return this.t.api.get(`/chat/channels/${encodeURIComponent(channelId)}/messages${query}`, { token: by.token });
  }

  async history(by: Player, channelId: string, query = ""): Promise<ChatHistoryResponse> {
    return ChatHistoryResponseSchema.strict().parse(expectStatus(await this.historyRaw(by, channelId, query), 200).body);
  }

  async channels(by: Player) {
    return PublicChannelsResponseSchema.strict().parse(expectStatus(await this.t.api.get("/chat/channels", { token: by.token }), 200).body);
  }

  async unread(by: Player): Promise<ChatUnreadMessage> {
    return ChatUnreadMessageSchema.strict().parse(expectStatus(await this.t.api.get("/chat/unread", { token: by.token }), 200).body);
  }

  reportRaw(by: Player, messageId: string, body: unknown): Promise<HttpResponse> {
    return this.t.api.post(`/chat/messages/${encodeURIComponent(messageId)}/reports`, body, { token: by.token });
  }

  settingsRaw(by: Player): Promise<HttpResponse> {
    return this.t.api.get("/me/settings", { token: by.token });
  }

  async settings(by: Player): Promise<AccountSettings> {
    return AccountSettingsSchema.strict().parse(expectStatus(await this.settingsRaw(by), 200).body);
  }

  patchSettingsRaw(by: Player, body: unknown): Promise<HttpResponse> {
    return this.t.api.send("PATCH", "/me/settings", { json: body, token: by.token });
  }
}
