/**
 * Child-process entry for heap-connections: light lobby clients that really join (matchmake over
 * HTTP with the access token, the room's WebSocket, the JOIN_ROOM acknowledgement) and hold the
 * socket once the last opening message (`party.snapshot`) has arrived; for the raw baseline
 * (`raw: true`), the WebSocket alone with the token in its query. Driven over IPC:
 * `{ op: "join", port, tokens, raw? }` answers `{ joined, failed, errors }`.
 */
import http from "node:http";
import { decode, type Iterator } from "@colyseus/schema";
import WebSocket from "ws";
import { RoomName } from "../../shared/rooms";
import { LobbyServerMessage } from "../../shared/schemas/lobby";

const HOST = "127.0.0.1";
const JOIN_ROOM = 10;
const ROOM_DATA = 13;
const CONCURRENCY = 40;
const sockets: WebSocket[] = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface Seat {
  roomId: string;
  sessionId: string;
  processId?: string;
}

function matchmake(port: number, token: string): Promise<Seat | "busy"> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: HOST, port, method: "POST", path: `/matchmake/joinOrCreate/${RoomName.Lobby}`, agent, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => {
          if (res.statusCode === 503) return resolve("busy");
          if (res.statusCode !== 200) return reject(new Error(`matchmake ${res.statusCode}: ${text.slice(0, 200)}`));
          resolve(JSON.parse(text) as Seat);
        });
      },
    );
    req.on("error", reject);
    req.end("{}");
  });
}

function typeOf(data: Buffer): string | number | undefined {
  if ((data[0]! & 31) !== ROOM_DATA) return undefined;
  const it: Iterator = { offset: 1 };
  return decode.stringCheck(data, it) ? decode.string(data, it) : decode.number(data, it);
}

function open(port: number, seat: Seat | undefined, token: string): Promise<WebSocket> {
  const url = seat
    ? `ws://${HOST}:${port}/${seat.processId ?? "x"}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${token}`
    : `ws://${HOST}:${port}/raw?_authToken=${encodeURIComponent(token)}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => (socket.terminate(), reject(new Error("join timed out"))), 30_000);
    socket.on("error", (err) => (clearTimeout(timer), reject(err)));
    socket.on("message", (data: Buffer) => {
      if ((data[0]! & 31) === JOIN_ROOM) return void socket.send(Buffer.from([JOIN_ROOM]));
      if (typeOf(data) !== LobbyServerMessage.PartySnapshot) return;
      clearTimeout(timer);
      socket.removeAllListeners("message");
      socket.removeAllListeners("error");
      socket.on("error", () => undefined);
      resolve(socket);
    });
  });
}

/** Refusals (server_busy) are retried after a pause; a failed request (e.g. a keep-alive socket the server had just closed) twice. */
async function joinOne(port: number, token: string, raw: boolean): Promise<void> {
  if (raw) return void sockets.push(await open(port, undefined, token));
  let failures = 0;
  for (let attempt = 0; ; attempt++) {
    let seat: Seat | "busy";
    try {
      seat = await matchmake(port, token);
    } catch (err) {
      if (++failures > 2) throw err;
      continue;
    }
    if (seat !== "busy") return void sockets.push(await open(port, seat, token));
    if (attempt > 50) throw new Error("refused 50 times (server_busy)");
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
  }
}

async function joinAll(port: number, tokens: string[], raw: boolean): Promise<{ joined: number; failed: number; errors: string[] }> {
  let next = 0;
  let failed = 0;
  const errors = new Set<string>();
  const before = sockets.length;
  const worker = async () => {
    while (next < tokens.length) {
      const token = tokens[next++]!;
      await joinOne(port, token, raw).catch((err: unknown) => {
        failed++;
        errors.add(err instanceof Error ? err.message : String(err));
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { joined: sockets.length - before, failed, errors: [...errors].slice(0, 5) };
}

process.on("message", (raw: unknown) => {
  const req = raw as { id: number; op: "join"; port: number; tokens: string[]; raw?: boolean } | { id: number; op: "close" };
  if (req.op === "join") return void joinAll(req.port, req.tokens, req.raw === true).then((r) => process.send?.({ id: req.id, ...r }));
  for (const s of sockets.splice(0)) s.terminate();
  process.send?.({ id: req.id });
});
process.on("disconnect", () => process.exit(0));
process.send?.({ type: "ready" });
