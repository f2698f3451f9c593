// #/fleet: dedicated game servers (live: address, region, modes, version, load, heartbeat age;
// moderators drain) and fleet keys (admins make and revoke them; a new key's secret is shown once).
import { createFleetKey, drainGameServer, getFleetKeys, getGameServers, revokeFleetKey } from "../api.js";
import { askReason } from "../dialog.js";
import { append, clear, el, flash, section } from "../dom.js";
import { currentView, every, messageOf } from "../lifecycle.js";
import { isAdmin, isModerator } from "../session.js";
import { table } from "../tables.js";

/** @typedef {import("../api.js").GameServer} GameServer */
/** @typedef {import("../api.js").FleetKey} FleetKey */

/** @param {string} text */
const list = (text) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** @param {string} iso */
const ageSeconds = (iso) => Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));

/** @param {HTMLElement} main */
export function fleetView(main) {
  const view = currentView();
  const servers = el("div", { id: "fleet-servers" }, el("p", { className: "muted" }, "Loading…"));
  const keys = el("div", { id: "fleet-keys" });
  const secret = el("div", { id: "fleet-key-secret-box" });
  append(main, el("h1", null, "Game servers"), el("p", { className: "muted" }, "Live: refreshes every 2 seconds. See docs/game-servers.md."), servers, secret, isAdmin() ? keyForm(secret, () => void render()) : null, keys);

  /** @param {GameServer} s */
  const drainButton = (s) => {
    if (!isModerator() || s.state !== "active") return null;
    const onclick = async () => {
      const ok = await askReason({ title: `Drain ${s.address}`, target: `Game server ${s.address} (${s.region}, ${s.version})`, submit: ({ reason }) => drainGameServer(s.id, reason) });
      if (ok) {
        flash("Draining: it takes no new matches.", "ok");
        void render();
      }
    };
    return el("button", { type: "button", className: "secondary small drain-server", onclick }, "Drain");
  };

  /** @param {FleetKey} k */
  const revokeButton = (k) => {
    if (!isAdmin() || k.revokedAt) return null;
    const onclick = async () => {
      const ok = await askReason({ title: `Revoke key ${k.name}`, target: `Fleet key ${k.prefix}… (${k.name}): its servers leave the fleet`, submit: ({ reason }) => revokeFleetKey(k.id, reason) });
      if (ok) {
        flash("Key revoked.", "ok");
        void render();
      }
    };
    return el("button", { type: "button", className: "danger small revoke-key", onclick }, "Revoke");
  };

  const render = async () => {
    const [s, k] = await Promise.all([getGameServers(), getFleetKeys()]);
    if (!view.alive()) return;
    clear(servers).appendChild(
      section(
        "Servers",
        table(
          s.items,
          [
            ["address", "Address"],
            ["region", "Region"],
            [(r) => r.modes.join(", "), "Modes"],
            ["version", "Version"],
            [(r) => `${r.load}/${r.capacity}`, "Load"],
            ["state", "State"],
            [(r) => el("span", { className: r.live ? "badge ok" : "badge bad" }, r.live ? `${ageSeconds(r.lastHeartbeatAt)} s ago` : "silent"), "Heartbeat"],
            [(r) => drainButton(r) ?? "", ""],
          ],
          { id: "server-table", empty: "No game server is registered.", rowProps: (r) => ({ dataset: { id: r.id } }) },
        ),
      ),
    );
    clear(keys).appendChild(
      section(
        "Fleet keys",
        table(
          k.items,
          [
            ["name", "Name"],
            [(r) => `fk_${r.prefix}…`, "Key"],
            [(r) => (r.modes.length ? r.modes.join(", ") : "any"), "Modes"],
            [(r) => (r.regions.length ? r.regions.join(", ") : "any"), "Regions"],
            [(r) => r.createdBy.username || "(deleted)", "Made by"],
            ["createdAt", "Made"],
            ["revokedAt", "Revoked"],
            [(r) => revokeButton(r) ?? "", ""],
          ],
          { id: "key-table", empty: "No fleet key yet.", rowProps: (r) => ({ dataset: { id: r.id } }) },
        ),
      ),
    );
  };
  every(render);
}

/**
 * The admin's form for a new key; the answer's secret is shown once, in `secretBox`.
 * @param {HTMLElement} secretBox
 * @param {() => void} done
 */
function keyForm(secretBox, done) {
  const name = el("input", { id: "fleet-key-name", maxlength: "64", autocomplete: "off", placeholder: "eu fleet, build 1.4" });
  const modes = el("input", { id: "fleet-key-modes", placeholder: "any (or duel, squad)" });
  const regions = el("input", { id: "fleet-key-regions", placeholder: "any (or eu, na)" });
  const form = el(
    "form",
    { id: "fleet-key-form", className: "inline-form" },
    el("label", null, "Name ", name),
    el("label", null, "Modes ", modes),
    el("label", null, "Regions ", regions),
    el("button", { type: "submit" }, "Make key"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const out = await createFleetKey({ name: name.value, modes: list(modes.value), regions: list(regions.value) });
      clear(secretBox).appendChild(
        section(
          "New key: copy it now",
          el("p", null, "It is shown this once. Give it to the game servers through your secret store."),
          el("pre", { id: "fleet-key-secret" }, out.secret),
        ),
      );
      form.reset();
      done();
    } catch (err) {
      flash(messageOf(err), "error");
    }
  });
  return section("Make a fleet key", form);
}
