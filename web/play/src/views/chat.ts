import { LobbyApiError, LobbyRefusalError } from "../../../../shared/client";
import { ErrorCode } from "../../../../shared/codes";
import { dmChannelId, type ChatHistoryMessage, type ChatMessage } from "../../../../shared/schemas/chat";
import type { Joined } from "../lobby";
import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { PublicAccount } from "../../../../shared/schemas/social";
import type { App } from "../app";
import { announce, byId, h, replace, time } from "../dom";
import { chatErrorText } from "./chat-errors";

interface Conversation {
  id: string;
  kind: "public" | "dm" | "party";
  label: string;
  peer?: PublicAccount;
  messages: Map<number, ChatMessage>;
  lastSeq: number;
  unread: number;
  /** Paging back over HTTP: undefined before the first page, null once exhausted. */
  cursor?: string | null;
}

/** Public channels, DMs and party chat: live messages, catch-up, paging, unread counts. */
export class ChatView {
  private readonly conversations = new Map<string, Conversation>();
  private readonly joined = new Set<string>();
  private active: string | undefined;

  constructor(private readonly app: App) {
    const { lobby } = app;
    lobby.on("chat.message", (m) => this.receive(m));
    lobby.on("chat.history", (m) => void this.history(m));
    lobby.on("chat.deleted", (m) => {
      this.conversations.get(m.channelId)?.messages.delete(m.seq);
      if (m.channelId === this.active) this.renderLog();
    });
    lobby.on("chat.unread", (m) => {
      for (const c of m.channels) {
        const conv = this.dm(c.with);
        conv.unread = c.unread;
      }
      this.renderTabs();
    });
    lobby.on("chat.muted", (m) => this.error(`You were muted until ${new Date(m.expiresAt).toLocaleTimeString()} (${m.reason}). Party chat still works.`));
    lobby.on("error", (e) => {
      if (e.type?.startsWith("chat.")) this.error(chatErrorText(e));
    });
    lobby.onJoined((how) => void this.joinedLobby(how));

    byId("chat-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.send();
    });
    byId("chat-older").addEventListener("click", () => void this.older());
    byId("chat-tabs").addEventListener("keydown", (ev) => {
      if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") return;
      const tabs = [...byId("chat-tabs").querySelectorAll<HTMLButtonElement>("[role=tab]")];
      const at = tabs.findIndex((t) => t === document.activeElement);
      const next = tabs[(at + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      next?.focus();
      next?.click();
    });
  }

  private async joinedLobby(how: Joined): Promise<void> {
    if (how === "first") {
      const list = await this.app.session.api.chatChannels().catch(() => ({ channels: [] }));
      for (const c of list.channels) this.conversation(c.id, "public", `#${c.name}`);
      const first = list.channels[0];
      if (first) await this.joinPublic(first.id);
      if (first && !this.active) this.select(first.id);
      return;
    }
    // The SDK catches the public channels up itself (the held seat gets what it missed; a fresh
    // seat re-joins them with afterSeq); DMs catch up over HTTP (party chat comes back with the
    // party's chat.history).
    for (const conv of this.conversations.values()) if (conv.kind === "dm" && conv.lastSeq > 0) await this.catchUp(conv);
  }

  private async joinPublic(channelId: string): Promise<void> {
    if (this.joined.has(channelId)) return;
    const conv = this.conversations.get(channelId);
    const afterSeq = conv && conv.lastSeq > 0 ? conv.lastSeq : undefined;
    const answer = await this.app.lobby
      .request(LobbyClientMessage.ChatJoin, afterSeq === undefined ? { channelId } : { channelId, afterSeq })
      .catch(() => undefined);
    if (answer) this.joined.add(channelId);
  }

  private async history(m: ChatHistoryMessage): Promise<void> {
    const conv = this.conversations.get(m.channelId) ?? this.conversation(m.channelId, m.channelId.startsWith("party:") ? "party" : "public", m.channelId);
    if (m.truncated && conv.lastSeq > 0) await this.catchUp(conv);
    for (const msg of m.messages) this.add(conv, msg, false);
    conv.lastSeq = Math.max(conv.lastSeq, m.lastSeq);
    if (conv.id === this.active) this.renderLog();
  }

  /** Everything after the last seq held, oldest first, over HTTP. */
  private async catchUp(conv: Conversation): Promise<void> {
    for (let more = true; more; ) {
      const page = await this.app.session.api.chatHistory(conv.id, { afterSeq: conv.lastSeq, limit: 100 }).catch(() => undefined);
      if (!page) return;
      for (const msg of page.messages) this.add(conv, msg, true);
      more = page.hasMore && page.messages.length > 0;
    }
    this.renderTabs();
    if (conv.id === this.active) this.renderLog();
  }

  private receive(m: ChatMessage): void {
    const conv = this.conversations.get(m.channelId) ?? (m.channelId.startsWith("dm:") ? this.dm(this.peerOf(m)) : this.conversation(m.channelId, "party", "Party"));
    this.add(conv, m, true);
    this.renderTabs();
    if (conv.id === this.active) this.renderLog();
  }

  private peerOf(m: ChatMessage): PublicAccount {
    const me = this.app.session.account.id;
    if (m.sender.id !== me) return m.sender;
    const other = m.channelId.slice(3).split(":").find((id) => id !== me) ?? me;
    return this.app.friends.account(other) ?? { id: other, username: "player", displayName: "player" };
  }

  private add(conv: Conversation, m: ChatMessage, live: boolean): void {
    if (conv.messages.has(m.seq)) return;
    conv.messages.set(m.seq, m);
    conv.lastSeq = Math.max(conv.lastSeq, m.seq);
    const mine = m.sender.id === this.app.session.account.id;
    if (live && !mine && conv.id !== this.active) conv.unread += 1;
    if (conv.id === this.active && conv.kind === "dm" && !mine) this.app.lobby.send(LobbyClientMessage.ChatRead, { channelId: conv.id, seq: conv.lastSeq });
  }

  private conversation(id: string, kind: Conversation["kind"], label: string, peer?: PublicAccount): Conversation {
    let conv = this.conversations.get(id);
    if (!conv) {
      conv = { id, kind, label, peer, messages: new Map(), lastSeq: 0, unread: 0 };
      this.conversations.set(id, conv);
      this.renderTabs();
    }
    return conv;
  }

  private dm(peer: PublicAccount): Conversation {
    return this.conversation(dmChannelId(this.app.session.account.id, peer.id), "dm", peer.displayName, peer);
  }

  openDm(peer: PublicAccount): void {
    const conv = this.dm(peer);
    this.select(conv.id);
    if (conv.cursor === undefined) void this.older();
    byId("chat-input").focus();
  }

  /** The party's channel appears while the player is in a party. */
  setParty(channelId: string | null): void {
    for (const conv of [...this.conversations.values()]) {
      if (conv.kind === "party" && conv.id !== channelId) {
        this.conversations.delete(conv.id);
        if (this.active === conv.id) this.active = undefined;
      }
    }
    if (channelId) this.conversation(channelId, "party", "Party");
    if (!this.active) this.select(this.conversations.keys().next().value);
    this.renderTabs();
  }

  select(id: string | undefined): void {
    if (!id) return;
    this.active = id;
    const conv = this.conversations.get(id);
    if (conv?.kind === "public") void this.joinPublic(id);
    if (conv) {
      conv.unread = 0;
      if (conv.kind === "dm" && conv.lastSeq > 0) this.app.lobby.send(LobbyClientMessage.ChatRead, { channelId: id, seq: conv.lastSeq });
    }
    this.renderTabs();
    this.renderLog();
  }

  private async older(): Promise<void> {
    const conv = this.active ? this.conversations.get(this.active) : undefined;
    if (!conv || conv.cursor === null) return;
    const page = await this.app.session.api
      .chatHistory(conv.id, { limit: 50, ...(conv.cursor ? { cursor: conv.cursor } : {}) })
      .catch((err: unknown) => {
        // A DM channel exists only from its first message: nothing to page yet.
        if (err instanceof LobbyApiError && err.code === ErrorCode.ChannelNotFound && conv.kind === "dm") return { messages: [], nextCursor: undefined };
        announce(String((err as Error).message), "error");
        return undefined;
      });
    if (!page) return;
    for (const msg of page.messages) this.add(conv, msg, false);
    conv.cursor = page.nextCursor ?? null;
    if (conv.id === this.active) this.renderLog();
  }

  private async send(): Promise<void> {
    const input = byId<HTMLInputElement>("chat-input");
    const text = input.value;
    const conv = this.active ? this.conversations.get(this.active) : undefined;
    if (!conv || text.trim() === "") return;
    this.error("");
    try {
      // The SDK refuses locally what the server would (too long, too fast, repeated): same codes.
      const sent = conv.kind === "dm"
        ? await this.app.lobby.request(LobbyClientMessage.ChatDm, { to: conv.peer!.id, text })
        : await this.app.lobby.request(LobbyClientMessage.ChatSend, { channelId: conv.id, text });
      if (sent) input.value = "";
    } catch (err) {
      this.error(err instanceof LobbyRefusalError ? chatErrorText(err) : (err as Error).message);
    }
  }

  private error(text: string): void {
    byId("chat-error").textContent = text;
  }

  private renderTabs(): void {
    replace(
      byId("chat-tabs"),
      ...[...this.conversations.values()].map((c) =>
        h("button", {
          type: "button", role: "tab", class: "tab", "data-channel": c.id, "data-kind": c.kind,
          "aria-selected": String(c.id === this.active), tabindex: c.id === this.active ? 0 : -1,
          onclick: () => this.select(c.id),
        }, c.label, c.unread > 0 ? h("span", { class: "badge unread", "aria-label": `${c.unread} unread` }, String(c.unread)) : null),
      ),
    );
  }

  private renderLog(): void {
    const conv = this.active ? this.conversations.get(this.active) : undefined;
    const log = byId("chat-log");
    byId<HTMLButtonElement>("chat-older").disabled = !conv || conv.cursor === null;
    const me = this.app.session.account.id;
    const messages = conv ? [...conv.messages.values()].sort((a, b) => a.seq - b.seq) : [];
    replace(
      log,
      ...messages.map((m) =>
        h("li", { class: m.sender.id === me ? "msg mine" : "msg", "data-seq": m.seq },
          h("time", { datetime: m.createdAt }, time(m.createdAt)), " ",
          h("strong", { class: "sender", title: `@${m.sender.username}` }, m.sender.displayName), " ",
          h("span", { class: "text" }, m.text),
          m.sender.id === me ? null : h("button", {
            type: "button", class: "link small", "aria-label": `Report this message from ${m.sender.displayName}`,
            onclick: () => void this.app.lobby.request(LobbyClientMessage.ChatReport, { messageId: m.id, reason: "inappropriate" })
              .then(() => announce("Message reported to the moderators."), (err: Error) => announce(err.message, "error")),
          }, "Report"),
        ),
      ),
    );
    log.scrollTop = log.scrollHeight;
  }
}
