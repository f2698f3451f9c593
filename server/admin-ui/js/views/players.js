// #/players: search accounts by username or display name prefix; each result links to its player page.
import { searchPlayers } from "../api.js";
import { append, clear, el, flash } from "../dom.js";
import { currentView, messageOf, onViewEnd } from "../lifecycle.js";
import { table } from "../tables.js";

/** @param {HTMLElement} main */
export function playersView(main) {
  const view = currentView();
  const input = el("input", { id: "player-search", type: "search", placeholder: "Username or display name prefix", autocomplete: "off", maxlength: "32" });
  const results = el("div", { id: "player-results" });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pending;
  const search = async () => {
    const q = input.value.trim();
    try {
      const res = await searchPlayers(q);
      if (!view.alive() || q !== input.value.trim()) return;
      clear(results).appendChild(
        table(
          res.items,
          [
            [(p) => el("a", { href: `#/players/${encodeURIComponent(p.id)}`, className: "player-link", dataset: { id: p.id } }, p.username), "Username"],
            ["displayName", "Display name"],
            ["role", "Role"],
            ["createdAt", "Created"],
            [(p) => el("span", { className: p.online ? "badge ok" : "badge" }, p.online ? "online" : "offline"), "Presence"],
            [(p) => (p.banned ? el("span", { className: "badge bad" }, "banned") : "—"), "Banned"],
          ],
          { id: "player-table", empty: "No player matches." },
        ),
      );
    } catch (err) {
      if (view.alive()) flash(messageOf(err), "error");
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(search, 200);
  });
  onViewEnd(() => clearTimeout(pending));
  const onsubmit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    void search();
  };
  const form = el("form", { className: "search", onsubmit }, input, el("button", { type: "submit", id: "player-search-submit" }, "Search"));
  append(main, el("h1", null, "Players"), form, results);
  input.focus();
  void search();
}
