import { Lobby } from "./lobby";
import type { Session } from "./session";
import { announce, byId } from "./dom";
import { ChatView } from "./views/chat";
import { FriendsView } from "./views/friends";
import { GameLobbiesView } from "./views/game-lobbies";
import { HistoryView } from "./views/history";
import { MatchView } from "./views/match";
import { NotificationsView } from "./views/notifications";
import { PartyView } from "./views/party";
import { ProfileView } from "./views/profile";
import { QueueView } from "./views/queue";

/** A logged-in player's page: one lobby connection and the views that listen to it. */
export class App {
  readonly lobby: Lobby;
  readonly friends: FriendsView;
  readonly chat: ChatView;
  readonly queue: QueueView;
  readonly match: MatchView;
  readonly party: PartyView;
  readonly notifications: NotificationsView;
  readonly history: HistoryView;
  readonly gameLobbies: GameLobbiesView;
  readonly profile: ProfileView;

  constructor(readonly session: Session) {
    this.lobby = new Lobby(session);
    // Views register their handlers before the first join, so no message is missed.
    this.friends = new FriendsView(this);
    this.chat = new ChatView(this);
    this.queue = new QueueView(this);
    this.match = new MatchView(this);
    this.party = new PartyView(this);
    this.notifications = new NotificationsView(this);
    this.history = new HistoryView(this);
    this.gameLobbies = new GameLobbiesView(this);
    this.profile = new ProfileView(session);
    let wasDown = false;
    this.lobby.onState = (state, detail) => {
      const banner = byId("conn-banner");
      document.body.dataset.connection = state;
      if (state === "reconnecting") {
        wasDown = true;
        banner.textContent = "Connection lost: reconnecting…";
        banner.hidden = false;
      } else if (state === "closed") {
        banner.textContent = detail ?? "Disconnected.";
        banner.hidden = false;
      } else if (state === "online") {
        banner.hidden = true;
        if (wasDown) announce("Reconnected.");
        wasDown = false;
      }
    };
  }

  async start(): Promise<void> {
    this.profile.render();
    byId("me-bar").hidden = false;
    byId("app").hidden = false;
    this.party.render();
    this.friends.render();
    await this.lobby.start();
    // A party link (/play?party=ABCD-EFGH, a PartyView's joinCode.link): join once, after login.
    const code = new URLSearchParams(location.search).get("party");
    if (code) {
      history.replaceState(null, "", location.pathname);
      await this.party.joinByCode(code);
    }
  }

  async stop(): Promise<void> {
    await this.lobby.stop();
  }
}
