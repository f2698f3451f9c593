// Tables of API rows; cells are text nodes (fmtValue) or nodes the caller built.
import { el } from "./dom.js";
import { fmtValue } from "./format.js";

/**
 * A column: a key of the row (its value is formatted) or a function of the row, and a header.
 * @template {object} T
 * @typedef {readonly [(keyof T & string) | ((row: T) => unknown), string]} Column
 */
/**
 * @template {object} T
 * @typedef {{ id?: string, empty?: string, rowProps?: (row: T) => import("./dom.js").Props }} TableOptions
 */

/**
 * @template {object} T
 * @param {readonly T[] | null | undefined} rows
 * @param {ReadonlyArray<Column<T>>} columns
 * @param {TableOptions<T>} [opts]
 * @returns {HTMLElement}
 */
export function table(rows, columns, opts = {}) {
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

/**
 * A table whose columns are the keys of the first rows.
 * @param {ReadonlyArray<Record<string, unknown>> | null | undefined} rows
 * @param {TableOptions<Record<string, unknown>>} [opts]
 */
export function autoTable(rows, opts = {}) {
  if (!rows || rows.length === 0) return el("p", { className: "muted empty" }, opts.empty || "Nothing here.");
  /** @type {string[]} */
  const keys = [];
  for (const row of rows.slice(0, 20)) for (const k of Object.keys(row || {})) if (!keys.includes(k)) keys.push(k);
  return table(rows, keys.map((k) => /** @type {const} */ ([k, k])), opts);
}

/**
 * A headline number of the overview.
 * @param {string} id
 * @param {string} label
 * @param {unknown} value
 */
export function stat(id, label, value) {
  return el("div", { className: "stat" }, el("div", { className: "stat-label" }, label), el("div", { className: "stat-value", id }, fmtValue(value)));
}
