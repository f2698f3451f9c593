import type { App } from "../app";
import { byId, h, replace } from "../dom";

/** The player's ratings per mode and their match history (paged). */
export class HistoryView {
  private cursor: string | undefined;

  constructor(private readonly app: App) {
    app.lobby.onJoined((how) => how === "first" && void this.load());
    byId("history-more").addEventListener("click", () => void this.more());
  }

  async load(): Promise<void> {
    const ratings = await this.app.session.api.ratings().catch(() => undefined);
    if (ratings) {
      replace(
        byId("ratings").querySelector("tbody")!,
        ratings.ratings.length === 0 ? h("tr", {}, h("td", { colspan: 3 }, "No rated matches yet.")) : null,
        ...ratings.ratings.map((r) => h("tr", { "data-mode": r.mode }, h("th", { scope: "row" }, r.mode), h("td", { class: "rating" }, r.display.toFixed(1)), h("td", { class: "games" }, String(r.games)))),
      );
    }
    replace(byId("history"));
    this.cursor = undefined;
    await this.more();
  }

  private async more(): Promise<void> {
    const page = await this.app.session.api.matchHistory({ limit: 10, ...(this.cursor ? { cursor: this.cursor } : {}) }).catch(() => undefined);
    if (!page) return;
    for (const m of page.items) {
      const opponents = m.teams.flatMap((team, i) => (i === m.you.team ? [] : team.map((p) => p.displayName)));
      const change = m.you.ratingAfter === null ? "not rated" : `${m.you.ratingBefore.toFixed(1)} → ${m.you.ratingAfter.toFixed(1)}`;
      byId("history").appendChild(
        h("li", { class: "item match-entry", "data-status": m.status },
          h("span", { class: "grow" },
            h("strong", {}, m.status === "cancelled" ? "Cancelled" : m.winnerTeam === null ? "Draw" : m.you.won ? "Won" : "Lost"),
            ` ${m.mode} (${m.region}) vs ${opponents.join(", ") || "?"} · ${change}`),
          h("time", { datetime: m.createdAt }, new Date(m.createdAt).toLocaleDateString()),
        ),
      );
    }
    this.cursor = page.nextCursor;
    byId("history-more").hidden = !page.nextCursor;
  }
}
