// Operator console for the lobby backend. Plain browser JavaScript, no build step.
//
// Safety rules this file keeps everywhere:
// - Every string that comes from the API (usernames, chat text, reasons, ...) reaches the DOM as a
//   text node (textContent / createTextNode). innerHTML is never used.
// - The operator token lives in sessionStorage (this tab only) and is sent as a Bearer header; no
//   cookie carries it, so cross-site requests cannot ride on it.
// - The page runs under a strict Content-Security-Policy (no inline script or style).
"use strict";

(() => {
  const TOKEN_KEY = "lobby-admin.token";
  const OPERATOR_KEY = "lobby-admin.operator";
  const REFRESH_MS = 2000;
  const SVG_NS = "http://www.w3.org/2000/svg";

  /** @type {{token: string|null, operator: {id:string, username:string, role:string}|null}} */
  const state = { token: null, operator: null };
  /** Timers and cleanups of the current view; cleared on every navigation. */
  let viewCleanups = [];
  /** Incremented on every navigation so that late responses of an old view are dropped. */
  let viewGeneration = 0;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- DOM helpers (text only)

  /**
   * el("tr", {className: "x", dataset: {id: "1"}, onclick: fn}, "text", childNode, ...)
   * Strings and numbers become text nodes; null/undefined/false children are skipped.
   */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === "dataset") Object.assign(node.dataset, value);
        else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
        else if (key === "className" || key === "textContent" || key === "type" || key === "value" || key === "href" || key === "title" || key === "disabled" || key === "hidden" || key === "placeholder")
          node[key] = value;
        else node.setAttribute(key, String(value));
      }
    }
    append(node, ...children);
    return node;
  }

  function append(node, ...children) {
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    return node;
  }

  function fmtTime(value) {
    if (!value) return "—";
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
  }

  function fmtValue(value) {
    if (value === null || value === undefined || value === "") return "—";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
    if (typeof value === "string") return /^\d{4}-\d\d-\d\dT/.test(value) ? fmtTime(value) : value;
    if (Array.isArray(value)) return value.map(fmtValue).join(", ");
    if (typeof value === "object") {
      if (typeof value.username === "string") return value.username;
      return JSON.stringify(value);
    }
    return String(value);
  }

  /** A table of objects: `columns` are [key, header] or [fn, header]. */
  function table(rows, columns, opts = {}) {
    if (!rows || rows.length === 0) return el("p", { className: "muted empty" }, opts.empty || "Nothing here.");
    const head = el("tr", null, columns.map(([, header]) => el("th", null, header)));
    const body = rows.map((row) => {
      const tr = el("tr", opts.rowProps ? opts.rowProps(row) : null);
      for (const [key] of columns) {
        const value = typeof key === "function" ? key(row) : row[key];
        tr.appendChild(el("td", null, value instanceof Node ? value : fmtValue(value)));
      }
      return tr;
    });
    return el("table", { className: "grid", id: opts.id }, el("thead", null, head), el("tbody", null, body));
  }

  /** A table for arrays of unknown shape: one column per key of the first rows. */
  function autoTable(rows, opts = {}) {
    if (!rows || rows.length === 0) return el("p", { className: "muted empty" }, opts.empty || "Nothing here.");
    const keys = [];
    for (const row of rows.slice(0, 20)) for (const k of Object.keys(row || {})) if (!keys.includes(k)) keys.push(k);
    return table(rows, keys.map((k) => [k, k]), opts);
  }

  function section(title, ...children) {
    return el("section", { className: "card" }, el("h2", null, title), ...children);
  }

  function stat(id, label, value) {
    return el("div", { className: "stat" }, el("div", { className: "stat-label" }, label), el("div", { className: "stat-value", id }, fmtValue(value)));
  }

  let flashTimer;
  function flash(message, kind = "info") {
    const node = $("flash");
    node.textContent = message;
    node.className = `flash ${kind}`;
    node.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => (node.hidden = true), 6000);
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const err = data && data.error ? data.error : {};
      if (res.status === 401 && state.token && !path.endsWith("/login")) {
        logout("Your session ended. Log in again.");
      }
      throw new ApiError(res.status, err.code || "http_" + res.status, err.message || `Request failed (${res.status}).`);
    }
    return data;
  }

  // Admins can do everything moderators can (and also manage operators, through the API).
  const isModerator = () => state.operator && (state.operator.role === "moderator" || state.operator.role === "admin");

  // ---------------------------------------------------------------- session

  function loadSession() {
    try {
      state.token = sessionStorage.getItem(TOKEN_KEY);
      const op = sessionStorage.getItem(OPERATOR_KEY);
      state.operator = op ? JSON.parse(op) : null;
    } catch {
      state.token = null;
      state.operator = null;
    }
    if (!state.token || !state.operator) {
      state.token = null;
      state.operator = null;
    }
  }

  function saveSession(token, operator) {
    state.token = token;
    state.operator = operator;
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(OPERATOR_KEY, JSON.stringify(operator));
  }

  function logout(message) {
    state.token = null;
    state.operator = null;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(OPERATOR_KEY);
    stopView();
    showLogin();
    if (message) $("login-error").textContent = message;
  }

  function showLogin() {
    $("login-view").hidden = false;
    $("main").hidden = true;
    $("nav").hidden = true;
    $("logout").hidden = true;
    $("whoami").textContent = "";
    $("login-username").focus();
  }

  function showApp() {
    $("login-view").hidden = true;
    $("main").hidden = false;
    $("nav").hidden = false;
    $("logout").hidden = false;
    $("whoami").textContent = `${state.operator.username} (${state.operator.role})`;
    document.body.classList.toggle("role-viewer", !isModerator());
  }

  async function onLogin(event) {
    event.preventDefault();
    const errorNode = $("login-error");
    errorNode.textContent = "";
    $("login-submit").disabled = true;
    try {
      const res = await api("POST", "/admin/api/login", {
        username: $("login-username").value,
        password: $("login-password").value,
      });
      $("login-password").value = "";
      saveSession(res.accessToken, res.operator);
      showApp();
      if (!location.hash || location.hash === "#/" || location.hash === "#") location.hash = "#/overview";
      else route();
    } catch (err) {
      errorNode.textContent = err.message;
    } finally {
      $("login-submit").disabled = false;
    }
  }

  // ---------------------------------------------------------------- routing

  function stopView() {
    viewGeneration += 1;
    for (const fn of viewCleanups) fn();
    viewCleanups = [];
  }

  /** Runs `fn` now and every REFRESH_MS until the view changes; never overlaps itself. */
  function every(fn) {
    const generation = viewGeneration;
    let timer;
    const tick = async () => {
      try {
        await fn();
      } catch (err) {
        if (generation === viewGeneration && !(err instanceof ApiError && err.status === 401)) flash(err.message, "error");
      }
      if (generation === viewGeneration) timer = setTimeout(tick, REFRESH_MS);
    };
    viewCleanups.push(() => clearTimeout(timer));
    tick();
  }

  const alive = (generation) => generation === viewGeneration;

  function route() {
    if (!state.token) return showLogin();
    stopView();
    $("flash").hidden = true;
    const hash = location.hash.replace(/^#\/?/, "");
    const [view, ...rest] = hash.split("/");
    for (const a of document.querySelectorAll("#nav a")) a.classList.toggle("active", a.dataset.view === (view || "overview"));
    const main = clear($("main"));
    main.dataset.view = view || "overview";
    switch (view) {
      case "players":
        if (rest[0]) return playerView(main, decodeURIComponent(rest[0]));
        return playersView(main);
      case "rooms":
        return roomsView(main);
      case "chat":
        return chatView(main);
      case "audit":
        return auditView(main);
      default:
        return overviewView(main);
    }
  }

  // ---------------------------------------------------------------- charts (inline SVG via DOM)

  function lineChart(id, title, points, key) {
    const width = 360;
    const height = 120;
    const pad = 24;
    const values = points.map((p) => Number(p[key]) || 0);
    const max = Math.max(1, ...values);
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", id });
    const label = svg("title");
    label.textContent = title;
    root.appendChild(label);
    root.appendChild(svg("line", { x1: pad, y1: height - pad, x2: width - 4, y2: height - pad, class: "axis" }));
    root.appendChild(svg("line", { x1: pad, y1: 6, x2: pad, y2: height - pad, class: "axis" }));
    const maxText = svg("text", { x: pad - 4, y: 14, class: "tick", "text-anchor": "end" });
    maxText.textContent = String(max);
    root.appendChild(maxText);
    const zeroText = svg("text", { x: pad - 4, y: height - pad, class: "tick", "text-anchor": "end" });
    zeroText.textContent = "0";
    root.appendChild(zeroText);
    if (values.length > 0) {
      const step = values.length > 1 ? (width - 4 - pad) / (values.length - 1) : 0;
      const coords = values.map((v, i) => `${(pad + i * step).toFixed(1)},${(height - pad - (v / max) * (height - pad - 8)).toFixed(1)}`);
      root.appendChild(svg("polyline", { points: coords.join(" "), class: "series" }));
      if (points[0] && points[0].at) {
        const first = svg("text", { x: pad, y: height - 6, class: "tick" });
        first.textContent = new Date(points[0].at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        const last = svg("text", { x: width - 4, y: height - 6, class: "tick", "text-anchor": "end" });
        last.textContent = new Date(points[points.length - 1].at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        root.append(first, last);
      }
    }
    return el("figure", { className: "chart-box" }, el("figcaption", null, title), root);
  }

  // ---------------------------------------------------------------- Overview

  function overviewView(main) {
    const generation = viewGeneration;
    const body = el("div", { id: "overview" }, el("p", { className: "muted" }, "Loading…"));
    append(main, el("h1", null, "Overview"), el("p", { className: "muted" }, "Live: refreshes every 2 seconds."), body);
    every(async () => {
      const o = await api("GET", "/admin/api/overview");
      if (!alive(generation)) return;
      renderOverview(body, o);
    });
  }

  function renderOverview(body, o) {
    const queues = (o.queues && o.queues.queues) || [];
    const win = (o.queues && o.queues.window) || {};
    const processes = Object.entries(o.connectionsByProcess || {}).map(([processId, connections]) => ({ processId, connections }));
    const series = o.series || [];
    clear(body);
    append(
      body,
      el(
        "div",
        { className: "stats" },
        stat("stat-online", "Players online", o.playersOnline),
        stat("stat-lobbies", "Lobby rooms", o.rooms ? o.rooms.lobby : 0),
        stat("stat-matches", "Match rooms", o.rooms ? o.rooms.match : 0),
        stat("stat-queued", "Players queued", queues.reduce((n, q) => n + (q.players || 0), 0)),
        stat("stat-messages", "Chat messages / min", o.messagesPerMinute),
      ),
      el(
        "div",
        { className: "charts" },
        lineChart("chart-online", "Players online, last hour", series, "online"),
        lineChart("chart-messages", "Chat messages per minute, last hour", series, "messages"),
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

  // ---------------------------------------------------------------- Players

  function playersView(main) {
    const generation = viewGeneration;
    const input = el("input", { id: "player-search", type: "search", placeholder: "Username prefix", autocomplete: "off", maxlength: "32" });
    const results = el("div", { id: "player-results" });
    let pending;
    const search = async () => {
      const q = input.value.trim();
      try {
        const res = await api("GET", `/admin/api/players?q=${encodeURIComponent(q)}`);
        if (!alive(generation) || q !== input.value.trim()) return;
        clear(results).appendChild(
          table(
            res.items,
            [
              [(p) => el("a", { href: `#/players/${encodeURIComponent(p.id)}`, className: "player-link", dataset: { id: p.id } }, p.username), "Username"],
              ["role", "Role"],
              ["createdAt", "Created"],
              [(p) => el("span", { className: p.online ? "badge ok" : "badge" }, p.online ? "online" : "offline"), "Presence"],
              [(p) => (p.banned ? el("span", { className: "badge bad" }, "banned") : "—"), "Banned"],
            ],
            { id: "player-table", empty: "No player matches." },
          ),
        );
      } catch (err) {
        if (alive(generation)) flash(err.message, "error");
      }
    };
    input.addEventListener("input", () => {
      clearTimeout(pending);
      pending = setTimeout(search, 200);
    });
    viewCleanups.push(() => clearTimeout(pending));
    const form = el("form", { className: "search", onsubmit: (e) => (e.preventDefault(), search()) }, input, el("button", { type: "submit", id: "player-search-submit" }, "Search"));
    append(main, el("h1", null, "Players"), form, results);
    input.focus();
    search();
  }

  const DURATIONS = [
    ["600", "10 minutes"],
    ["3600", "1 hour"],
    ["86400", "1 day"],
    ["604800", "7 days"],
    ["2592000", "30 days"],
  ];

  /**
   * Asks for a reason (and a duration for mute/ban) in a modal dialog; resolves with
   * {reason, durationSeconds} or null when cancelled. `submit` performs the action and may throw.
   */
  function askReason({ title, target, durations, permanent, submit }) {
    const dialog = $("action-dialog");
    $("action-title").textContent = title;
    $("action-target").textContent = target;
    $("action-reason").value = "";
    $("action-error").textContent = "";
    const select = clear($("action-duration"));
    $("action-duration-label").hidden = !durations;
    if (durations) {
      for (const [value, label] of DURATIONS) select.appendChild(el("option", { value }, label));
      if (permanent) select.appendChild(el("option", { value: "permanent" }, "Permanent"));
    }
    return new Promise((resolve) => {
      const done = (result) => {
        form.removeEventListener("submit", onSubmit);
        cancel.removeEventListener("click", onCancel);
        dialog.removeEventListener("cancel", onCancel);
        if (dialog.open) dialog.close();
        resolve(result);
      };
      const form = $("action-form");
      const cancel = $("action-cancel");
      const onCancel = (e) => {
        e.preventDefault();
        done(null);
      };
      const onSubmit = async (e) => {
        e.preventDefault();
        const reason = $("action-reason").value.trim();
        if (!reason) {
          $("action-error").textContent = "A reason is required.";
          return;
        }
        const choice = select.value;
        const durationSeconds = !durations ? undefined : choice === "permanent" ? null : Number(choice);
        $("action-confirm").disabled = true;
        try {
          const result = await submit({ reason, durationSeconds });
          done(result ?? true);
        } catch (err) {
          $("action-error").textContent = err.message;
        } finally {
          $("action-confirm").disabled = false;
        }
      };
      form.addEventListener("submit", onSubmit);
      cancel.addEventListener("click", onCancel);
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      $("action-reason").focus();
    });
  }

  // The rule the API enforces (docs/admin.md): act only on roles below yours, give only roles below
  // yours; admins act on every account but their own and give any role.
  const ROLE_RANK = { player: 0, viewer: 1, moderator: 2, admin: 3 };
  const belowMe = (role) => state.operator.role === "admin" || ROLE_RANK[role] < ROLE_RANK[state.operator.role];

  function moderatorButtons(account, reload) {
    if (!isModerator() || account.id === state.operator.id || !belowMe(account.role)) return null;
    const id = encodeURIComponent(account.id);
    const action = (name, label, opts = {}) =>
      el(
        "button",
        {
          type: "button",
          id: `action-${opts.id || name}`,
          className: opts.className || "danger",
          onclick: async () => {
            const ok = await askReason({
              title: `${label} ${account.username}`,
              target: `Player ${account.username} (${account.id})`,
              durations: opts.durations,
              permanent: opts.permanent,
              submit: ({ reason, durationSeconds }) =>
                api("POST", `/admin/api/players/${id}/${name}`, { ...opts.body, ...(opts.durations ? { reason, durationSeconds } : { reason }) }),
            });
            if (ok) {
              flash(`${label}: done.`, "ok");
              reload();
            }
          },
        },
        label,
      );
    const roles = Object.keys(ROLE_RANK).filter((r) => r !== account.role && belowMe(r));
    return el(
      "div",
      { className: "actions", id: "moderator-actions" },
      action("kick", "Kick", { className: "secondary" }),
      action("mute", "Mute", { durations: true }),
      action("ban", "Ban", { durations: true, permanent: true }),
      action("unban", "Unban", { className: "secondary" }),
      account.disabledAt ? action("enable", "Enable", { className: "secondary" }) : action("disable", "Disable"),
      ...roles.map((r) => action("role", `Make ${r}`, { id: `role-${r}`, className: "secondary", body: { role: r } })),
    );
  }

  function playerView(main, id) {
    const generation = viewGeneration;
    const body = el("div", { id: "player-page" }, el("p", { className: "muted" }, "Loading…"));
    append(main, el("p", null, el("a", { href: "#/players" }, "← Players")), body);
    const load = async () => {
      try {
        const p = await api("GET", `/admin/api/players/${encodeURIComponent(id)}`);
        if (alive(generation)) renderPlayer(body, p, load);
      } catch (err) {
        if (alive(generation)) clear(body).appendChild(el("p", { className: "error" }, err.message));
      }
    };
    load();
  }

  function renderPlayer(body, p, reload) {
    const a = p.account || {};
    const presence = p.presence || {};
    const activeBan = (p.sanctions || []).find((s) => s.kind === "ban" && !s.revokedAt && (!s.expiresAt || new Date(s.expiresAt) > new Date()));
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
            el("dt", null, "Role"),
            el("dd", { id: "player-role" }, fmtValue(a.role)),
            el("dt", null, "Created"),
            el("dd", null, fmtTime(a.createdAt)),
            el("dt", null, "Disabled"),
            el("dd", null, fmtTime(a.disabledAt)),
            el("dt", null, "Presence"),
            el("dd", null, fmtValue(presence.status), presence.activity ? ` — ${fmtValue(presence.activity)}` : ""),
            el("dt", null, "Friends"),
            el("dd", { id: "player-friends" }, fmtValue(p.friendsCount)),
          ),
        ),
        section("Ratings", table(p.ratings, [["mode", "Mode"], ["display", "Rating"], ["games", "Games"]], { empty: "No rated games." })),
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

  // ---------------------------------------------------------------- Rooms & queues

  function roomsView(main) {
    const generation = viewGeneration;
    const body = el("div", { id: "rooms" }, el("p", { className: "muted" }, "Loading…"));
    append(main, el("h1", null, "Rooms & queues"), el("p", { className: "muted" }, "Live: refreshes every 2 seconds."), body);
    every(async () => {
      const [rooms, overview] = await Promise.all([api("GET", "/admin/api/rooms"), api("GET", "/admin/api/overview")]);
      if (!alive(generation)) return;
      const queues = (overview.queues && overview.queues.queues) || [];
      const win = (overview.queues && overview.queues.window) || {};
      const names = (list) => (list || []).map((m) => m.username).join(", ");
      clear(body);
      append(
        body,
        section("Lobby rooms", table(rooms.lobbies, [["roomId", "Room"], ["processId", "Process"], ["clients", "Clients"]], { id: "lobby-table", empty: "No lobby rooms." })),
        section(
          "Parties",
          table(rooms.parties, [["id", "Party"], ["leader", "Leader"], [(p) => names(p.members), "Members"]], { id: "party-table", empty: "No parties." }),
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
              [(m) => (m.players || []).map((pl) => `${pl.username}${pl.team !== undefined && pl.team !== null ? ` (team ${pl.team})` : ""}`).join(", "), "Players"],
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

  // ---------------------------------------------------------------- Chat

  function chatView(main) {
    const generation = viewGeneration;
    const channel = el("input", { id: "chat-channel", value: "public:general", maxlength: "64", autocomplete: "off" });
    const feed = el("ol", { id: "chat-feed", className: "feed" });
    const reports = el("div", { id: "open-reports" });
    append(
      main,
      el("h1", null, "Chat"),
      el("form", { className: "search", onsubmit: (e) => e.preventDefault() }, el("label", null, "Channel ", channel)),
      el("div", { className: "columns" }, section("Live feed (newest first)", feed), section("Open reports", reports)),
    );
    every(async () => {
      const [res, open] = await Promise.all([
        api("GET", `/admin/api/chat/feed?channelId=${encodeURIComponent(channel.value.trim())}&limit=50`),
        api("GET", "/admin/api/reports?status=open"),
      ]);
      if (!alive(generation)) return;
      renderFeed(feed, res.messages || []);
      renderReports(reports, (open && open.items) || (open && open.reports) || []);
    });
  }

  function renderFeed(feed, messages) {
    clear(feed);
    if (messages.length === 0) feed.appendChild(el("li", { className: "muted" }, "No messages."));
    for (const m of messages) {
      const reported = (m.reports || 0) > 0;
      feed.appendChild(
        el(
          "li",
          { className: reported ? "message reported" : "message", dataset: { id: m.id, seq: String(m.seq) } },
          el("span", { className: "time" }, new Date(m.createdAt).toLocaleTimeString()),
          el("a", { className: "sender", href: `#/players/${encodeURIComponent(m.sender ? m.sender.id : "")}` }, m.sender ? m.sender.username : "?"),
          el("span", { className: "text" }, m.text),
          reported ? el("span", { className: "badge bad" }, `${m.reports} report${m.reports === 1 ? "" : "s"}`) : null,
          isModerator()
            ? el(
                "button",
                {
                  type: "button",
                  className: "danger small delete-message",
                  onclick: async () => {
                    const ok = await askReason({
                      title: "Delete message",
                      target: `${m.sender ? m.sender.username : "?"}: ${m.text}`,
                      submit: ({ reason }) => api("POST", `/admin/api/chat/messages/${encodeURIComponent(m.id)}/delete`, { reason }),
                    });
                    if (ok) flash("Message deleted.", "ok");
                  },
                },
                "Delete",
              )
            : null,
        ),
      );
    }
  }

  function renderReports(node, items) {
    clear(node).appendChild(
      table(
        items,
        [
          ["createdAt", "Reported"],
          [(r) => (r.sender || r.author || r.target || null), "Author"],
          ["reporter", "Reporter"],
          ["reason", "Reason"],
          [(r) => el("span", { className: "quote" }, fmtValue(r.text)), "Message"],
          [
            (r) =>
              isModerator()
                ? el(
                    "button",
                    {
                      type: "button",
                      className: "secondary small",
                      onclick: async () => {
                        const ok = await askReason({
                          title: "Resolve report",
                          target: fmtValue(r.text),
                          submit: ({ reason }) => api("POST", `/admin/api/reports/${encodeURIComponent(r.id)}/resolve`, { reason }),
                        });
                        if (ok) flash("Report resolved.", "ok");
                      },
                    },
                    "Resolve",
                  )
                : "—",
            "",
          ],
        ],
        { id: "report-table", empty: "No open reports." },
      ),
    );
  }

  // ---------------------------------------------------------------- Audit log

  function auditView(main) {
    const generation = viewGeneration;
    const rows = [];
    const body = el("div", { id: "audit" });
    const more = el("button", { type: "button", className: "secondary", id: "audit-more", hidden: true }, "Load more");
    let cursor;
    const render = () =>
      clear(body).appendChild(
        table(
          rows,
          [
            ["createdAt", "When"],
            ["operator", "Operator"],
            ["action", "Action"],
            [(r) => `${fmtValue(r.targetType)} ${fmtValue(r.targetId)}`, "Target"],
            ["reason", "Reason"],
          ],
          { id: "audit-table", empty: "No operator actions yet." },
        ),
      );
    const load = async () => {
      try {
        const res = await api("GET", `/admin/api/audit?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        if (!alive(generation)) return;
        rows.push(...(res.items || []));
        cursor = res.nextCursor;
        more.hidden = !cursor;
        render();
      } catch (err) {
        if (alive(generation)) flash(err.message, "error");
      }
    };
    more.addEventListener("click", load);
    append(main, el("h1", null, "Audit log"), body, more);
    load();
  }

  // ---------------------------------------------------------------- Colyseus monitor

  async function openMonitor() {
    // Navigations cannot carry the Bearer token: trade it for a single-use ticket that
    // /admin/monitor exchanges for an HttpOnly cookie scoped to /admin/monitor.
    const tab = window.open("about:blank", "_blank");
    try {
      const res = await api("POST", "/admin/api/monitor-ticket");
      const url = `/admin/monitor/?ticket=${encodeURIComponent(res.ticket)}`;
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      } else location.assign(url);
    } catch (err) {
      if (tab) tab.close();
      flash(err.message, "error");
    }
  }

  // ---------------------------------------------------------------- boot

  function boot() {
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", () => logout());
    $("open-monitor").addEventListener("click", openMonitor);
    window.addEventListener("hashchange", route);
    loadSession();
    if (state.token) {
      showApp();
      route();
    } else showLogin();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
