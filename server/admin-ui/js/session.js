// The logged-in operator. The token lives in sessionStorage (this tab only) and is sent as a
// Bearer header; no cookie carries it, so cross-site requests cannot ride on it.

/** @typedef {import("../../../shared/schemas/admin").Operator} Operator */
/** @typedef {import("../../../shared/schemas/admin").AccountRole} AccountRole */

const TOKEN_KEY = "lobby-admin.token";
const OPERATOR_KEY = "lobby-admin.operator";

/** @type {{ token: string | null, operator: Operator | null }} */
export const session = { token: null, operator: null };

export function loadSession() {
  try {
    session.token = sessionStorage.getItem(TOKEN_KEY);
    const op = sessionStorage.getItem(OPERATOR_KEY);
    session.operator = op ? /** @type {Operator} */ (JSON.parse(op)) : null;
  } catch {
    session.token = null;
    session.operator = null;
  }
  if (!session.token || !session.operator) clearSession();
}

/**
 * @param {string} token
 * @param {Operator} operator
 */
export function saveSession(token, operator) {
  session.token = token;
  session.operator = operator;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(OPERATOR_KEY, JSON.stringify(operator));
}

export function clearSession() {
  session.token = null;
  session.operator = null;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(OPERATOR_KEY);
}

export function isAdmin() {
  return session.operator?.role === "admin";
}

/** Admins can do everything moderators can (and also manage operators, through the API). */
export function isModerator() {
  const role = session.operator?.role;
  return role === "moderator" || role === "admin";
}

// The rule the API enforces (docs/admin.md): act only on roles below yours, give only roles below
// yours; admins act on every account but their own and give any role.
/** @type {Readonly<Record<AccountRole, number>>} */
export const ROLE_RANK = { player: 0, viewer: 1, moderator: 2, admin: 3 };

/** @param {AccountRole} role */
export function belowMe(role) {
  const mine = session.operator?.role;
  return mine === "admin" || (mine !== undefined && ROLE_RANK[role] < ROLE_RANK[mine]);
}
