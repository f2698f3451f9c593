// #/audit: every operator action, newest first, 50 at a time.
import { getAudit } from "../api.js";
import { append, clear, el, flash } from "../dom.js";
import { fmtValue } from "../format.js";
import { currentView, messageOf } from "../lifecycle.js";
import { table } from "../tables.js";

/** @typedef {import("../api.js").AdminAuditResponse["items"][number]} AuditEntry */

/** @param {HTMLElement} main */
export function auditView(main) {
  const view = currentView();
  /** @type {AuditEntry[]} */
  const rows = [];
  const body = el("div", { id: "audit" });
  const more = el("button", { type: "button", className: "secondary", id: "audit-more", hidden: true }, "Load more");
  /** @type {string | undefined} */
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
      const res = await getAudit(cursor);
      if (!view.alive()) return;
      rows.push(...res.items);
      cursor = res.nextCursor;
      more.hidden = !cursor;
      render();
    } catch (err) {
      if (view.alive()) flash(messageOf(err), "error");
    }
  };
  more.addEventListener("click", load);
  append(main, el("h1", null, "Audit log"), body, more);
  void load();
}
