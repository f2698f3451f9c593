import { LobbyApiError } from "../../../../shared/client";
import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { FriendPresence, VisibleStatus } from "../../../../shared/schemas/presence";
import type { PublicAccount } from "../../../../shared/schemas/social";
import type { App } from "../app";
import { announce, byId, h, replace } from "../dom";

interface Friend {
  account: PublicAccount;
  presence?: FriendPresence;
}

const STATUS_LABEL: Record<VisibleStatus, string> = { online: "Online", away: "Away", busy: "Busy", offline: "Offline" };

function activityText(p: FriendPresence | undefined): string {
  const a = p?.activity;
  if (!a || p?.status === "offline") return "";
  if (a.kind === "party") return `in a party of ${a.size}/${a.maxSize}`;
  if (a.kind === "queue") return `searching ${a.mode}`;
  if (a.kind === "match") return `playing ${a.mode}`;
  if (a.kind === "gameLobby") return `in ${a.name ? `the game lobby "${a.name}"` : "a private game lobby"} (${a.size}/${a.maxSize})`;
  return "in the lobby";
}

/** Friends with live presence, requests in and out, blocks, and the player's own status menu. */
export class FriendsView {
  readonly friends = new Map<string, Friend>();
  private readonly incoming = new Map<string, PublicAccount>();
  private readonly outgoing = new Map<string, PublicAccount>();

