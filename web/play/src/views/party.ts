import type { LobbyClientMessages, LobbyClientMessageType } from "../../../../shared/client";
import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { PartyInviteMessage, PartyJoinFriendReply, PartyView as Party } from "../../../../shared/schemas/party";
import type { App } from "../app";
import { announce, byId, h, replace, time } from "../dom";

const isParty = (v: unknown): v is Party => typeof v === "object" && v !== null && "version" in v && "members" in v;

/** The player's party (versioned updates), invitations, and the leader's and members' actions. */
export class PartyView {
  party: Party | null = null;
  private readonly invites = new Map<string, PartyInviteMessage>();

  constructor(private readonly app: App) {
    const { lobby } = app;
    lobby.on("party.snapshot", (m) => {
      this.party = m.party;
      this.invites.clear();
      for (const i of m.invites) this.invites.set(i.partyId, i);
      this.render();
    });
    lobby.on("party.update", (m) => {
      if (m.party === null) {
        if (this.party?.id === m.partyId) {
          this.party = null;
          if (m.reason === "kicked") announce("You were removed from the party.");
          if (m.reason === "disbanded") announce("The party was disbanded.");
        }
      } else if (!this.party || this.party.id !== m.party.id || m.party.version > this.party.version) {
        this.party = m.party;
      }
      this.render();
    });
    lobby.on("party.invite", (m) => {
      this.invites.set(m.partyId, m);
      announce(`${m.from.displayName} invited you to their party.`);
      this.render();
    });
    lobby.on("party.joinRequest.result", (m) => {
      announce(m.outcome === "declined" ? "Your request to join the party was declined." : "The party you asked to join is gone.");
    });
    lobby.on("error", (e) => {
      if (e.type?.startsWith("party.")) byId("party-error").textContent = e.message;
    });
  }

  private get me(): string {
    return this.app.session.account.id;
  }

  async invite(accountId: string): Promise<void> {
    await this.act(LobbyClientMessage.PartyInvite, { accountId });
  }

  /** Joins a friend's party from their presence, or asks its leader to let us in. */
  async joinFriend(accountId: string): Promise<void> {
    byId("party-error").textContent = "";
    try {
      const reply = (await this.app.lobby.request(LobbyClientMessage.PartyJoinFriend, { accountId })) as PartyJoinFriendReply | undefined;
      if (reply?.outcome === "requested") announce(`Asked to join; the leader has until ${time(reply.expiresAt)} to answer.`);
      if (reply?.outcome === "joined" && (!this.party || reply.party.id !== this.party.id || reply.party.version > this.party.version)) {
        this.party = reply.party;
        this.render();
      }
    } catch (err) {
      byId("party-error").textContent = (err as Error).message;
    }
  }

  /** Joins with a code (typed, or from a `/play?party=ABCD-EFGH` link). */
  async joinByCode(code: string): Promise<void> {
    await this.act(LobbyClientMessage.PartyJoinByCode, { code });
  }

  private codeForm(): HTMLFormElement {
    const input = h("input", { id: "party-code-input", name: "code", autocomplete: "off", maxlength: 32, placeholder: "ABCD-EFGH", required: true });
    return h("form", { id: "party-code-form", class: "row", onsubmit: (ev: Event) => { ev.preventDefault(); void this.joinByCode(input.value); } },
      h("label", { for: "party-code-input" }, "Join with a code"), input,
      h("button", { type: "submit", class: "small" }, "Join"));
  }

  private codeRow(p: Party, leader: boolean): HTMLElement {
    const code = p.joinCode;
    return h("div", { class: "row", id: "party-code" },
      code
        ? h("span", { class: "grow" }, "Join code ", h("strong", { id: "party-code-value" }, code.code), ` · until ${time(code.expiresAt)} · `,
            h("a", { href: code.link, id: "party-code-link" }, "link"))
        : h("span", { class: "grow" }, leader ? "No join code: anyone with one can join (friends or not)." : "No join code."),
      leader ? this.btn(code ? "New code" : "Make a code", "Make a new join code", LobbyClientMessage.PartyCodeCreate, {}) : null,
      leader && code ? this.btn("Revoke", "Revoke the join code", LobbyClientMessage.PartyCodeRevoke, {}) : null,
    );
  }

  private async act<K extends LobbyClientMessageType>(type: K, payload: LobbyClientMessages[K]): Promise<void> {
    byId("party-error").textContent = "";
    try {
      const view: unknown = await this.app.lobby.request(type, payload);
      if (isParty(view) && (!this.party || view.version > this.party.version || view.id !== this.party.id)) {
        this.party = view;
        this.render();
      }
    } catch (err) {
      byId("party-error").textContent = (err as Error).message;
    }
  }

