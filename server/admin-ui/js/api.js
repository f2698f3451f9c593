// The operator API client (/admin/api): one typed function per call, response types from the
// zod schemas in shared/schemas/admin.ts.
import { session } from "./session.js";

/**
 * @template {import("zod").ZodType} S
 * @typedef {import("zod").infer<S>} Infer
 */
/** @typedef {typeof import("../../../shared/schemas/admin")} Admin */
/** @typedef {import("../../../shared/schemas/admin").AdminLoginResponse} AdminLoginResponse */
/** @typedef {import("../../../shared/schemas/admin").AdminOverview} AdminOverview */
/** @typedef {Infer<Admin["AdminPlayersResponseSchema"]>} AdminPlayersResponse */
/** @typedef {import("../../../shared/schemas/admin").AdminPlayerDetail} AdminPlayerDetail */
/** @typedef {import("../../../shared/schemas/admin").AdminRooms} AdminRooms */
/** @typedef {Infer<Admin["AdminChatFeedSchema"]>} AdminChatFeed */
/** @typedef {import("../../../shared/schemas/admin").AdminReport} AdminReport */
/** @typedef {Infer<Admin["AdminReportsResponseSchema"]>} AdminReportsResponse */
/** @typedef {Infer<Admin["AdminAuditResponseSchema"]>} AdminAuditResponse */
/** @typedef {Infer<Admin["AdminActionResponseSchema"]>} AdminActionResponse */
/** @typedef {import("../../../shared/schemas/admin").MonitorTicket} MonitorTicket */
/** @typedef {import("../../../shared/schemas/admin").AccountRole} AccountRole */
/** @typedef {import("../../../shared/schemas/fleet").FleetKeyListResponse} FleetKeyListResponse */
/** @typedef {import("../../../shared/schemas/fleet").FleetKey} FleetKey */
/** @typedef {import("../../../shared/schemas/fleet").CreateFleetKeyResponse} CreateFleetKeyResponse */
/** @typedef {import("../../../shared/schemas/fleet").GameServerListResponse} GameServerListResponse */
/** @typedef {import("../../../shared/schemas/fleet").GameServer} GameServer */
/** @typedef {"kick" | "end-sessions" | "mute" | "ban" | "unban" | "enable" | "disable" | "role"} PlayerAction */

/** Fired on window when the API refuses the stored token (401): the page returns to the login. */
export const SESSION_ENDED = "lobby-admin:session-ended";

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {"GET" | "POST"} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
async function request(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
  });
  const text = await res.text();
  /** @type {unknown} */
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = errorOf(data);
    if (res.status === 401 && session.token && !path.endsWith("/login")) window.dispatchEvent(new Event(SESSION_ENDED));
    throw new ApiError(res.status, err.code || "http_" + res.status, err.message || `Request failed (${res.status}).`);
  }
  return data;
}

/**
 * The `error` of an ErrorBody, or nothing when the body is not one.
 * @param {unknown} data
 * @returns {{ code?: string, message?: string }}
 */
function errorOf(data) {
  if (typeof data !== "object" || data === null || !("error" in data)) return {};
  const err = data.error;
  if (typeof err !== "object" || err === null) return {};
  return {
    code: "code" in err && typeof err.code === "string" ? err.code : undefined,
    message: "message" in err && typeof err.message === "string" ? err.message : undefined,
  };
}

/**
 * A response body typed as the schema says (the server builds it from the same types).
 * @template T
 * @param {"GET" | "POST"} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
const call = async (method, path, body) => /** @type {T} */ (await request(method, path, body));
const enc = encodeURIComponent;

/**
 * @param {string} username
 * @param {string} password
 * @returns {Promise<AdminLoginResponse>}
 */
export const login = (username, password) => call("POST", "/admin/api/login", { username, password });

/** @returns {Promise<AdminOverview>} */
export const getOverview = () => call("GET", "/admin/api/overview");

/**
 * @param {string} prefix
 * @returns {Promise<AdminPlayersResponse>}
 */
export const searchPlayers = (prefix) => call("GET", `/admin/api/players?q=${enc(prefix)}`);

/**
 * @param {string} id
 * @returns {Promise<AdminPlayerDetail>}
 */
export const getPlayer = (id) => call("GET", `/admin/api/players/${enc(id)}`);

/**
 * A moderator action on an account; mute and ban take a duration, role a role.
 * @param {string} id
 * @param {PlayerAction} action
 * @param {{ reason: string, durationSeconds?: number | null, role?: AccountRole }} body
 * @returns {Promise<AdminActionResponse>}
 */
export const playerAction = (id, action, body) => call("POST", `/admin/api/players/${enc(id)}/${action}`, body);

/** @returns {Promise<AdminRooms>} */
export const getRooms = () => call("GET", "/admin/api/rooms");

/** @typedef {Infer<typeof import("../../../shared/schemas/game-lobby").AdminGameLobbyListResponseSchema>} AdminGameLobbies */
/** @returns {Promise<AdminGameLobbies>} Custom game lobbies, private ones too. */
export const getGameLobbies = () => call("GET", "/admin/api/lobbies");

/**
 * @param {string} channelId
 * @returns {Promise<AdminChatFeed>}
 */
export const getChatFeed = (channelId) => call("GET", `/admin/api/chat/feed?channelId=${enc(channelId)}&limit=50`);

/**
 * @param {string} messageId
 * @param {string} reason
 * @returns {Promise<AdminActionResponse>}
 */
export const deleteMessage = (messageId, reason) => call("POST", `/admin/api/chat/messages/${enc(messageId)}/delete`, { reason });

/** @returns {Promise<AdminReportsResponse>} */
export const getOpenReports = () => call("GET", "/admin/api/reports?status=open");

/**
 * @param {string} reportId
 * @param {string} reason
 * @returns {Promise<AdminActionResponse>}
 */
export const resolveReport = (reportId, reason) => call("POST", `/admin/api/reports/${enc(reportId)}/resolve`, { reason });

/**
 * @param {string | undefined} cursor
 * @returns {Promise<AdminAuditResponse>}
 */
export const getAudit = (cursor) => call("GET", `/admin/api/audit?limit=50${cursor ? `&cursor=${enc(cursor)}` : ""}`);

/** @returns {Promise<GameServerListResponse>} */
export const getGameServers = () => call("GET", "/admin/api/fleet/servers");

/**
 * @param {string} serverId
 * @param {string} reason
 * @returns {Promise<GameServer>}
 */
export const drainGameServer = (serverId, reason) => call("POST", `/admin/api/fleet/servers/${enc(serverId)}/drain`, { reason });

/** @returns {Promise<FleetKeyListResponse>} */
export const getFleetKeys = () => call("GET", "/admin/api/fleet/keys");

/**
 * @param {{ name: string, modes: string[], regions: string[] }} body
 * @returns {Promise<CreateFleetKeyResponse>}
 */
export const createFleetKey = (body) => call("POST", "/admin/api/fleet/keys", body);

/**
 * @param {string} keyId
 * @param {string} reason
 * @returns {Promise<FleetKey>}
 */
export const revokeFleetKey = (keyId, reason) => call("POST", `/admin/api/fleet/keys/${enc(keyId)}/revoke`, { reason });

/** @returns {Promise<MonitorTicket>} */
export const monitorTicket = () => call("POST", "/admin/api/monitor-ticket");
