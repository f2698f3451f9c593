// #/overview: live headline numbers, the last hour's charts, connections per process, queues.
import { getOverview } from "../api.js";
import { lineChart } from "../chart.js";
import { append, clear, el, section } from "../dom.js";
import { fmtValue } from "../format.js";
import { currentView, every } from "../lifecycle.js";
import { stat, table } from "../tables.js";

/** @typedef {import("../api.js").AdminOverview} AdminOverview */

/** @param {HTMLElement} main */
export function overviewView(main) {
  const view = currentView();
  const body = el("div", { id: "overview" }, el("p", { className: "muted" }, "Loading…"));
  append(main, el("h1", null, "Overview"), el("p", { className: "muted" }, "Live: refreshes every 2 seconds."), body);
  every(async () => {
    const o = await getOverview();
    if (view.alive()) renderOverview(body, o);
  });
}

/**
 * @param {HTMLElement} body
 * @param {AdminOverview} o
 */
function renderOverview(body, o) {
  const queues = o.queues.queues;
  const win = o.queues.window;
  const processes = Object.entries(o.connectionsByProcess).map(([processId, connections]) => ({ processId, connections }));
  clear(body);
  append(
    body,
    el(
      "div",
      { className: "stats" },
      stat("stat-online", "Players online", o.playersOnline),
      stat("stat-lobbies", "Lobby rooms", o.rooms.lobby),
      stat("stat-matches", "Match rooms", o.rooms.match),
      stat("stat-queued", "Players queued", queues.reduce((n, q) => n + q.players, 0)),
      stat("stat-messages", "Chat messages / min", o.messagesPerMinute),
    ),
    el(
      "div",
      { className: "charts" },
      lineChart("chart-online", "Players online, last hour", o.series, "online"),
      lineChart("chart-messages", "Chat messages per minute, last hour", o.series, "messages"),
    ),
    el(
      "div",
      { className: "columns" },
      section("Connections per process", table(processes, [["processId", "Process"], ["connections", "Connections"]], { id: "process-table", empty: "No process reports connections." })),
      section(
        "Queues",
        table(queues, [["mode", "Mode"], ["region", "Region"], ["tickets", "Tickets"], ["players", "Players"]], { id: "queue-table", empty: "All queues are empty." }),
        el(
          "p",
          { className: "muted" },
          `Last ${fmtValue(win.minutes)} min: ${fmtValue(win.matches)} matches; time to match p50 ${fmtValue(win.waitP50Seconds)} s, p95 ${fmtValue(win.waitP95Seconds)} s; average quality ${fmtValue(win.averageQuality)}.`,
        ),
      ),
    ),
  );
}
