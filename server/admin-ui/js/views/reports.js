// The open chat reports (shown beside the chat feed); moderators resolve them.
import { resolveReport } from "../api.js";
import { askReason } from "../dialog.js";
import { clear, el, flash } from "../dom.js";
import { fmtValue } from "../format.js";
import { isModerator } from "../session.js";
import { table } from "../tables.js";

/** @typedef {import("../api.js").AdminReport} AdminReport */

/** @param {AdminReport} r */
function resolveButton(r) {
  if (!isModerator()) return "—";
  const onclick = async () => {
    const ok = await askReason({ title: "Resolve report", target: fmtValue(r.text), submit: ({ reason }) => resolveReport(r.id, reason) });
    if (ok) flash("Report resolved.", "ok");
  };
  return el("button", { type: "button", className: "secondary small", onclick }, "Resolve");
}

/**
 * @param {HTMLElement} node
 * @param {readonly AdminReport[]} items
 */
export function renderReports(node, items) {
  clear(node).appendChild(
    table(
      items,
      [
        ["createdAt", "Reported"],
        ["sender", "Author"],
        ["reporter", "Reporter"],
        ["reason", "Reason"],
        [(r) => el("span", { className: "quote" }, fmtValue(r.text)), "Message"],
        [resolveButton, ""],
      ],
      { id: "report-table", empty: "No open reports." },
    ),
  );
}
