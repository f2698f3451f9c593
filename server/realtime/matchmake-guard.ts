import type http from "node:http";
import { ErrorCode } from "../../shared/codes";
import { Limits } from "../../shared/limits";
import { RoomName } from "../../shared/rooms";
import { requestIdFrom } from "../gateway/middleware/request-id";

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Colyseus' room ids (nanoid, 9 characters); generous, but bounded. */
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Methods Colyseus exposes that no client of this service needs. */
const NOT_FOR_CLIENTS = new Set(["create", "join"]);
const PATH = /^\/matchmake\/([^/?]*)\/([^/?]*)$/;

/** Why a matchmaking request is refused: its HTTP status and the error it carries. */
export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
}

const refuse = (status: number, code: ErrorCode, message: string): Refusal => ({ status, code, message });

/**
 * The matchmaking calls a client of this service makes: `joinOrCreate` of the lobby (the
 * matchmaker picks or opens a shard), `joinById` (a chosen lobby shard; a match room refuses it in
 * its onAuth) and `reconnect` (any room, with its reconnection token). Match seats are reserved by
 * the matchmaker and consumed over the WebSocket directly. `create` and `join` would let any
 * client open lobby or match rooms without bound: refused.
 */
export function matchmakeRefusal(method: string, roomName: string): Refusal | undefined {
  switch (method) {
    case "joinOrCreate":
      if (roomName === RoomName.Lobby) return undefined;
      if (roomName === RoomName.Match) return refuse(403, ErrorCode.Forbidden, "Match rooms are joined with the seat reservation of match.found.");
      if (roomName === RoomName.Spectate) return refuse(403, ErrorCode.Forbidden, "Spectating is joined with the seat reservation match.spectate answers.");
      return refuse(404, ErrorCode.NotFound, "No such room type.");
    case "joinById":
    case "reconnect":
      return ROOM_ID.test(roomName) ? undefined : refuse(404, ErrorCode.NotFound, "No such room.");
    default:
      return NOT_FOR_CLIENTS.has(method)
        ? refuse(403, ErrorCode.Forbidden, `"${method}" is not open to clients: use joinOrCreate("${RoomName.Lobby}").`)
        : refuse(404, ErrorCode.NotFound, "No such matchmaking method.");
  }
}

/**
 * Runs ahead of every other request listener of `server` (Colyseus' included) for
 * `POST /matchmake/*`: refuses the methods and rooms clients do not need (403/404), and reads the
 * body itself, capped at Limits.matchmakeBodyMaxBytes (413), which must be empty or a JSON object
 * (400, 415). The parsed body is handed on as `req.body`, which Colyseus' router uses instead of
 * reading the stream (its own cap is ~1 MB, and under Jest a malformed body was a 500: its 400
 * mapping tests `instanceof SyntaxError` against another realm's class). Refusals have the
 * gateway's `{"error":{"code","message","requestId"}}` shape. Other requests, and CORS preflights,
 * pass through untouched.
 */
export function guardMatchmake(server: http.Server, headers: Record<string, string>, maxBodyBytes: number = Limits.matchmakeBodyMaxBytes): void {
  const listeners = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  const next: Listener = (req, res) => {
    for (const listener of listeners) listener.call(server, req, res);
  };
  const answer = (req: http.IncomingMessage, res: http.ServerResponse, v: Refusal, close = false) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    const body = JSON.stringify({ error: { code: v.code, message: v.message, requestId } });
    res.writeHead(v.status, {
      ...headers,
      "X-Request-Id": requestId,
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(body)),
      ...(close ? { Connection: "close" } : {}),
    });
    res.end(body);
  };
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? "";
    if (req.method !== "POST" || !url.startsWith("/matchmake/")) return next(req, res);
    const match = PATH.exec(url.split("?", 1)[0]!);
    const refusal = match ? matchmakeRefusal(safeDecode(match[1]!), safeDecode(match[2]!)) : refuse(404, ErrorCode.NotFound, "No such matchmaking route.");
    // The body is not read: the connection closes after the answer.
    if (refusal) return answer(req, res, refusal, true);
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding !== "identity") {
      return answer(req, res, refuse(415, ErrorCode.UnsupportedMediaType, "Matchmaking bodies are plain JSON."), true);
    }
    const tooLarge = refuse(413, ErrorCode.PayloadTooLarge, `A matchmaking body is at most ${maxBodyBytes} bytes.`);
    if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return answer(req, res, tooLarge, true);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        done = true;
        chunks.length = 0;
        answer(req, res, tooLarge, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => {
      done = true;
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      const parsed = parseBody(Buffer.concat(chunks), req.headers["content-type"]);
      if (!("body" in parsed)) return answer(req, res, parsed);
      // What Colyseus' router reads: a JSON object, whatever the client sent (empty is {}).
      (req as http.IncomingMessage & { body?: unknown }).body = parsed.body;
      req.headers["content-type"] = "application/json";
      next(req, res);
    });
  });
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return "";
  }
}

/** The body as Colyseus gets it (empty is {}), or why it is refused. */
function parseBody(raw: Buffer, contentType: string | undefined): { body: Record<string, unknown> } | Refusal {
  if (raw.length === 0) return { body: {} };
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    return refuse(415, ErrorCode.UnsupportedMediaType, "A matchmaking body is JSON (Content-Type: application/json).");
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return refuse(400, ErrorCode.InvalidRequest, "The request body is not valid JSON.");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return refuse(400, ErrorCode.InvalidRequest, "A matchmaking body is a JSON object.");
  return { body: body as Record<string, unknown> };
}
