// Operator console for the lobby backend: native ES modules, no build step, checked by
// `npm run typecheck` (server/admin-ui/tsconfig.json). The page runs under a strict
// Content-Security-Policy (script only from this origin, no inline script or style).
// Hash routes: #/overview, #/players, #/players/<id>, #/rooms, #/fleet, #/chat, #/audit.
import { SESSION_ENDED } from "./api.js";
import { $, $as, clear, hideFlash } from "./dom.js";
import { stopView } from "./lifecycle.js";
import { openMonitor } from "./monitor.js";
import { loadSession, session } from "./session.js";
import { auditView } from "./views/audit.js";
import { chatView } from "./views/chat.js";
import { logout, showApp, showLogin, submitLogin } from "./views/login.js";
import { overviewView } from "./views/overview.js";
import { playerView } from "./views/player.js";
import { playersView } from "./views/players.js";
import { roomsView } from "./views/rooms.js";
import { fleetView } from "./views/fleet.js";

function route() {
  if (!session.token) return showLogin();
  stopView();
  hideFlash();
  const hash = location.hash.replace(/^#\/?/, "");
  const [view = "", ...rest] = hash.split("/");
  for (const a of document.querySelectorAll("#nav a")) {
    if (a instanceof HTMLElement) a.classList.toggle("active", a.dataset.view === (view || "overview"));
  }
  const main = clear($("main"));
  main.dataset.view = view || "overview";
  switch (view) {
    case "players":
      return rest[0] ? playerView(main, decodeURIComponent(rest[0])) : playersView(main);
    case "rooms":
      return roomsView(main);
    case "fleet":
      return fleetView(main);
    case "chat":
      return chatView(main);
    case "audit":
      return auditView(main);
    default:
      return overviewView(main);
  }
}

function afterLogin() {
  if (!location.hash || location.hash === "#/" || location.hash === "#") location.hash = "#/overview";
  else route();
}

function boot() {
  $as("login-form", HTMLFormElement).addEventListener("submit", (event) => void submitLogin(event, afterLogin));
  $("logout").addEventListener("click", () => logout());
  $("open-monitor").addEventListener("click", () => void openMonitor());
  window.addEventListener(SESSION_ENDED, () => logout("Your session ended. Log in again."));
  window.addEventListener("hashchange", route);
  loadSession();
  if (session.token) {
    showApp();
    route();
  } else showLogin();
}

// Module scripts run after the document is parsed.
boot();
