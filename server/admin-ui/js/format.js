// How API values are shown: times in the operator's locale, absent values as a dash.

/**
 * @param {string | number | Date | null | undefined} value
 * @returns {string}
 */
export function fmtTime(value) {
  if (!value) return "—";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/**
 * A player as operators see them: the display name players see, with the username (the unique
 * login handle) when the two differ, so a look-alike display name cannot pass for someone else.
 * @param {{ username: string, displayName?: string }} p
 * @returns {string}
 */
export function fmtPlayer(p) {
  return p.displayName && p.displayName !== p.username ? `${p.displayName} (@${p.username})` : p.username;
}

/**
 * @param {unknown} value
 * @returns {string}
 */
export function fmtValue(value) {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === "string") return /^\d{4}-\d\d-\d\dT/.test(value) ? fmtTime(value) : value;
  if (Array.isArray(value)) return value.map(fmtValue).join(", ");
  if (typeof value === "object") {
    if ("username" in value && typeof value.username === "string") {
      return fmtPlayer({ username: value.username, displayName: "displayName" in value && typeof value.displayName === "string" ? value.displayName : undefined });
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/**
 * A clock time (hours and minutes) for chart axes.
 * @param {string} value
 */
export function fmtClock(value) {
  return new Date(value).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
