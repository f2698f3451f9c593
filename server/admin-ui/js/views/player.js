// #/players/<id>: one account (presence, sessions, ratings, matches, reports, sanctions) and the
// moderator actions the operator's role allows on it.
import { getPlayer, playerAction } from "../api.js";
import { askReason } from "../dialog.js";
import { append, clear, el, flash, section } from "../dom.js";
import { fmtTime, fmtValue } from "../format.js";
import { currentView, messageOf } from "../lifecycle.js";
import { belowMe, isModerator, ROLE_RANK, session } from "../session.js";
import { autoTable, table } from "../tables.js";

/** @typedef {import("../api.js").AdminPlayerDetail} AdminPlayerDetail */
/** @typedef {import("../api.js").PlayerAction} PlayerAction */
/** @typedef {import("../api.js").AccountRole} AccountRole */
/**
 * @typedef {{ id?: string, className?: string, durations?: boolean, permanent?: boolean, role?: AccountRole }} ActionOptions
 */

/**
 * @param {HTMLElement} main
 * @param {string} id
 */
export function playerView(main, id) {
  const view = currentView();
  const body = el("div", { id: "player-page" }, el("p", { className: "muted" }, "Loading…"));
  append(main, el("p", null, el("a", { href: "#/players" }, "← Players")), body);
  const load = async () => {
    try {
      const p = await getPlayer(id);
      if (view.alive()) renderPlayer(body, p, load);
    } catch (err) {
      if (view.alive()) clear(body).appendChild(el("p", { className: "error" }, messageOf(err)));
    }
  };
  void load();
}

/**
 * @param {AdminPlayerDetail["account"]} account
 * @param {() => void} reload
 */
function moderatorButtons(account, reload) {
  if (!isModerator() || account.id === session.operator?.id || !belowMe(account.role)) return null;
  /**
   * @param {PlayerAction} name
   * @param {string} label
   * @param {ActionOptions} [opts]
   */
  const action = (name, label, opts = {}) => {
    const onclick = async () => {
      const ok = await askReason({
        title: `${label} ${account.username}`,
        target: `Player ${account.username} (${account.id})`,
        durations: opts.durations,
        permanent: opts.permanent,
        submit: ({ reason, durationSeconds }) => playerAction(account.id, name, { ...(opts.role ? { role: opts.role } : {}), ...(opts.durations ? { reason, durationSeconds } : { reason }) }),
      });
      if (ok) {
        flash(`${label}: done.`, "ok");
        reload();
      }
    };
    return el("button", { type: "button", id: `action-${opts.id || name}`, className: opts.className || "danger", onclick }, label);
  };
  const roles = /** @type {AccountRole[]} */ (Object.keys(ROLE_RANK)).filter((r) => r !== account.role && belowMe(r));
  return el(
    "div",
    { className: "actions", id: "moderator-actions" },
    action("kick", "Kick", { className: "secondary" }),
    action("end-sessions", "End sessions", { className: "secondary" }),
    action("mute", "Mute", { durations: true }),
    action("ban", "Ban", { durations: true, permanent: true }),
    action("unban", "Unban", { className: "secondary" }),
    account.disabledAt ? action("enable", "Enable", { className: "secondary" }) : action("disable", "Disable"),
    ...roles.map((r) => action("role", `Make ${r}`, { id: `role-${r}`, className: "secondary", role: r })),
  );
}

/**
 * @param {HTMLElement} body
 * @param {AdminPlayerDetail} p
 * @param {() => void} reload
 */
function renderPlayer(body, p, reload) {
  const a = p.account;
  const presence = p.presence;
  const activeBan = p.sanctions.find((s) => s.kind === "ban" && !s.revokedAt && (!s.expiresAt || new Date(s.expiresAt) > new Date()));
  clear(body);
  append(
    body,
    el(
      "h1",
      null,
      el("span", { id: "player-name" }, a.username),
      " ",
      el("span", { className: presence.status && presence.status !== "offline" ? "badge ok" : "badge", id: "player-presence" }, presence.status || "offline"),
      activeBan ? el("span", { className: "badge bad", id: "player-banned" }, "banned") : null,
    ),
    moderatorButtons(a, reload),
    el(
      "div",
      { className: "columns" },
      section(
        "Account",
        el(
          "dl",
          { className: "facts" },
          el("dt", null, "ID"),
          el("dd", null, a.id),
          el("dt", null, "Display name"),
          el("dd", { id: "player-display-name" }, a.displayName),
          el("dt", null, "Role"),
          el("dd", { id: "player-role" }, fmtValue(a.role)),
          el("dt", null, "Created"),
          el("dd", null, fmtTime(a.createdAt)),
          el("dt", null, "Disabled"),
          el("dd", null, fmtTime(a.disabledAt)),
          el("dt", null, "Guest"),
          el("dd", { id: "player-guest" }, a.guest ? "yes (no password yet)" : "no"),
          el("dt", null, "Email"),
          el("dd", { id: "player-email" }, a.email ? `${a.email} (${a.emailVerified ? "verified" : "not verified"})` : "—"),
          el("dt", null, "Presence"),
          el("dd", null, fmtValue(presence.status), presence.activity ? ` — ${fmtValue(presence.activity)}` : ""),
          el("dt", null, "Friends"),
          el("dd", { id: "player-friends" }, fmtValue(p.friendsCount)),
        ),
      ),
      section("Ratings", table(p.ratings, [["mode", "Mode"], ["rating", "Rating"], ["games", "Games"]], { id: "rating-table", empty: "No rated games." })),
    ),
    section("Sessions", autoTable(p.sessions, { empty: "No sessions." })),
    section("Recent matches", autoTable(p.recentMatches, { empty: "No matches." })),
    section(
      "Reports against this player",
      table(
        p.reports,
        [
          ["createdAt", "Reported"],
          ["reporter", "Reporter"],
          ["reason", "Reason"],
          [(r) => el("span", { className: "quote" }, fmtValue(r.text)), "Message"],
          ["resolvedAt", "Resolved"],
        ],
        { empty: "No reports." },
      ),
    ),
    section(
      "Sanctions",
      table(
        p.sanctions,
        [
          ["kind", "Kind"],
          ["reason", "Reason"],
          ["createdAt", "Since"],
          [(s) => (s.expiresAt ? fmtTime(s.expiresAt) : s.kind === "ban" || s.kind === "mute" ? "permanent" : "—"), "Until"],
          ["revokedAt", "Revoked"],
          ["by", "By"],
        ],
        { id: "sanction-table", empty: "No sanctions." },
      ),
    ),
  );
}
