import fs from "node:fs";
import path from "node:path";
import { decode } from "@colyseus/schema";
import { Client, MatchMakeError, Protocol } from "@colyseus/sdk";
import WebSocket from "ws";
import { parse } from "yaml";
import { ErrorCode } from "../../shared/codes";
import { RoomName } from "../../shared/rooms";
import { registerAccount } from "../helpers/accounts";
import { startChildServer, type ChildServer } from "../helpers/child-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { Api } from "../helpers/http";
import { openRawLobbySocket } from "../helpers/raw-lobby-socket";

// A child process, as in production. (Under Jest, Colyseus' own body parsing made a malformed body
// a 500: its 400 mapping tests `instanceof SyntaxError` against another realm's class. The
// matchmake guard now parses the body itself, in either.)
let db: TestDatabase;
let child: ChildServer;
let token: string;
beforeAll(async () => {
  db = await createTestDatabase();
  child = await startChildServer({ DATABASE_URL: db.url });
  token = (await registerAccount(new Api(child.url))).auth.accessToken;
});
afterAll(async () => {
  await child?.kill();
  await db?.drop();
});

const openapi = parse(fs.readFileSync(path.resolve(__dirname, "../../docs/openapi.yaml"), "utf8")) as {
  paths: Record<string, { post?: { responses: Record<string, unknown> } }>;
};
const documentedStatuses = Object.keys(openapi.paths["/matchmake/{method}/{roomName}"]?.post?.responses ?? {});

async function matchmake(method: string, room: string, opts: { token?: string; body?: string } = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${child.url}/matchmake/${method}/${room}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
    body: opts.body ?? "{}",
  });
  return { status: res.status, body: await res.json() };
}

// Methods and rooms clients do not use, and bodies that are not a small JSON object, are refused
// ahead of Colyseus in the gateway's error shape (test/security/matchmake-guard.test.ts).
test("every refusal has a documented status and Colyseus' {code, error} body, code = status", async () => {
  const lobby = await openRawLobbySocket(child.url, token, { autoPong: true });
  const refusals = {
    "no token": await matchmake("joinOrCreate", RoomName.Lobby),
    "invalid token": await matchmake("joinOrCreate", RoomName.Lobby, { token: "not.a.jwt" }),
    "unknown room id": await matchmake("joinById", "NoSuchRoom1", { token }),
    "reconnect without a token": await matchmake("reconnect", lobby.roomId, { token }),
    "reconnect with a bad token": await matchmake("reconnect", lobby.roomId, { token, body: JSON.stringify({ reconnectionToken: "nope" }) }),
  };
  const expected: Record<keyof typeof refusals, number> = {
    "no token": 525,
    "invalid token": 525,
    "unknown room id": 522,
    "reconnect without a token": 523,
    "reconnect with a bad token": 524,
  };
  for (const [name, { status, body }] of Object.entries(refusals)) {
    expect([name, status]).toEqual([name, expected[name as keyof typeof refusals]]);
    expect(documentedStatuses).toContain(String(status));
    expect(body).toEqual({ code: status, error: expect.any(String) });
  }
  lobby.ws.close();
  await lobby.closed;
});

test("a body that is not JSON is the documented 400, in the gateway's error shape", async () => {
  const res = await matchmake("joinOrCreate", RoomName.Lobby, { token, body: "{" });
  expect(res).toEqual({ status: 400, body: { error: { code: ErrorCode.InvalidRequest, message: expect.any(String), requestId: expect.any(String) } } });
  expect(documentedStatuses).toContain("400");
});

test("the SDK turns a refusal into MatchMakeError with the status as code and `error` as message", async () => {
  const client = new Client(child.url);
  client.auth.token = "not.a.jwt";
  const outcome = await client.joinOrCreate(RoomName.Lobby).catch((err: unknown) => err);
  expect(outcome).toBeInstanceOf(MatchMakeError);
  expect(outcome).toMatchObject({ code: 525, message: "The access token is invalid." });
});

test("a socket for a seat that is not (or no longer) reserved gets an ERROR frame 524 and is closed with 4002", async () => {
  const seat = await fetch(`${child.url}/matchmake/joinOrCreate/${RoomName.Lobby}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
  }).then((r) => r.json() as Promise<{ roomId: string; processId: string }>);
  const ws = new WebSocket(`${child.url.replace(/^http/, "ws")}/${seat.processId}/${seat.roomId}?sessionId=notReserved&_authToken=${token}`);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  const frame = await new Promise<Buffer>((resolve) => ws.once("message", (data: Buffer) => resolve(data)));
  expect(frame[0]).toBe(Protocol.ERROR);
  const it = { offset: 1 };
  expect([decode.number(frame, it), decode.string(frame, it)]).toEqual([524, "seat reservation expired."]);
  expect(await closed).toBe(4002);
});