  private btn<K extends LobbyClientMessageType>(label: string, aria: string, type: K, payload: LobbyClientMessages[K], cls = "secondary small"): HTMLButtonElement {
    return h("button", { type: "button", class: cls, "aria-label": aria, onclick: () => void this.act(type, payload) }, label);
  }

  render(): void {
    const p = this.party;
    for (const [id, inv] of this.invites) if (Date.parse(inv.expiresAt) < Date.now() || p?.id === id) this.invites.delete(id);
    replace(
      byId("party-invites"),
      ...[...this.invites.values()].map((inv) =>
        h("li", { class: "item invite", "data-from": inv.from.username },
          h("span", { class: "grow" }, h("strong", { title: `@${inv.from.username}` }, inv.from.displayName), ` invites you (party of ${inv.size})`),
          h("button", { type: "button", class: "small", onclick: () => { this.invites.delete(inv.partyId); void this.act(LobbyClientMessage.PartyAccept, { partyId: inv.partyId }); } }, "Join party"),
          h("button", { type: "button", class: "secondary small", onclick: () => { this.invites.delete(inv.partyId); this.render(); this.app.lobby.send(LobbyClientMessage.PartyDecline, { partyId: inv.partyId }, (err) => announce(err.message, "error")); } }, "Decline"),
        ),
      ),
    );
    this.app.chat.setParty(p?.channelId ?? null);
    this.app.queue.partyChanged(p);
    const box = byId("party");
    if (!p) {
      replace(box,
        h("p", {}, "You are not in a party. Invite a friend from your friends list, or:"),
        this.btn("Create a party", "Create a party", LobbyClientMessage.PartyCreate, {}, "small"),
        this.codeForm());
      return;
    }
    const leader = p.leaderId === this.me;
    const self = p.members.find((m) => m.id === this.me);
    replace(
      box,
      h("p", { id: "party-summary" }, `Party of ${p.members.length}/${p.maxSize}`, p.queue ? ` · searching ${p.queue.mode} (${p.queue.region})` : ""),
      h("ul", { class: "list", id: "party-members", "aria-label": "Party members" },
        ...p.members.map((m) =>
          h("li", { class: "item member", "data-username": m.username, "data-ready": String(m.ready) },
            h("span", { class: `dot ${m.status}`, "aria-hidden": "true" }),
            h("span", { class: "grow" }, h("strong", { title: `@${m.username}` }, m.displayName), m.id === p.leaderId ? " (leader)" : "", m.ready ? " · ready" : " · not ready", ` · ${m.status}`),
            leader && m.id !== this.me ? this.btn("Promote", `Make ${m.displayName} the leader`, LobbyClientMessage.PartyPromote, { accountId: m.id }) : null,
            leader && m.id !== this.me ? this.btn("Kick", `Remove ${m.displayName} from the party`, LobbyClientMessage.PartyKick, { accountId: m.id }) : null,
          ),
        ),
        ...p.invites.map((i) => h("li", { class: "item pending" }, h("span", { class: "grow" }, `${i.to.displayName} (invited)`))),
        ...p.joinRequests.map((r) =>
          h("li", { class: "item join-request", "data-from": r.from.username },
            h("span", { class: "grow" }, h("strong", { title: `@${r.from.username}` }, r.from.displayName), ` asks to join (friend of ${r.via.displayName})`),
            leader ? this.btn("Accept", `Let ${r.from.displayName} join`, LobbyClientMessage.PartyJoinRequestAccept, { accountId: r.from.id }, "small") : null,
            leader ? this.btn("Decline", `Decline ${r.from.displayName}'s request`, LobbyClientMessage.PartyJoinRequestDecline, { accountId: r.from.id }) : null,
          ),
        ),
      ),
      this.codeRow(p, leader),
      h("div", { class: "row" },
        self && !leader
          ? h("button", { type: "button", id: "party-ready", class: "small", "aria-pressed": String(self.ready), onclick: () => void this.act(LobbyClientMessage.PartyReady, { ready: !self.ready }) }, self.ready ? "Not ready" : "Ready")
          : null,
        this.btn("Leave party", "Leave the party", LobbyClientMessage.PartyLeave, {}),
        leader ? this.btn("Disband", "Disband the party", LobbyClientMessage.PartyDisband, {}) : null,
      ),
    );
  }
}
