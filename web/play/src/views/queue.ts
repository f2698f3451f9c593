import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { QueueUpdateMessage } from "../../../../shared/schemas/matchmaking";
import type { PartyView } from "../../../../shared/schemas/party";
import type { App } from "../app";
import { byId, elapsed } from "../dom";

const WHY: Record<NonNullable<QueueUpdateMessage["reason"]>, string> = {
  cancelled: "The search was cancelled.",
  party_changed: "The party changed: the search stopped.",
  member_left: "A party member left: the search stopped.",
  disconnected: "A player disconnected: the search stopped.",
  match_cancelled: "The match fell through because someone did not join.",
};

/** Queueing per mode and region, with the elapsed wait; match.found hands over to the match view. */
export class QueueView {
  private since: number | undefined;
  private label = "";
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly app: App) {
    const { lobby } = app;
    lobby.on("queue.update", (m) => this.update(m));
    lobby.on("match.found", (m) => {
      this.stopTicker();
      this.status(m.backfill ? `A ${m.mode} match in progress needs a player (${m.region}): joining…` : `Match found (${m.mode}, ${m.region}): joining…`);
      void app.match.join(m);
    });
    lobby.on("match.cancelled", (m) => this.status(m.requeued ? "The match was called off: back in the queue." : "The match was called off."));
    lobby.on("error", (e) => {
      if (e.type?.startsWith("queue.")) byId("queue-error").textContent = e.message;
    });
    byId("queue-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      byId("queue-error").textContent = "";
      const mode = byId<HTMLInputElement>("queue-mode").value.trim();
      const region = byId<HTMLInputElement>("queue-region").value.trim();
      void lobby.request(LobbyClientMessage.QueueJoin, { mode, region }).then((m) => this.update(m), (err: Error) => (byId("queue-error").textContent = err.message));
    });
    byId("queue-leave").addEventListener("click", () => void lobby.request(LobbyClientMessage.QueueLeave, {}).catch((err: Error) => (byId("queue-error").textContent = err.message)));
  }

  /** A searching party shows its search to every member (the leader queued it). */
  partyChanged(party: PartyView | null): void {
    if (party?.queue && this.since === undefined) this.update({ state: "searching", mode: party.queue.mode, region: party.queue.region, since: party.queue.since });
    const leader = !party || party.leaderId === this.app.session.account.id;
    byId<HTMLButtonElement>("queue-join").disabled = !leader;
    byId("queue-join").title = leader ? "" : "Only the party leader can queue the party.";
  }

  private update(m: QueueUpdateMessage): void {
    const searching = m.state === "searching";
    byId("queue-join").hidden = searching;
    byId("queue-leave").hidden = !searching;
    if (searching) {
      this.since = m.since ? Date.parse(m.since) : Date.now();
      this.label = `Searching ${m.mode ?? ""} in ${m.region ?? ""}`;
      this.stopTicker();
      const tick = () => this.status(`${this.label}… ${elapsed(Date.now() - (this.since ?? Date.now()))}`);
      tick();
      this.ticker = setInterval(tick, 1000);
      return;
    }
    this.stopTicker();
    if (m.state === "matched") this.status("Match found: joining…");
    else this.status(m.reason ? WHY[m.reason] : "");
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.since = undefined;
  }

  /** The match view says what the match is doing; the queue line follows it. */
  status(text: string): void {
    byId("queue-status").textContent = text;
  }
}
