import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { Notification } from "../../../../shared/schemas/notifications";
import type { App } from "../app";
import { byId, h, replace, time } from "../dom";

const TEXT: Record<Notification["type"], string> = {
  friend_request: "sent you a friend request",
  friend_accepted: "accepted your friend request",
  friend_removed: "removed you from their friends",
  friend_online: "came online",
};

/** The inbox: unread ones delivered at login (also those that came while offline), then live. */
export class NotificationsView {
  private readonly items = new Map<string, Notification>();
  private unread = 0;

  constructor(private readonly app: App) {
    app.lobby.on("notifications.unread", (m) => {
      this.unread = m.count;
      for (const n of m.items) this.items.set(n.id, n);
      this.render();
    });
    app.lobby.on("notification", (n) => {
      if (!this.items.has(n.id) && !n.read) this.unread += 1;
      this.items.set(n.id, n);
      this.render();
    });
    byId("notif-read-all").addEventListener("click", () => {
      app.lobby.send(LobbyClientMessage.NotificationsRead, { all: true });
      for (const n of this.items.values()) n.read = true;
      this.unread = 0;
      this.render();
    });
  }

  private render(): void {
    byId("notif-count").textContent = this.unread > 0 ? String(this.unread) : "";
    const items = [...this.items.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 30);
    replace(
      byId("notif-list"),
      items.length === 0 ? h("li", { class: "empty" }, "Nothing new.") : null,
      ...items.map((n) =>
        h("li", { class: n.read ? "item read" : "item unread" },
          h("span", { class: "grow" }, h("strong", { title: n.actor ? `@${n.actor.username}` : undefined }, n.actor?.displayName ?? "Someone"), ` ${TEXT[n.type]}`),
          h("time", { datetime: n.createdAt }, time(n.createdAt)),
        ),
      ),
    );
  }
}
