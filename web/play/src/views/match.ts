import type { MatchConnection, MatchOutcome, MatchStateView } from "../../../../shared/client";
import type { MatchResultMessage } from "../../../../shared/schemas/match";
import type { MatchFoundMessage, MatchSpectateReply } from "../../../../shared/schemas/matchmaking";
import type { App } from "../app";
import { byId, h, replace } from "../dom";

/** Presses queued at most: the SDK's score() paces points to the server's cooldown. */
const MAX_PENDING_SCORES = 2;

/**
 * The race: joined from match.found with the SDK's joinMatch (which keeps the seat across a
 * drop within MATCH_RECONNECT_SECONDS), scored with the button or Space/Enter, ends with the result.
 */
export class MatchView {
  private match: MatchConnection | undefined;
  private team = 0;
  private pending = 0;

  constructor(private readonly app: App) {
    byId("score-button").addEventListener("click", () => this.score());
    byId("match-close").addEventListener("click", () => (byId("match-view").hidden = true));
    document.addEventListener("keydown", (ev) => {
      if (!this.match || (ev.key !== " " && ev.key !== "Enter")) return;
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
    let match: MatchConnection;
    try {
      match = await this.app.session.client.joinMatch(found);
    } catch (err) {
      this.phase(`Could not join the match: ${(err as Error).message}`);
      return;
    }
    this.match = match;
    this.pending = 0;
    this.app.queue.status(`In a ${found.mode} match.`);
    void match.outcome.then((o) => this.ended(o));
    match.onState((s) => this.render(s));
    match.onStatus((s) => {
      if (s.state === "reconnecting") this.phase("Connection lost: reconnecting to the match…");
    });
    // Until the first patch the room's state is still empty.
    if (match.state?.players) this.render(match.state);
    byId("score-button").focus();
  }

  /** Watches a friend's match (read-only, the reply's delay behind): no scoring, no result message. */
  async watch(seat: MatchSpectateReply, friend: string): Promise<void> {
    this.team = -1;
    byId("match-view").hidden = false;
    byId("match-close").hidden = true;
    byId("score-button").hidden = true;
    byId("match-heading").textContent = `Watching ${friend}`;
    replace(byId("match-result"));
    this.phase(`Joining as a spectator${seat.delaySeconds > 0 ? ` (${seat.delaySeconds} s behind)` : ""}…`);
    const room = await this.app.session.client.watchMatch(seat);
    const show = () => {
      const state = (room.state as { toJSON?: () => MatchStateView }).toJSON?.();
      if (state?.players) this.render(state, true);
    };
    room.onStateChange(show);
    show();
    room.onLeave((code) => {
      byId("match-close").hidden = false;
      byId("score-button").hidden = false;
      byId("match-heading").textContent = "Match";
      if (code === 4201) this.phase("The match was called off.");
      else if (code !== 4202) this.phase(`The spectator connection closed (code ${code}).`);
    });
  }

  private score(): void {
    const match = this.match;
    if (!match || this.pending >= MAX_PENDING_SCORES) return;
    this.pending += 1;
    void match
      .score()
      .catch(() => false)
      .finally(() => (this.pending = Math.max(0, this.pending - 1)));
  }

  private ended(o: MatchOutcome): void {
    this.match = undefined;
    byId<HTMLButtonElement>("score-button").disabled = true;
    byId("match-close").hidden = false;
    this.app.queue.status("");
    if (o.kind === "finished") this.result(o.result);
    else if (o.kind === "cancelled") this.phase("The match was called off: someone did not join in time.");
    else this.phase(`The match connection closed (code ${o.code}).`);
  }

  private phase(text: string): void {
    byId("match-phase").textContent = text;
  }

  private render(state: MatchStateView, watching = false): void {
    const teams = new Map<number, MatchStateView["players"][string][]>();
    for (const p of Object.values(state.players ?? {})) teams.set(p.team, [...(teams.get(p.team) ?? []), p]);
    const scores = state.teamScores ?? [];
    const playing = state.phase === "playing";
    byId<HTMLButtonElement>("score-button").disabled = !playing || watching;
    const over = state.phase === "finished" ? (state.winnerTeam >= 0 ? `The match is over: team ${state.winnerTeam + 1} won.` : "The match is over.") : "The match was called off.";
    this.phase(
      state.phase === "waiting" ? "Waiting for every player to join…"
        : playing ? (watching ? `Spectating: first team to ${state.targetScore} wins.` : `First team to ${state.targetScore} wins. Go!`)
        : watching ? over : state.phase === "finished" ? "The match is over." : "The match was called off.",
    );
    replace(
      byId("match-teams"),
      ...[...teams.keys()].sort((a, b) => a - b).map((team) =>
        h("div", { class: team === this.team ? "team mine" : "team", "data-team": team },
          h("h3", {}, team === this.team ? "Your team" : `Team ${team + 1}`, " ", h("span", { class: "team-score", "aria-label": "team score" }, String(scores[team] ?? 0))),
          h("progress", { max: state.targetScore || 1, value: scores[team] ?? 0, "aria-label": `Team ${team + 1} progress` }),
          h("ul", {}, ...(teams.get(team) ?? []).map((p) => h("li", { title: `@${p.username}` }, p.displayName, ` ${p.score}`, p.left ? " (left)" : p.connected ? "" : " (away)", p.backfill ? " (joined in progress)" : ""))),
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