  constructor(private readonly app: App) {
    const { lobby } = app;
    lobby.on("presence.snapshot", (m) => {
      for (const f of m.friends) this.friends.set(f.accountId, { account: { id: f.accountId, username: f.username, displayName: f.displayName }, presence: f });
      for (const id of [...this.friends.keys()]) if (!m.friends.some((f) => f.accountId === id)) this.friends.delete(id);
      byId<HTMLSelectElement>("status-select").value = m.self.status;
      byId<HTMLInputElement>("status-text").value = m.self.text ?? "";
      this.render();
    });
    lobby.on("presence.update", (p) => {
      this.friends.set(p.accountId, { account: { id: p.accountId, username: p.username, displayName: p.displayName }, presence: p });
      this.incoming.delete(p.accountId);
      this.outgoing.delete(p.accountId);
      this.render();
    });
    lobby.on("friends.update", (m) => {
      this.incoming.delete(m.account.id);
      this.outgoing.delete(m.account.id);
      if (m.state === null) this.friends.delete(m.account.id);
      else if (m.state === "incoming") this.incoming.set(m.account.id, m.account);
      else if (m.state === "outgoing") this.outgoing.set(m.account.id, m.account);
      else if (!this.friends.has(m.account.id)) this.friends.set(m.account.id, { account: m.account });
      this.render();
    });
    lobby.onJoined(() => void this.loadRequests());
    lobby.onJoined(() => void this.loadJoinPolicy());
    byId<HTMLSelectElement>("join-policy-select").addEventListener("change", (ev) => {
      const joinPolicy = (ev.target as HTMLSelectElement).value as "friends" | "ask" | "nobody";
      void this.act(async () => {
        await app.session.api.updateSettings({ joinPolicy });
        announce(joinPolicy === "friends" ? "Friends may now join your party." : joinPolicy === "ask" ? "Friends may now ask to join your party." : "Friends can no longer join your party from your presence.");
      });
    });

    byId("add-friend-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const input = byId<HTMLInputElement>("add-friend-name");
      const username = input.value.trim();
      void this.act(async () => {
        const result = await app.session.api.sendFriendRequest(username);
        input.value = "";
        announce(result.state === "friend" ? `You and ${result.account.displayName} are now friends.` : `Friend request sent to ${result.account.displayName}.`);
      });
    });
    byId<HTMLSelectElement>("status-select").addEventListener("change", (ev) => {
      lobby.send(LobbyClientMessage.PresenceSet, { status: (ev.target as HTMLSelectElement).value as "online" | "away" | "busy" | "invisible" }, (err) => announce(err.message, "error"));
    });
    byId("status-text-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = byId<HTMLInputElement>("status-text").value;
      lobby.send(LobbyClientMessage.PresenceSet, { text: text.trim() === "" ? null : text }, (err) => announce(err.message, "error"));
      announce(text.trim() === "" ? "Custom status cleared." : "Custom status set.");
    });
  }

  account(accountId: string): PublicAccount | undefined {
    return this.friends.get(accountId)?.account ?? this.incoming.get(accountId);
  }

  private async loadJoinPolicy(): Promise<void> {
    const settings = await this.app.session.api.settings().catch(() => undefined);
    if (settings) byId<HTMLSelectElement>("join-policy-select").value = settings.joinPolicy;
  }

  /** Pending requests (presence snapshots list friends only). */
  private async loadRequests(): Promise<void> {
    for (const state of ["incoming", "outgoing"] as const) {
      const page = await this.app.session.api.friends({ state, limit: 100 }).catch(() => undefined);
      if (!page) continue;
      const map = state === "incoming" ? this.incoming : this.outgoing;
      map.clear();
      for (const item of page.items) map.set(item.account.id, item.account);
    }
    this.render();
    void this.loadBlocks();
  }

  async loadBlocks(): Promise<void> {
    const page = await this.app.session.api.blocks({ limit: 100 }).catch(() => undefined);
    if (!page) return;
    replace(
      byId("block-list"),
      ...page.items.map((b) =>
        h("li", { class: "item" }, h("span", { class: "grow", title: `@${b.account.username}` }, b.account.displayName),
          h("button", { type: "button", class: "secondary small", onclick: () => void this.act(async () => {
            await this.app.session.api.unblock(b.account.id);
            await this.loadBlocks();
          }) }, `Unblock ${b.account.displayName}`)),
      ),
    );
  }

  private async act(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      announce(err instanceof LobbyApiError ? err.message : String(err), "error");
    }
  }

  private button(label: string, aria: string, fn: () => Promise<void>, cls = "secondary small"): HTMLButtonElement {
    return h("button", { type: "button", class: cls, "aria-label": aria, onclick: () => void this.act(fn) }, label);
  }

  /** "Join" or "Ask to join" when the friend's party takes friends from presence (and it is not ours); "Watch" for a match friends may watch. */
  private joinButton(f: Friend): HTMLButtonElement | null {
    const a = f.presence?.status === "offline" ? undefined : f.presence?.activity;
    const name = f.account.displayName;
    if (a?.kind === "match" && a.joinable) {
      return this.button("Watch", `Watch ${name}'s match`, async () => {
        const seat = await this.app.lobby.request(LobbyClientMessage.MatchSpectate, { accountId: f.account.id });
        if (seat) await this.app.match.watch(seat, name);
      }, "small");
    }
    if (a?.kind !== "party" || !a.joinable || a.partyId === this.app.party.party?.id) return null;
    return a.joinBy === "join"
      ? this.button("Join", `Join ${name}'s party`, async () => this.app.party.joinFriend(f.account.id), "small")
      : this.button("Ask to join", `Ask to join ${name}'s party`, async () => this.app.party.joinFriend(f.account.id), "small");
  }

  render(): void {
    const api = this.app.session.api;
    const sorted = [...this.friends.values()].sort((a, b) => {
      const on = (f: Friend) => (f.presence?.status ?? "offline") === "offline" ? 1 : 0;
      return on(a) - on(b) || a.account.displayName.localeCompare(b.account.displayName);
    });
    replace(
      byId("friend-list"),
      sorted.length === 0 ? h("li", { class: "empty" }, "No friends yet: add one by username.") : null,
      ...sorted.map((f) => {
        const status = f.presence?.status ?? "offline";
        const name = f.account.displayName;
        return h(
          "li",
          { class: "item friend", "data-username": f.account.username, "data-status": status },
          h("span", { class: `dot ${status}`, "aria-hidden": "true" }),
          h("span", { class: "grow" },
            h("strong", { title: `@${f.account.username}` }, name), " ",
            h("span", { class: "status" }, STATUS_LABEL[status]),
            f.presence?.text ? h("span", { class: "custom" }, ` “${f.presence.text}”`) : null,
            h("span", { class: "activity" }, activityText(f.presence) ? ` · ${activityText(f.presence)}` : ""),
          ),
          h("span", { class: "actions" },
            this.button("Message", `Message ${name}`, async () => this.app.chat.openDm(f.account)),
            this.joinButton(f),
            this.button("Invite", `Invite ${name} to your party`, async () => this.app.party.invite(f.account.id)),
            this.button("Remove", `Remove ${name} from friends`, async () => {
              if (!confirm(`Remove ${name} from your friends?`)) return;
              await api.removeFriend(f.account.id);
            }),
            this.button("Block", `Block ${name}`, async () => {
              if (!confirm(`Block ${name}? They can no longer message or invite you.`)) return;
              await api.block(f.account.id);
              this.friends.delete(f.account.id);
              this.render();
              await this.loadBlocks();
            }),
          ),
        );
      }),
    );
    const requests = [
      ...[...this.incoming.values()].map((a) =>
        h("li", { class: "item request", "data-username": a.username },
          h("span", { class: "grow" }, h("strong", { title: `@${a.username}` }, a.displayName), " wants to be your friend"),
          this.button("Accept", `Accept ${a.displayName}'s request`, async () => void (await api.acceptFriendRequest(a.id)), "small"),
          this.button("Decline", `Decline ${a.displayName}'s request`, async () => {
            await api.declineFriendRequest(a.id);
            this.incoming.delete(a.id);
            this.render();
          }),
          this.button("Block", `Block ${a.displayName}`, async () => {
            await api.block(a.id);
            this.incoming.delete(a.id);
            this.render();
            await this.loadBlocks();
          }),
        ),
      ),
      ...[...this.outgoing.values()].map((a) =>
        h("li", { class: "item request", "data-username": a.username },
          h("span", { class: "grow" }, "Request sent to ", h("strong", { title: `@${a.username}` }, a.displayName)),
          this.button("Cancel", `Cancel the request to ${a.displayName}`, async () => {
            await api.cancelFriendRequest(a.id);
            this.outgoing.delete(a.id);
            this.render();
          }),
        ),
      ),
    ];
    replace(byId("request-list"), requests.length === 0 ? h("li", { class: "empty" }, "No pending requests.") : null, ...requests);
  }
}
