/**
 * A light lobby client: what @colyseus/sdk does to join a room, minus its per-room objects (a
 * schema decoder, event emitters, a reconnection policy), so one process can hold thousands.
 *
 * Colyseus targets: `POST /matchmake/joinOrCreate/<room>` with `Authorization: Bearer <token>`
 * (where the room's static onAuth runs), then the WebSocket to `/<processId>/<roomId>?sessionId=
 * …&_authToken=…`, JOIN_ROOM acknowledged with one byte. Raw targets: the WebSocket only, token
 * in the query. Either way the join is done when the `welcome` ROOM_DATA frame arrives.
 * A 503 from the matchmaker (server_busy) is a refusal: back off with jitter and try again.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { Code, JOIN_ACK, decodeFrame, roomDataType } from "./capacity-wire";

export interface JoinTarget {
  kind: "colyseus" | "raw";
  /** Always 127.0.0.1: the benchmark never connects anywhere else. */
  port: number;
  room: string;
}

export const HOST = "127.0.0.1";

export interface RetryPolicy {
  maxAttempts: number;
  /** No new attempt starts after this (performance.now() of the worker). */
  deadline: number;
  timeoutMs: number;
}

export interface JoinOutcome {
  socket?: WebSocket;
  /** First attempt started -> welcome, backoff included (what the player waits). */
  ms: number;
  refusals: number;
  failures: number;
  error?: string;
}

class Refused extends Error {
  constructor(readonly retryAfterSeconds: number | undefined) {
    super("503 server_busy");
  }
}

const noop = () => undefined;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter around Retry-After (if given) or an exponential step: 0.5x–1.5x of the base. */
export function backoffMs(attempt: number, retryAfterSeconds: number | undefined): number {
  const base = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : Math.min(8_000, 250 * 2 ** attempt);
  return Math.max(50, base * (0.5 + Math.random()));
}

interface Reservation {
  roomId: string;
  sessionId: string;
  processId?: string;
  publicAddress?: string;
}

function matchmake(target: JoinTarget, token: string, agent: http.Agent, timeoutMs: number): Promise<Reservation> {
  return new Promise((resolve, reject) => {
    const body = "{}";
    const req = http.request(
      {
        host: HOST,
        port: target.port,
        method: "POST",
        path: `/matchmake/joinOrCreate/${target.room}`,
        agent,
        timeout: timeoutMs,
        headers: {
          accept: "application/json",
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${token}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode === 503) {
            const after = Number(res.headers["retry-after"]);
            return reject(new Refused(Number.isFinite(after) && after >= 0 ? after : undefined));
          }
          if (res.statusCode !== 200) return reject(new Error(`matchmake ${res.statusCode}: ${text.slice(0, 200)}`));
          try {
            resolve(JSON.parse(text) as Reservation);
          } catch {
            reject(new Error(`matchmake: not JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("matchmake timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

function socketUrl(target: JoinTarget, token: string, seat: Reservation | undefined): string {
  if (!seat) return `ws://${HOST}:${target.port}/raw?_authToken=${encodeURIComponent(token)}`;
  // publicAddress (Redis setups) names this same process; the benchmark only ever dials 127.0.0.1.
  if (seat.publicAddress && !seat.publicAddress.startsWith(`${HOST}:`)) throw new Error(`unexpected publicAddress ${seat.publicAddress}`);
  return `ws://${HOST}:${target.port}/${seat.processId ?? "x"}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${token}`;
}

/**
 * Opens the socket and resolves at `welcome`; listeners are then stripped to the minimum, unless
 * `observe` is given: it sees every frame (the welcome included) for as long as the socket lives.
 */
function openUntilWelcome(url: string, timeoutMs: number, onClose: (socket: WebSocket) => void, observe?: (data: Buffer) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const timer = setTimeout(() => fail(new Error("welcome timed out")), timeoutMs);
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("message");
      socket.terminate();
      reject(err);
    };
    socket.on("error", (err) => fail(err));
    socket.on("close", (code) => {
      if (!settled) fail(new Error(`closed before welcome (${code})`));
      else onClose(socket);
    });
    socket.on("message", (data: Buffer) => {
      const code = (data[0] ?? 0) & 31;
      if (code === Code.JoinRoom) return void socket.send(JOIN_ACK);
      if (code === Code.Error) {
        const f = decodeFrame(data) as { errorCode?: number; message?: string };
        return fail(new Error(`room error ${f.errorCode}: ${f.message}`));
      }
      observe?.(data);
      if (settled || roomDataType(data) !== "welcome") return;
      settled = true;
      clearTimeout(timer);
      if (!observe) socket.removeAllListeners("message");
      socket.removeAllListeners("error");
      socket.on("error", noop);
      resolve(socket);
    });
  });
}

/** One player joining, retried on refusals (backoff with jitter) and on failures, within `policy`. */
export async function joinWithRetry(
  target: JoinTarget,
  token: string,
  agent: http.Agent,
  policy: RetryPolicy,
  onClose: (socket: WebSocket) => void,
  observe?: (data: Buffer) => void,
): Promise<JoinOutcome> {
  const started = performance.now();
  let refusals = 0;
  let failures = 0;
  let lastError = "";
  for (let attempt = 0; attempt < policy.maxAttempts && performance.now() < policy.deadline; attempt++) {
    try {
      const seat = target.kind === "colyseus" ? await matchmake(target, token, agent, policy.timeoutMs) : undefined;
      const socket = await openUntilWelcome(socketUrl(target, token, seat), policy.timeoutMs, onClose, observe);
      return { socket, ms: performance.now() - started, refusals, failures };
    } catch (err) {
      if (err instanceof Refused) {
        refusals++;
        await sleep(backoffMs(attempt, err.retryAfterSeconds));
      } else {
        failures++;
        lastError = err instanceof Error ? err.message : String(err);
        await sleep(backoffMs(attempt, undefined));
      }
    }
  }
  return { ms: performance.now() - started, refusals, failures, error: lastError || "gave up (deadline or attempts)" };
}
