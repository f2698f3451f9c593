import type { Room } from "@colyseus/sdk";
import { CloseCode } from "../../../../shared/codes";
import { MatchClientMessage, MatchServerMessage, type MatchResultMessage } from "../../../../shared/schemas/match";
import type { MatchFoundMessage } from "../../../../shared/schemas/matchmaking";
import type { App } from "../app";
import { announce, byId, h, replace } from "../dom";

/** The match room's state as the SDK decodes it (no schema classes on the client). */
interface PlayerState { accountId: string; username: string; team: number; score: number; connected: boolean }
interface MatchState {
  phase: string;
  mode: string;
  targetScore: number;
  teamScores: Iterable<number>;
  players: { forEach(cb: (p: PlayerState) => void): void };
  winnerTeam: number;
}

/** Points the client sends per second at most: the server's flood limit (20/s) closes the connection. */
const MAX_SCORES_PER_SECOND = 10;

/** The race: joined from match.found, scored with the button or Space/Enter, ends with the result. */
export class MatchView {
  private room: Room | undefined;
  private team = 0;
  private sent: number[] = [];

  constructor(private readonly app: App) {
    byId("score-button").addEventListener("click", () => this.score());
    byId("match-close").addEventListener("click", () => (byId("match-view").hidden = true));
    document.addEventListener("keydown", (ev) => {
      if (!this.room || (ev.key !== " " && ev.key !== "Enter")) return;
      const target = ev.target as HTMLElement;
      if (target.closest("input, textarea, select, button, a, [role=tab]")) return;
      ev.preventDefault();
      this.score();
    });
  }

  async join(found: MatchFoundMessage): Promise<void> {
    this.team = found.team;
    const view = byId("match-view");
    view.hidden = false;
    byId("match-close").hidden = true;
    replace(byId("match-result"));
    this.phase(`Joining the ${found.mode} match…`);
    let room: Room;
    try {
      room = await this.app.session.client.colyseus.consumeSeatReservation(found.reservation as never);
    } catch (err) {
      this.phase(`Could not join the match: ${(err as Error).message}`);
      return;
    }
    this.room = room;
    this.app.queue.status(`In a ${found.mode} match.`);
    // The SDK's own reconnection keeps the seat within MATCH_RECONNECT_SECONDS, right away.
    room.reconnection.minUptime = 0;
    room.onStateChange((state: MatchState) => this.render(state));
    room.onMessage(MatchServerMessage.Result, (result: MatchResultMessage) => this.result(result));
    room.onMessage(MatchServerMessage.Error, (e: { code: string; message: string }) => {
      if (e.code !== "rate_limited") announce(e.message, "error");
    });
    room.onLeave((code: number) => {
      this.room = undefined;
      byId<HTMLButtonElement>("score-button").disabled = true;
      byId("match-close").hidden = false;
      this.app.queue.status("");
      if (code === CloseCode.MatchCancelled) this.phase("The match was called off: someone did not join in time.");
      else if (code !== CloseCode.MatchFinished) this.phase(`The match connection closed (code ${code}).`);
    });
    byId("score-button").focus();
  }

  private score(): void {
    const now = Date.now();
    this.sent = this.sent.filter((t) => now - t < 1000);
    if (!this.room || this.sent.length >= MAX_SCORES_PER_SECOND) return;
    this.sent.push(now);
    this.room.send(MatchClientMessage.Score, {});
  }

  private phase(text: string): void {
    byId("match-phase").textContent = text;
  }

  private render(state: MatchState): void {
    const teams = new Map<number, PlayerState[]>();
    state.players.forEach((p) => teams.set(p.team, [...(teams.get(p.team) ?? []), { ...p }]));
    const scores = [...state.teamScores];
    const playing = state.phase === "playing";
    byId<HTMLButtonElement>("score-button").disabled = !playing;
    this.phase(
      state.phase === "waiting" ? "Waiting for every player to join…"
        : playing ? `First team to ${state.targetScore} wins. Go!`
        : state.phase === "finished" ? "The match is over." : "The match was called off.",
    );
    replace(
      byId("match-teams"),
      ...[...teams.keys()].sort((a, b) => a - b).map((team) =>
        h("div", { class: team === this.team ? "team mine" : "team", "data-team": team },
          h("h3", {}, team === this.team ? "Your team" : `Team ${team + 1}`, " ", h("span", { class: "team-score", "aria-label": "team score" }, String(scores[team] ?? 0))),
          h("progress", { max: state.targetScore || 1, value: scores[team] ?? 0, "aria-label": `Team ${team + 1} progress` }),
          h("ul", {}, ...(teams.get(team) ?? []).map((p) => h("li", {}, p.username, ` ${p.score}`, p.connected ? "" : " (away)"))),
        ),
      ),
    );
  }

  private result(r: MatchResultMessage): void {
    const me = this.app.session.account.id;
    const mine = r.ratings.find((x) => x.accountId === me);
    const outcome = r.winnerTeam === null ? "Draw" : r.winnerTeam === this.team ? "Victory!" : "Defeat";
    const delta = mine ? mine.after - mine.before : 0;
    replace(
      byId("match-result"),
      h("p", { class: "outcome", id: "match-outcome" }, outcome, r.reason === "forfeit" ? " (by forfeit)" : ""),
      h("p", {}, `Score: ${r.scores.join(" – ")}`),
      mine ? h("p", { id: "rating-change" }, `Rating ${mine.before.toFixed(1)} → ${mine.after.toFixed(1)} (${delta >= 0 ? "+" : ""}${delta.toFixed(1)})`) : null,
    );
    void this.app.history.load();
  }
}
