// #/rooms: lobby rooms per process, parties, custom game lobbies, matches in progress, queues; live.
import { getGameLobbies, getOverview, getRooms } from "../api.js";
import { append, clear, el, section } from "../dom.js";
import { fmtPlayer, fmtValue } from "../format.js";
import { currentView, every } from "../lifecycle.js";
import { table } from "../tables.js";

/** @param {ReadonlyArray<{ username: string, displayName?: string }>} list */
const names = (list) => list.map(fmtPlayer).join(", ");

/** @param {HTMLElement} main */
export function roomsView(main) {
  const view = currentView();
  const body = el("div", { id: "rooms" }, el("p", { className: "muted" }, "Loading…"));
  append(main, el("h1", null, "Rooms & queues"), el("p", { className: "muted" }, "Live: refreshes every 2 seconds."), body);
  every(async () => {
    const [rooms, overview, gameLobbies] = await Promise.all([getRooms(), getOverview(), getGameLobbies()]);
    if (!view.alive()) return;
    const queues = overview.queues.queues;
    const win = overview.queues.window;
    clear(body);
    append(
      body,
      section("Lobby rooms", table(rooms.lobbies, [["roomId", "Room"], ["processId", "Process"], ["clients", "Clients"]], { id: "lobby-table", empty: "No lobby rooms." })),
      section("Parties", table(rooms.parties, [["id", "Party"], ["leader", "Leader"], [(p) => names(p.members), "Members"]], { id: "party-table", empty: "No parties." })),
      section(
        "Game lobbies",
        table(
          gameLobbies.items,
          [
            ["name", "Name"],
            ["mode", "Mode"],
            ["region", "Region"],
            [(l) => fmtPlayer(l.host), "Host"],
            [(l) => `${l.players}/${l.maxPlayers}`, "Players"],
            [(l) => `${l.visibility}${l.hasPassword ? ", password" : ""}`, "Access"],
          ],
          { id: "game-lobby-table", empty: "No game lobbies." },
        ),
      ),
      section(
        "Matches",
        table(
          rooms.matches,
          [
            ["id", "Match"],
            ["mode", "Mode"],
            ["status", "Status"],
            ["roomId", "Room"],
            [(m) => m.players.map((pl) => `${fmtPlayer(pl)}${pl.team !== undefined && pl.team !== null ? ` (team ${pl.team})` : ""}`).join(", "), "Players"],
          ],
          { id: "match-table", empty: "No matches in progress." },
        ),
      ),
      section(
        "Queues",
        table(queues, [["mode", "Mode"], ["region", "Region"], ["tickets", "Tickets"], ["players", "Players"]], { empty: "All queues are empty." }),
        el("p", { className: "muted" }, `Time to match (last ${fmtValue(win.minutes)} min): p50 ${fmtValue(win.waitP50Seconds)} s, p95 ${fmtValue(win.waitP95Seconds)} s.`),
      ),
    );
  });
}
