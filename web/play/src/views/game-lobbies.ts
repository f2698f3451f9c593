import { LobbyRefusalError, type LobbyClientMessages, type LobbyClientMessageType } from "../../../../shared/client";
import type { GameLobbySummary, GameLobbyView as GameLobby } from "../../../../shared/schemas/game-lobby";
import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { App } from "../app";
import { announce, byId, h, replace } from "../dom";

const isLobby = (v: unknown): v is GameLobby => typeof v === "object" && v !== null && "version" in v && "members" in v && "code" in v;

const GONE: Record<string, string> = {
  kicked: "You were removed from the custom game.",
  closed: "The custom game was closed by an operator.",
  started: "The custom game is starting…",
};

/** A refusal said plainly: the server's message, its wait when it gives one. */
function refusalText(err: unknown): string {
  if (err instanceof LobbyRefusalError) {
    const wait = err.retryAfterMs;
    return wait !== undefined ? `${err.message} (wait ${Math.max(1, Math.ceil(wait / 1000))} s)` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Custom games: the lobby browser (GET /lobbies, kept live with gameLobby.watch / gameLobby.listing),
 * joining by id or code, creating one, and the lobby the player sits in (versioned gameLobby.update):
 * slots, ready flags, and the host's kick and start. The start's match.found goes to the queue and
 * match views like a matchmade one.
 */
export class GameLobbiesView {
  lobby: GameLobby | null = null;
  /** The browser's page, in the server's order (newest first). */
  private listed: GameLobbySummary[] = [];
  /** Bumped by every load, so an older answer arriving late is dropped. */
  private loads = 0;
  private readonly current: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly error: HTMLElement;
  private readonly forms: HTMLElement;
  private readonly filters = {
    mode: h("input", { id: "game-lobby-filter-mode", list: "modes", maxlength: 32, autocomplete: "off", placeholder: "any" }),
    region: h("input", { id: "game-lobby-filter-region", list: "regions", maxlength: 32, autocomplete: "off", placeholder: "any" }),
    q: h("input", { id: "game-lobby-filter-q", maxlength: 40, autocomplete: "off", placeholder: "name contains" }),
    hasRoom: h("input", { id: "game-lobby-filter-room", type: "checkbox" }),
  };

  constructor(private readonly app: App) {
    const { lobby } = app;
    const root = byId("game-lobbies");
    this.current = h("div", { id: "game-lobby-current", hidden: true });
    this.list = h("ul", { id: "game-lobby-list", class: "list", "aria-label": "Custom game lobbies" });
    this.error = h("p", { id: "game-lobby-error", class: "error", role: "alert" });
    this.forms = h("div", { id: "game-lobby-forms" }, this.codeForm(), this.createForm());
    root.append(
      this.current,
      this.error,
      h("h3", {}, "Browse"),
      this.filterForm(),
      this.list,
      this.forms,
    );

    lobby.on("gameLobby.snapshot", (m) => {
      this.lobby = m.lobby;
      this.renderCurrent();
    });
    lobby.on("gameLobby.update", (m) => {
      if (m.lobby === null) {
        if (this.lobby?.id === m.lobbyId) {
          this.lobby = null;
          const why = m.reason ? GONE[m.reason] : undefined;
          if (why) announce(why);
        }
      } else {
        this.apply(m.lobby);
      }
      this.renderCurrent();
    });
    lobby.on("gameLobby.listing", (m) => {
      if (m.lobby === null) this.listed = this.listed.filter((l) => l.id !== m.lobbyId);
      else this.listed = this.listed.map((l) => (l.id === m.lobbyId ? m.lobby! : l));
      this.renderList();
    });
    // The watch set belongs to the connection: load (and watch) again after every (re)join.
    lobby.onJoined(() => void this.load());
    this.renderCurrent();
    this.renderList();
  }

  private get me(): string {
    return this.app.session.account.id;
  }

  /** Takes a lobby from a reply or an update when it is another lobby or newer than the one held. */
  private apply(view: GameLobby): void {
    if (!this.lobby || this.lobby.id !== view.id || view.version > this.lobby.version) this.lobby = view;
  }

  /** GET /lobbies with the filters, then gameLobby.watch on what it listed. */
  async load(): Promise<void> {
    const load = ++this.loads;
    const text = (i: HTMLInputElement) => i.value.trim() || undefined;
    try {
      const page = await this.app.session.api.gameLobbies({
        mode: text(this.filters.mode),
        region: text(this.filters.region),
        q: text(this.filters.q),
        hasRoom: this.filters.hasRoom.checked ? true : undefined,
      });
      if (load !== this.loads) return;
      this.listed = page.items;
      this.renderList();
      const live = await this.app.lobby.request(LobbyClientMessage.GameLobbyWatch, { lobbyIds: page.items.map((l) => l.id) });
      if (load !== this.loads) return;
      // What is listed now replaces the page's copy; anything gone since the GET is dropped.
      const now = new Map(live.lobbies.map((l) => [l.id, l]));
      this.listed = this.listed.flatMap((l) => now.get(l.id) ?? []);
      this.renderList();
    } catch (err) {
      if (load === this.loads) this.error.textContent = refusalText(err);
    }
  }

  private async act<K extends LobbyClientMessageType>(type: K, payload: LobbyClientMessages[K]): Promise<boolean> {
    this.error.textContent = "";
    delete this.error.dataset.code;
    try {
      const reply: unknown = await this.app.lobby.request(type, payload);
      if (isLobby(reply)) {
        this.apply(reply);
        this.renderCurrent();
      }
      return true;
    } catch (err) {
      this.error.textContent = refusalText(err);
      if (err instanceof LobbyRefusalError) this.error.dataset.code = err.code;
      return false;
    }
  }

  private btn<K extends LobbyClientMessageType>(label: string, aria: string, type: K, payload: LobbyClientMessages[K], attrs: Record<string, string | boolean> = {}): HTMLButtonElement {
    return h("button", { type: "button", class: "secondary small", "aria-label": aria, ...attrs, onclick: () => void this.act(type, payload) }, label);
  }

  private filterForm(): HTMLFormElement {
    const f = this.filters;
    return h("form", { id: "game-lobby-filters", class: "row", onsubmit: (ev: Event) => { ev.preventDefault(); void this.load(); } },
      h("label", {}, "Mode", f.mode),
      h("label", {}, "Region", f.region),
      h("label", { class: "grow" }, "Name", f.q),
      h("label", { class: "inline" }, f.hasRoom, "Has room"),
      h("button", { type: "submit", id: "game-lobby-refresh", class: "small" }, "Refresh"),
    );
  }

  private codeForm(): HTMLFormElement {
    const code = h("input", { id: "game-lobby-code-input", autocomplete: "off", maxlength: 32, placeholder: "ABCD-EFGH", required: true });
    const password = h("input", { id: "game-lobby-code-password", type: "password", autocomplete: "off", maxlength: 64, placeholder: "if it has one" });
    return h("form", { id: "game-lobby-code-form", class: "row", onsubmit: (ev: Event) => {
        ev.preventDefault();
        void this.act(LobbyClientMessage.GameLobbyJoin, { code: code.value.trim(), ...(password.value ? { password: password.value } : {}) }).then((done) => {
          if (done) code.value = password.value = "";
        });
      } },
      h("label", {}, "Join with a code", code),
      h("label", {}, "Password", password),
      h("button", { type: "submit", class: "small" }, "Join"),
    );
  }

  private createForm(): HTMLElement {
    const name = h("input", { id: "game-lobby-name", required: true, minlength: 3, maxlength: 40, autocomplete: "off" });
    const mode = h("input", { id: "game-lobby-mode", list: "modes", value: "duel", required: true, maxlength: 32, autocomplete: "off" });
    const region = h("input", { id: "game-lobby-region", list: "regions", value: "eu", required: true, maxlength: 32, autocomplete: "off" });
    const visibility = h("select", { id: "game-lobby-visibility" }, h("option", { value: "public" }, "Public"), h("option", { value: "private" }, "Private (code only)"));
    const password = h("input", { id: "game-lobby-password", type: "password", minlength: 4, maxlength: 64, autocomplete: "new-password", placeholder: "optional" });
    const form = h("form", { id: "game-lobby-create", class: "row", onsubmit: (ev: Event) => {
        ev.preventDefault();
        if (!form.reportValidity()) return;
        void this.act(LobbyClientMessage.GameLobbyCreate, {
          name: name.value.trim(),
          mode: mode.value.trim(),
          region: region.value.trim(),
          visibility: visibility.value === "private" ? "private" : "public",
          ...(password.value ? { password: password.value } : {}),
        }).then((done) => {
          if (!done) return;
          name.value = password.value = "";
          void this.load();
        });
      } },
      h("label", { class: "grow" }, "Lobby name", name),
      h("label", {}, "Mode", mode),
      h("label", {}, "Region", region),
      h("label", {}, "Visibility", visibility),
      h("label", {}, "Password", password),
      h("button", { type: "submit", id: "game-lobby-create-submit", class: "small" }, "Create lobby"),
    );
    return h("div", {}, h("h3", {}, "Create a custom game"), form);
  }

  private renderList(): void {
    const seated = this.lobby !== null;
    replace(
      this.list,
      this.listed.length === 0 ? h("li", { class: "empty" }, "No lobbies match.") : null,
      ...this.listed.map((l) => {
        const password = l.hasPassword
          ? h("input", { type: "password", class: "lobby-password", autocomplete: "off", maxlength: 64, placeholder: "password", "aria-label": `Password for ${l.name}` })
          : null;
        const full = l.players >= l.maxPlayers;
        return h("li", { class: "item game-lobby", "data-lobby-id": l.id, "data-name": l.name, "data-players": l.players },
          h("span", { class: "grow" },
            h("strong", {}, l.name), ` · ${l.mode} · ${l.region} · host ${l.host.displayName} · `,
            h("span", { class: "players" }, `${l.players}/${l.maxPlayers}`), l.hasPassword ? " · password" : ""),
          password,
          h("button", {
            type: "button", class: "small", "aria-label": `Join ${l.name}`, disabled: seated || full || this.lobby?.id === l.id,
            onclick: () => void this.act(LobbyClientMessage.GameLobbyJoin, { lobbyId: l.id, ...(password?.value ? { password: password.value } : {}) }),
          }, full ? "Full" : "Join"),
        );
      }),
    );
  }

  private renderCurrent(): void {
    const l = this.lobby;
    this.current.hidden = !l;
    this.forms.hidden = !!l;
    this.renderList();
    if (!l) {
      replace(this.current);
      return;
    }
    const host = l.hostId === this.me;
    const self = l.members.find((m) => m.id === this.me);
    const teams = Array.from({ length: l.teamCount }, (_, team) =>
      h("div", { class: self?.team === team ? "team mine" : "team", "data-team": team },
        h("h3", {}, `Team ${team + 1}`),
        h("ul", { class: "list" },
          ...Array.from({ length: l.teamSize }, (_, slot) => {
            const m = l.members.find((x) => x.team === team && x.slot === slot);
            if (!m) {
              return h("li", { class: "item slot free", "data-team": team, "data-slot": slot },
                h("button", { type: "button", class: "link", "aria-label": `Take team ${team + 1} slot ${slot + 1}`, onclick: () => void this.act(LobbyClientMessage.GameLobbySlot, { team, slot }) }, "Free slot: take it"));
            }
            return h("li", { class: "item slot member", "data-username": m.username, "data-ready": String(m.ready), "data-team": team, "data-slot": slot },
              h("span", { class: "grow" }, h("strong", { title: `@${m.username}` }, m.displayName), m.id === l.hostId ? " (host)" : "", m.ready ? " ✓ ready" : " · not ready"),
              host && m.id !== this.me ? this.btn("Kick", `Remove ${m.displayName} from the lobby`, LobbyClientMessage.GameLobbyKick, { accountId: m.id }) : null,
            );
          }),
        ),
      ),
    );
    replace(
      this.current,
      h("h3", { id: "game-lobby-name-current" }, l.name),
      h("p", { id: "game-lobby-summary" },
        `${l.mode} · ${l.region} · ${l.visibility}${l.hasPassword ? " · password" : ""} · code `,
        h("strong", { id: "game-lobby-code" }, l.code),
        ` · ${l.members.length}/${l.teamCount * l.teamSize} players`),
      h("div", { class: "teams", id: "game-lobby-teams" }, ...teams),
      h("div", { class: "row" },
        self && !host
          ? h("button", { type: "button", id: "game-lobby-ready", class: "small", "aria-pressed": String(self.ready), onclick: () => void this.act(LobbyClientMessage.GameLobbyReady, { ready: !self.ready }) }, self.ready ? "Not ready" : "Ready")
          : null,
        host
          ? h("button", { type: "button", id: "game-lobby-start", class: "small", disabled: !l.canStart, title: l.canStart ? "" : "Needs two teams with players, everyone ready.", onclick: () => void this.act(LobbyClientMessage.GameLobbyStart, {}) }, "Start")
          : null,
        this.btn("Leave", "Leave the lobby", LobbyClientMessage.GameLobbyLeave, {}, { id: "game-lobby-leave" }),
      ),
    );
  }
}
