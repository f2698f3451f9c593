import type { Room } from "@colyseus/sdk";
import type { ManualClock } from "../../server/lib/clock";
import { LobbyClientMessage } from "../../shared/schemas/lobby";
import { MatchClientMessage, MatchServerMessage, type MatchResultMessage } from "../../shared/schemas/match";
import type { MatchFoundMessage } from "../../shared/schemas/matchmaking";
import type { PartyView } from "../../shared/schemas/party";
import { ok, onlinePlayer, type Connection, type Player } from "./factories";
import { closeCode, freshRegion, hasMembers, matchFound, partyInvite, partyUpdate, roomState, type MatchStateView } from "./parties";

/** The one way tests form a party and play a match (over real lobby and match connections). */

/**
 * The leader invites each member (friends already) and each accepts; resolves with the party once
 * every connection has seen all of them in it.
 */
export async function formParty(leader: Connection, ...members: Connection[]): Promise<PartyView> {
  for (const m of members) {
    const at = m.log.mark;
    await ok(leader, LobbyClientMessage.PartyInvite, { accountId: m.account.id });
    const invite = await partyInvite(m, leader.account, at);
    await ok(m, LobbyClientMessage.PartyAccept, { partyId: invite.partyId });
  }
  const everyone = [leader, ...members].map((c) => c.account);
  const views = await Promise.all([leader, ...members].map((c) => partyUpdate(c, hasMembers(...everyone))));
  return views[0]!;
}

/** Every member marks themselves ready; resolves once the leader sees the whole party ready. */
export async function allReady(leader: Connection, ...members: Connection[]): Promise<PartyView> {
  for (const m of members) await ok(m, LobbyClientMessage.PartyReady, { ready: true });
  return partyUpdate(leader, (p) => p.members.every((m) => m.ready));
}

/** One player's place in a match: the match room they joined with their seat reservation. */
export interface Seat {
  account: Player;
  lobby: Connection;
  found: MatchFoundMessage;
  room: Room;
  /** The close code of the match room connection. */
  closed: Promise<number>;
  /** The `result` the match room sends this seat. */
  result: Promise<MatchResultMessage>;
}

/** What the factory needs of a test server: its matcher, ticked by hand. */
export interface MatchTicker {
  server: { services: { matchmaking: { tick(): Promise<unknown[]> } } };
}

/**
 * Queues every lobby connection (solo, in `region`, a fresh one by default), runs one matcher tick,
 * which must form exactly one match, and seats every player in the match room with their
 * reservation; resolves once every seat sees the match playing.
 */
export async function seatedMatch<L extends readonly Connection[]>(
  t: MatchTicker,
  lobbies: readonly [...L],
  opts: { mode?: string; region?: string } = {},
): Promise<{ [K in keyof L]: Seat }> {
  const region = opts.region ?? freshRegion();
  for (const c of lobbies) await ok(c, LobbyClientMessage.QueueJoin, { mode: opts.mode ?? "duel", region });
  expect(await t.server.services.matchmaking.tick()).toHaveLength(1);
  const seats = await Promise.all(lobbies.map((lobby) => takeSeat(lobby)));
  await Promise.all(seats.map((s) => roomState<MatchStateView>(s.room, (st) => st.phase === "playing")));
  return seats as { [K in keyof L]: Seat };
}

/** Two new players, online, matched into a duel and both in the match room (phase playing). */
export async function duelInPlay(t: MatchTicker & { url: string }, opts: { region?: string } = {}): Promise<[Seat, Seat]> {
  const [a, b] = await Promise.all([onlinePlayer(t.url), onlinePlayer(t.url)]);
  return seatedMatch(t, [a, b], opts);
}

/** Waits for the connection's `match.found` and joins the match room with its reservation. */
export async function takeSeat(lobby: Connection, from = 0): Promise<Seat> {
  const found = await matchFound(lobby, from);
  const room = await lobby.account.client.colyseus.consumeSeatReservation(found.reservation as never);
  const result = new Promise<MatchResultMessage>((resolve) => room.onMessage(MatchServerMessage.Result, resolve));
  return { account: lobby.account, lobby, found, room, closed: closeCode(room), result };
}

/**
 * `scorer` scores `points` times (the clock, when given, advanced by `stepMs` after each point, past
 * the score cooldown); resolves with the result the scorer's room sends.
 */
export async function scorePoints(scorer: Seat, points: number, opts: { clock?: ManualClock; stepMs?: number } = {}): Promise<MatchResultMessage> {
  for (let i = 0; i < points; i++) {
    scorer.room.send(MatchClientMessage.Score, {});
    opts.clock?.advance(opts.stepMs ?? 10);
  }
  return scorer.result;
}
