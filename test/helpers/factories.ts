import type { Room } from "@colyseus/sdk";
import { LobbyClient, type LobbySession } from "../../shared/client/lobby-client";
import { LobbyServerMessage, type WsErrorMessage } from "../../shared/schemas/lobby";
import { MessageLog } from "./message-log";
import { GOOD_PASSWORD, uniqueUsername } from "./test-server";

/**
 * The one way tests make players, their lobby connections and friendships, and send lobby
 * messages and capture what they were refused. Parties and matches: factories-match.ts.
 */

/** A registered account and the game client (HTTP + SDK) that holds its first session. */
export interface Player {
  id: string;
  username: string;
  password: string;
  /** The access token of the first session (the register answer). */
  token: string;
  client: LobbyClient;
}

/** Where a player registers: a server URL, a test server (`url`) or an Api (`baseUrl`). */
export type ServerRef = string | { url: string } | { baseUrl: string };

const urlOf = (where: ServerRef): string => (typeof where === "string" ? where : "url" in where ? where.url : where.baseUrl);

export interface NewPlayerOptions {
  /** A username prefix (the name is unique either way). */
  prefix?: string;
  /** The exact username. */
  username?: string;
}

export async function newPlayer(where: ServerRef, opts: NewPlayerOptions = {}): Promise<Player> {
  const client = new LobbyClient(urlOf(where));
  const auth = await client.register({ username: opts.username ?? uniqueUsername(opts.prefix), password: GOOD_PASSWORD });
  return { id: auth.account.id, username: auth.account.username, password: GOOD_PASSWORD, token: auth.accessToken, client };
}

export const newPlayers = (where: ServerRef, n: number, opts: Omit<NewPlayerOptions, "username"> = {}): Promise<Player[]> =>
  Promise.all(Array.from({ length: n }, () => newPlayer(where, opts)));

/** A second login of the player (another session, e.g. another device), optionally on another process. */
export async function loginAgain(player: Player, where: ServerRef): Promise<Player> {
  const client = new LobbyClient(urlOf(where));
  const auth = await client.login({ username: player.username, password: player.password });
  return { ...player, token: auth.accessToken, client };
}

// --- lobby connections ---------------------------------------------------------------------------

/** One open lobby connection and everything it received. */
export interface Connection {
  account: Player;
  room: Room;
  session: LobbySession;
  log: MessageLog;
}

/** Opens a lobby connection (into `roomId` when given), recording every message from the first. */
export async function connect(player: Player, opts: { roomId?: string } = {}): Promise<Connection> {
  const log = new MessageLog();
  const setup = (room: Room) => log.listen(room);
  const session = opts.roomId ? await player.client.joinLobbyById(opts.roomId, setup) : await player.client.joinLobby({}, setup);
  return { account: player, room: session.room, session, log };
}

/** A new player, connected to the lobby. */
export async function onlinePlayer(where: ServerRef, opts: NewPlayerOptions & { roomId?: string } = {}): Promise<Connection> {
  return connect(await newPlayer(where, opts), { roomId: opts.roomId });
}

/** `n` new players, connected to the lobby (all made friends of each other when `friends`). */
export async function onlinePlayers(where: ServerRef, n: number, opts: { friends?: boolean; prefix?: string } = {}): Promise<Connection[]> {
  const players = await newPlayers(where, n, { prefix: opts.prefix });
  if (opts.friends) await befriendAll(...players);
  return Promise.all(players.map((p) => connect(p)));
}

export async function leave(...connections: Connection[]): Promise<void> {
  await Promise.all(connections.map((c) => (c.room.connection.isOpen ? c.room.leave() : undefined)));
}

// --- friendships ---------------------------------------------------------------------------------

/** `a` sends a friend request and `b` accepts it (over HTTP); throws if either is refused. */
export async function befriend(a: Player, b: Player): Promise<void> {
  await a.client.http.sendFriendRequest(a.client.accessToken, b.username);
  await b.client.http.acceptFriendRequest(b.client.accessToken, a.id);
}

/** Makes every pair of these players friends. */
export async function befriendAll(...players: Player[]): Promise<void> {
  for (let i = 0; i < players.length; i++) for (let j = i + 1; j < players.length; j++) await befriend(players[i]!, players[j]!);
}

// --- sending lobby messages ----------------------------------------------------------------------

export function errorsFor(conn: Connection, type: string, from = 0): WsErrorMessage[] {
  return conn.log.of<WsErrorMessage>(LobbyServerMessage.Error, (e) => e.type === type, from);
}

/** What a client message got back: the handler's answer (undefined after a refusal) and the refusals. */
export interface Outcome<T> {
  reply: T | undefined;
  errors: WsErrorMessage[];
}

/** Sends `type` as a request and collects the `error` messages it caused (they precede the answer). */
export async function attempt<T = unknown>(conn: Connection, type: string, payload: unknown = {}): Promise<Outcome<T>> {
  const from = conn.log.mark;
  const reply = await conn.room.request<unknown, T>(type, payload);
  return { reply: reply ?? undefined, errors: errorsFor(conn, type, from) };
}

/** Sends `type` as a request; resolves with the handler's answer, or throws with the refusal. */
export async function ok<T = unknown>(conn: Connection, type: string, payload: unknown = {}): Promise<T> {
  const out = await attempt<T>(conn, type, payload);
  if (out.errors.length > 0) throw new Error(`${type} refused: ${JSON.stringify(out.errors)}`);
  return out.reply as T;
}

/** The single refusal of an outcome: throws unless it holds exactly one error and no answer. */
export function refused(out: Outcome<unknown>, type = "the message"): WsErrorMessage {
  if (out.errors.length !== 1 || out.reply !== undefined) {
    throw new Error(`${type}: expected one refusal and no answer, got ${JSON.stringify(out.errors)} (reply ${JSON.stringify(out.reply)})`);
  }
  return out.errors[0]!;
}

/** Sends `type` as a request and returns the single refusal it got (see `refused`). */
export async function refusal(conn: Connection, type: string, payload: unknown = {}): Promise<WsErrorMessage> {
  return refused(await attempt(conn, type, payload), type);
}

/** The code of the single refusal of `type`. */
export const refusedCode = async (conn: Connection, type: string, payload: unknown = {}): Promise<string> => (await refusal(conn, type, payload)).code;
