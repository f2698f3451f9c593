import { matchMaker, type Room as ServerRoom } from "@colyseus/core";
import { Client, MatchMakeError, type Room } from "@colyseus/sdk";
import { MatchmakeErrorCode } from "../../shared/codes";
import type { LobbyClient, LobbySession } from "../../shared/client/lobby-client";
import { LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import { RoomName } from "../../shared/rooms";
import { checkUnhandledMessages } from "./protocol-check";
import { GOOD_PASSWORD, uniqueUsername, type TestServer } from "./test-server";

/** What a client saw of its connection's end: every onLeave / onDrop the SDK fired. */
export interface ConnectionWatch {
  leaves: number[];
  drops: number[];
  /** Resolves with the close code of the first onLeave. */
  left: Promise<number>;
}

/** Starts recording a room's onLeave/onDrop events. Call right after joining. */
export function watchConnection(room: Room): ConnectionWatch {
  const leaves: number[] = [];
  const drops: number[] = [];
  let resolveLeft!: (code: number) => void;
  const left = new Promise<number>((resolve) => (resolveLeft = resolve));
  room.onDrop((code: number) => drops.push(code));
  room.onLeave((code: number) => {
    leaves.push(code);
    resolveLeft(code);
  });
  return { leaves, drops, left };
}

/** The next message of `type` on `room`. */
export function nextMessage<T = unknown>(room: Room, type: string): Promise<T> {
  return new Promise<T>((resolve) => {
    const off = room.onMessage(type, (message: T) => {
      off();
      resolve(message);
    });
  });
}

/** Resolves once the lobby state seen by `room` satisfies `predicate` (now or after a patch). */
export function waitForState(room: Room, predicate: (state: { clients: number }) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (state: { clients: number }) => predicate(state) && resolve();
    if (room.state && predicate(room.state as { clients: number })) return resolve();
    room.onStateChange(check);
  });
}

/**
 * Proves a connection is open and served: sends a message type the server does not know and
 * waits for the `error` reply. Resolves with that reply.
 */
export async function roundTrip(room: Room, probe = "probe"): Promise<WsErrorMessage> {
  const reply = new Promise<WsErrorMessage>((resolve) => {
    const off = room.onMessage(LobbyServerMessage.Error, (message: WsErrorMessage) => {
      if (message.type !== probe) return; // a reply to something sent earlier
      off();
      resolve(message);
    });
  });
  room.send(probe, {});
  return reply;
}

/** A registered game client whose lobby session is open. */
export interface WatchedLobby {
  client: LobbyClient;
  session: LobbySession;
  room: Room;
  watch: ConnectionWatch;
}

export async function registeredClient(t: TestServer, username = uniqueUsername()): Promise<LobbyClient> {
  const client = t.client();
  await client.register({ username, password: GOOD_PASSWORD });
  return client;
}

/** Joins the lobby with an already logged-in client and starts watching the connection. */
export async function joinAs(client: LobbyClient): Promise<WatchedLobby> {
  const session = await client.joinLobby({}, checkUnhandledMessages);
  // Reconnection attempts would hide a wrong close code: tests expect the SDK's default policy,
  // minus the 5 s minimum uptime, so a drop would really be retried.
  session.room.reconnection.minUptime = 0;
  return { client, session, room: session.room, watch: watchConnection(session.room) };
}

export async function registerAndJoin(t: TestServer): Promise<WatchedLobby> {
  return joinAs(await registeredClient(t));
}

/** Two players on one lobby shard, each having seen the other arrive (state count 2). */
export async function joinedPair(t: TestServer): Promise<[WatchedLobby, WatchedLobby]> {
  const first = await registerAndJoin(t);
  const second = await registerAndJoin(t);
  if (first.room.roomId !== second.room.roomId) throw new Error("expected one shard");
  await Promise.all([waitForState(first.room, (s) => s.clients === 2), waitForState(second.room, (s) => s.clients === 2)]);
  return [first, second];
}

/**
 * Env for servers these tests start: many registrations come from one IP (127.0.0.1), well past
 * the production register limit, which the HTTP tests cover.
 */
export const REALTIME_TEST_ENV = { REGISTER_MAX_PER_IP_PER_HOUR: "100000" } as const;

/** Tries to join the lobby with `token` (none when undefined) through a bare @colyseus/sdk client. */
export async function attemptJoin(url: string, token: string | undefined): Promise<unknown> {
  const client = new Client(url);
  if (token !== undefined) client.auth.token = token;
  try {
    const room = await client.joinOrCreate(RoomName.Lobby);
    checkUnhandledMessages(room);
    await room.leave();
    return room;
  } catch (err) {
    return err;
  }
}

/** Asserts the outcome of attemptJoin is Colyseus' auth-failed matchmaking error. */
export function expectAuthFailed(outcome: unknown): void {
  expect(outcome).toBeInstanceOf(MatchMakeError);
  expect((outcome as MatchMakeError).code).toBe(MatchmakeErrorCode.AuthFailed);
}

/** Lobby rooms of this process as the matchmaker lists them. */
export function lobbyListings() {
  return matchMaker.query({ name: RoomName.Lobby });
}

/** The live room instance behind a listing (the server runs in the test process). */
export function localRoom(roomId: string): ServerRoom {
  const room = matchMaker.getLocalRoomById(roomId);
  if (!room) throw new Error(`room ${roomId} is not on this process`);
  return room;
}

/**
 * Resolves once the server room has finished with each of these sessions (onDrop/onLeave done,
 * listing count updated: Colyseus' internal "leave" event). Call before the action that ends them.
 */
export function departures(room: ServerRoom, sessionIds: string[]): Promise<void> {
  const events = (room as unknown as { _events: NodeJS.EventEmitter })._events;
  const waiting = new Set(sessionIds);
  return new Promise((resolve) => {
    const onLeave = (client: { sessionId: string }) => {
      waiting.delete(client.sessionId);
      if (waiting.size > 0) return;
      events.off("leave", onLeave);
      resolve();
    };
    events.on("leave", onLeave);
  });
}

/** Seats a room holds for clients that have not (re)connected yet. */
export function reservedSeats(room: ServerRoom): string[] {
  // Private in Colyseus; joined clients' entries are made non-enumerable, so list own names.
  const seats = (room as unknown as { _reservedSeats: Record<string, unknown> })._reservedSeats;
  return Object.getOwnPropertyNames(seats);
}
