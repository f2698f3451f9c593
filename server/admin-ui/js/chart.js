// Line charts as inline SVG built through the DOM (no markup strings).
import { el, svg } from "./dom.js";
import { fmtClock } from "./format.js";

/**
 * @template {{ at: string }} P
 * @param {string} id
 * @param {string} title
 * @param {readonly P[]} points oldest first
 * @param {keyof P} key the plotted number
 */
export function lineChart(id, title, points, key) {
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
  root.appendChild(tick(pad - 4, 14, String(max), "end"));
  root.appendChild(tick(pad - 4, height - pad, "0", "end"));
  if (values.length > 0) {
    const step = values.length > 1 ? (width - 4 - pad) / (values.length - 1) : 0;
    const coords = values.map((v, i) => `${(pad + i * step).toFixed(1)},${(height - pad - (v / max) * (height - pad - 8)).toFixed(1)}`);
    root.appendChild(svg("polyline", { points: coords.join(" "), class: "series" }));
    const first = points[0];
    const last = points[points.length - 1];
    if (first?.at && last) root.append(tick(pad, height - 6, fmtClock(first.at)), tick(width - 4, height - 6, fmtClock(last.at), "end"));
  }
  return el("figure", { className: "chart-box" }, el("figcaption", null, title), root);
}

/**
 * @param {number} x
 * @param {number} y
 * @param {string} text
 * @param {"end"} [anchor]
 */
function tick(x, y, text, anchor) {
  const node = svg("text", anchor ? { x, y, class: "tick", "text-anchor": anchor } : { x, y, class: "tick" });
  node.textContent = text;
  return node;
}
