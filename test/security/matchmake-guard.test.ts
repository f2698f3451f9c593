import http from "node:http";
import { matchMaker } from "@colyseus/core";
import { Client, MatchMakeError, Protocol } from "@colyseus/sdk";
import WebSocket from "ws";
import { ErrorCode } from "../../shared/codes";
import { Limits } from "../../shared/limits";
import { RoomName } from "../../shared/rooms";
import { ErrorBodySchema } from "../../shared/schemas/common";
import { request, type HttpResponse } from "../helpers/http";
import { connect, leave, newAccount, type Account } from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// POST /matchmake/* is Colyseus' and runs before Express: any authenticated client could open
// lobby rooms without bound (`create`), make match rooms, or send ~1 MB of join options. A guard
// in front of it lets through only what clients use (joinOrCreate of the lobby, joinById,
// reconnect), caps the body at Limits.matchmakeBodyMaxBytes, and answers everything else in the
// gateway's error envelope. In-process on purpose: under Jest a malformed body used to be a 500.
let t: TestServer;
let player: Account;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV });
  player = await newAccount(t.url);
});
afterAll(() => t.close());

const matchmake = (method: string, room: string, opts: { raw?: string | Buffer; headers?: Record<string, string> } = {}) =>
  request(t.url, "POST", `/matchmake/${method}/${room}`, { token: player.client.accessToken, raw: opts.raw ?? "{}", headers: opts.headers });

function expectRefusal(res: HttpResponse, status: number, code: ErrorCode): void {
  expect([res.status, ErrorBodySchema.parse(res.body).error.code]).toEqual([status, code]);
  expect(ErrorBodySchema.parse(res.body).error.requestId).toBe(res.headers["x-request-id"]);
  // A browser client can read the refusal (Colyseus' CORS headers).
  expect(res.headers["access-control-allow-origin"]).toBe("*");
}

/** Takes the seat a 200 reserved (its WebSocket's join frame) and closes: no reservation is left pending. */
async function takeSeat(res: HttpResponse): Promise<void> {
  expect(res.status).toBe(200);
  const seat = res.body as { name: string; sessionId: string; roomId: string; processId: string };
  expect(seat.name).toBe(RoomName.Lobby);
  const ws = new WebSocket(`${t.url.replace(/^http/, "ws")}/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${player.client.accessToken}`);
  const first = await new Promise<Buffer>((resolve, reject) => {
    ws.once("message", resolve);
    ws.once("error", reject);
  });
  expect(first[0]).toBe(Protocol.JOIN_ROOM);
  const closed = new Promise((resolve) => ws.once("close", resolve));
  ws.close();
  await closed;
}

const rooms = async (name: string) => (await matchMaker.query({ name })).length;

test("the SDK's joins still work: joinOrCreate of the lobby, joinById of a shard", async () => {
  const first = await connect(player);
  const second = await connect(await newAccount(t.url), { roomId: first.room.roomId });
  expect(second.room.roomId).toBe(first.room.roomId);
  await leave(first, second);
});

test("create and join are refused (403 forbidden) and open no room, even for a valid client", async () => {
  const lobbies = await rooms(RoomName.Lobby);
  for (let i = 0; i < 3; i++) expectRefusal(await matchmake("create", RoomName.Lobby), 403, ErrorCode.Forbidden);
  expectRefusal(await matchmake("create", RoomName.Match), 403, ErrorCode.Forbidden);
  expectRefusal(await matchmake("join", RoomName.Lobby), 403, ErrorCode.Forbidden);
  expectRefusal(await matchmake("joinOrCreate", RoomName.Match), 403, ErrorCode.Forbidden);
  expect([await rooms(RoomName.Lobby), await rooms(RoomName.Match)]).toEqual([lobbies, 0]);
});

