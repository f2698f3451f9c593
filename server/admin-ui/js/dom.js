// DOM helpers. Every string that comes from the API (usernames, chat text, reasons, ...) reaches
// the DOM as a text node (textContent / createTextNode); innerHTML is never used.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The properties el() sets. Keys starting with "on" become event listeners; the others in
 * PROPERTY_KEYS are set as DOM properties; anything else becomes an attribute.
 * @typedef {{
 *   id?: string, className?: string, dataset?: Record<string, string>, textContent?: string,
 *   type?: string, value?: string, href?: string, title?: string, disabled?: boolean,
 *   hidden?: boolean, placeholder?: string, maxlength?: string, autocomplete?: string,
 *   onclick?: (event: MouseEvent) => void, onsubmit?: (event: SubmitEvent) => void,
 * }} Props
 */
/** @typedef {Node | string | number | null | undefined | false} Leaf */
/** @typedef {Leaf | readonly Leaf[]} Child */

const PROPERTY_KEYS = new Set(["id", "className", "textContent", "type", "value", "href", "title", "disabled", "hidden", "placeholder"]);

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node;
}

/**
 * An element of the page's static markup, checked to be of the expected kind.
 * @template {HTMLElement} E
 * @param {string} id
 * @param {{ new (): E, prototype: E }} kind
 * @returns {E}
 */
export function $as(id, kind) {
  const node = $(id);
  if (!(node instanceof kind)) throw new Error(`#${id} is not a ${kind.name}`);
  return node;
}

/**
 * el("tr", {className: "x", dataset: {id: "1"}, onclick: fn}, "text", childNode, ...)
 * Strings and numbers become text nodes; null/undefined/false children are skipped.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props | null} props
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
      else if (PROPERTY_KEYS.has(key)) /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (node))[key] = value;
      else node.setAttribute(key, String(value));
    }
  }
  append(node, ...children);
  return node;
}

/**
 * @template {Node} N
 * @param {N} node
 * @param {...Child} children
 * @returns {N}
 */
export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * @template {Node} N
 * @param {N} node
 * @returns {N}
 */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number>} [attrs]
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/**
 * @param {string} title
 * @param {...Child} children
 */
export function section(title, ...children) {
  return el("section", { className: "card" }, el("h2", null, title), ...children);
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let flashTimer;

/**
 * The status line under the top bar; hides itself after a few seconds.
 * @param {string} message
 * @param {"info" | "ok" | "error"} [kind]
 */
export function flash(message, kind = "info") {
  const node = $("flash");
  node.textContent = message;
  node.className = `flash ${kind}`;
  node.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => (node.hidden = true), 6000);
}

export function hideFlash() {
  $("flash").hidden = true;
}