test("unknown methods, room names and paths are 404 not_found", async () => {
  expectRefusal(await matchmake("destroy", RoomName.Lobby), 404, ErrorCode.NotFound);
  expectRefusal(await matchmake("joinOrCreate", "nosuchroom"), 404, ErrorCode.NotFound);
  expectRefusal(await matchmake("joinById", "not%2Fan%2Fid"), 404, ErrorCode.NotFound);
  expectRefusal(await matchmake("joinById", "x".repeat(65)), 404, ErrorCode.NotFound);
  expectRefusal(await request(t.url, "POST", "/matchmake/joinOrCreate", { raw: "{}" }), 404, ErrorCode.NotFound);
  expectRefusal(await request(t.url, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}/extra`, { raw: "{}" }), 404, ErrorCode.NotFound);
});

test("a body over Limits.matchmakeBodyMaxBytes is 413 payload_too_large, whether its length is announced or not", async () => {
  const options = (bytes: number) => JSON.stringify({ pad: "x".repeat(bytes - 10) });
  expect(Buffer.byteLength(options(Limits.matchmakeBodyMaxBytes))).toBe(Limits.matchmakeBodyMaxBytes);
  // At the cap: accepted (unknown options are ignored by the lobby).
  await takeSeat(await matchmake("joinOrCreate", RoomName.Lobby, { raw: options(Limits.matchmakeBodyMaxBytes) }));
  expectRefusal(await matchmake("joinOrCreate", RoomName.Lobby, { raw: options(Limits.matchmakeBodyMaxBytes + 1) }), 413, ErrorCode.PayloadTooLarge);
  expectRefusal(await matchmake("joinOrCreate", RoomName.Lobby, { raw: options(2 * 1024 * 1024) }), 413, ErrorCode.PayloadTooLarge);
  expectRefusal(await chunked(`/matchmake/joinOrCreate/${RoomName.Lobby}`, options(64 * 1024)), 413, ErrorCode.PayloadTooLarge);
});

test("the SDK rejects a refused request with a MatchMakeError whose code is the HTTP status", async () => {
  const client = new Client(t.url);
  client.auth.token = player.client.accessToken;
  const outcomes = await Promise.all([
    client.joinOrCreate(RoomName.Lobby, { pad: "x".repeat(Limits.matchmakeBodyMaxBytes) }).catch((err: unknown) => err),
    client.create(RoomName.Lobby).catch((err: unknown) => err),
    client.join(RoomName.Lobby).catch((err: unknown) => err),
  ]);
  for (const outcome of outcomes) expect(outcome).toBeInstanceOf(MatchMakeError);
  expect(outcomes.map((o) => (o as MatchMakeError).code)).toEqual([413, 403, 403]);
});

test("a body that is not a JSON object is a 400 invalid_request (it was a 500 under Jest), not JSON at all a 415", async () => {
  for (const raw of ["{", "[1]", "null", '"text"', "\u0000"]) {
    expectRefusal(await matchmake("joinOrCreate", RoomName.Lobby, { raw }), 400, ErrorCode.InvalidRequest);
  }
  expectRefusal(await matchmake("joinOrCreate", RoomName.Lobby, { raw: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, ErrorCode.UnsupportedMediaType);
  expectRefusal(await matchmake("joinOrCreate", RoomName.Lobby, { raw: "{}", headers: { "content-type": "text/plain" } }), 415, ErrorCode.UnsupportedMediaType);
  expectRefusal(await matchmake("joinOrCreate", RoomName.Lobby, { raw: "{}", headers: { "content-encoding": "gzip" } }), 415, ErrorCode.UnsupportedMediaType);
});

test("an empty body, with or without a content type, is the empty options object", async () => {
  await takeSeat(await request(t.url, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { token: player.client.accessToken }));
  await takeSeat(await matchmake("joinOrCreate", RoomName.Lobby, { raw: "" }));
});

test("what the guard lets through still gets Colyseus' own answers: no token 525, unknown room id 522", async () => {
  const anonymous = await request(t.url, "POST", `/matchmake/joinOrCreate/${RoomName.Lobby}`, { raw: "{}" });
  expect([anonymous.status, (anonymous.body as { code: number }).code]).toEqual([525, 525]);
  expect((await matchmake("joinById", "NoSuchRoom1")).status).toBe(522);
  // A CORS preflight is still answered by Colyseus.
  expect((await request(t.url, "OPTIONS", `/matchmake/create/${RoomName.Lobby}`)).status).toBe(204);
});

/** POST with Transfer-Encoding: chunked (no Content-Length): the cap holds while the body streams. */
function chunked(path: string, body: string): Promise<HttpResponse> {
  const url = new URL(path, t.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${player.client.accessToken}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: JSON.parse(text) });
        });
      },
    );
    // The server may close the connection before the rest of the body is written.
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    for (let i = 0; i < body.length; i += 1024) req.write(body.slice(i, i + 1024));
    req.end();
  });
}
