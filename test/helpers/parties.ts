import type { Room } from "@colyseus/sdk";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import type { MatchCancelledMessage, MatchFoundMessage, QueueUpdateMessage } from "../../shared/schemas/matchmaking";
import type { PartyInviteMessage, PartySnapshotMessage, PartyUpdateMessage, PartyView } from "../../shared/schemas/party";
import type { Connection, Player as Account } from "./factories";
import { REALTIME_TEST_ENV } from "./realtime";
import { sql } from "./sql";

/**
 * Parties and matchmaking over real lobby connections. Ticks never run on their own (the test
 * calls `matchmaking.tick()`), and each test queues in a region of its own with no neighbours, so
 * a ticket another test left behind is never matched with this test's players.
 */
export const REGIONS = Array.from({ length: 16 }, (_, i) => `r${i + 1}`);
export const PARTY_TEST_ENV = {
  ...REALTIME_TEST_ENV,
  MATCH_TICK_MS: "3600000",
  MATCH_REGIONS: REGIONS.join(","),
  // No region widens into another (empty values count as unset: name one region, with no neighbours).
  MATCH_REGION_NEIGHBOURS: "r1=",
  LOBBY_SESSION_SWEEP_SECONDS: "3600",
} as const;

let nextRegion = 0;
/** A region no other test of this file queues in. */
export function freshRegion(): string {
  const region = REGIONS[nextRegion % REGIONS.length]!;
  nextRegion += 1;
  return region;
}

export { ok, refusal, refusedCode } from "./factories";

export const snapshotOf = (conn: Connection): Promise<PartySnapshotMessage> => conn.log.waitFor<PartySnapshotMessage>(LobbyServerMessage.PartySnapshot);

/** Waits for a `party.update` holding a party that satisfies `where` (at or after `from`). */
export function partyUpdate(conn: Connection, where: (p: PartyView) => boolean = () => true, from = 0): Promise<PartyView> {
  return conn.log
    .waitFor<PartyUpdateMessage>(LobbyServerMessage.PartyUpdate, (u) => u.party !== null && where(u.party), from)
    .then((u) => u.party!);
}

/** Waits for the `party.update` telling the player they are out of the party. */
export function partyGone(conn: Connection, partyId: string, from = 0): Promise<PartyUpdateMessage> {
  return conn.log.waitFor<PartyUpdateMessage>(LobbyServerMessage.PartyUpdate, (u) => u.partyId === partyId && u.party === null, from);
}

/** Every `party.update` the connection got (from `from`). */
export const partyUpdates = (conn: Connection, from = 0): PartyUpdateMessage[] => conn.log.of<PartyUpdateMessage>(LobbyServerMessage.PartyUpdate, () => true, from);

/** The newest party state the connection holds (the highest version it received), or null. */
export function latestParty(conn: Connection): PartyView | null {
  const updates = partyUpdates(conn);
  const last = updates[updates.length - 1];
  return last ? last.party : null;
}

export const memberIds = (p: PartyView): string[] => p.members.map((m) => m.id);
export const hasMembers =
  (...accounts: Account[]) =>
  (p: PartyView): boolean =>
    p.members.length === accounts.length && accounts.every((a) => p.members.some((m) => m.id === a.id));

export function partyInvite(conn: Connection, from: Account, at = 0): Promise<PartyInviteMessage> {
  return conn.log.waitFor<PartyInviteMessage>(LobbyServerMessage.PartyInvite, (i) => i.from.id === from.id, at);
}

export function queueUpdate(conn: Connection, where: (u: QueueUpdateMessage) => boolean = () => true, from = 0): Promise<QueueUpdateMessage> {
  return conn.log.waitFor<QueueUpdateMessage>(LobbyServerMessage.QueueUpdate, where, from);
}
export const queueUpdates = (conn: Connection, from = 0): QueueUpdateMessage[] => conn.log.of<QueueUpdateMessage>(LobbyServerMessage.QueueUpdate, () => true, from);
export const isState =
  (state: QueueUpdateMessage["state"], reason?: QueueUpdateMessage["reason"]) =>
  (u: QueueUpdateMessage): boolean =>
    u.state === state && (reason === undefined || u.reason === reason);

export function matchFound(conn: Connection, from = 0): Promise<MatchFoundMessage> {
  return conn.log.waitFor<MatchFoundMessage>(LobbyServerMessage.MatchFound, () => true, from);
}
export const matchesFound = (conn: Connection, from = 0): MatchFoundMessage[] => conn.log.of<MatchFoundMessage>(LobbyServerMessage.MatchFound, () => true, from);

export function matchCancelled(conn: Connection, from = 0): Promise<MatchCancelledMessage> {
  return conn.log.waitFor<MatchCancelledMessage>(LobbyServerMessage.MatchCancelled, () => true, from);
}

export { befriendAll } from "./factories";
export { allReady, formParty } from "./factories-match";

/** Resolves with the first state of `room` that satisfies `predicate` (now or after a patch). */
export function roomState<S>(room: Room, predicate: (state: S) => boolean): Promise<S> {
  return new Promise((resolve) => {
    if (room.state && predicate(room.state as S)) return resolve(room.state as S);
    room.onStateChange((s: S) => predicate(s) && resolve(s));
  });
}

export interface MatchStateView {
  phase: string;
  teamScores: number[];
  /** `left`: gone for good; `backfill`: joined in progress for a leaver. */
  players: Map<string, { connected: boolean; score: number; team: number; left: boolean; backfill: boolean }>;
}
export const phaseIs =
  (phase: string) =>
  (s: MatchStateView): boolean =>
    s.phase === phase;

/** Records the close code of a match room connection. */
export function closeCode(room: Room): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

/** The stored ticket holding `accountId` (status, enqueue time, its players), or null. */
export async function storedTicket(databaseUrl: string, accountId: string): Promise<{ id: string; status: string; enqueuedAt: Date; players: string[] } | null> {
  const rows = await sql<{ id: string; status: string; enqueued_at: Date; players: string[] }>(
    databaseUrl,
    `SELECT t.id::text AS id, t.status::text AS status, t.enqueued_at,
            ARRAY(SELECT p2.account_id::text FROM match_ticket_players p2 WHERE p2.ticket_id = t.id ORDER BY 1) AS players
     FROM match_ticket_players p JOIN match_tickets t ON t.id = p.ticket_id WHERE p.account_id = $1::uuid`,
    [accountId],
  );
  const r = rows[0];
  return r ? { id: r.id, status: r.status, enqueuedAt: r.enqueued_at, players: r.players } : null;
}

/** Matches (any status) a player takes part in. */
export async function matchesOf(databaseUrl: string, accountId: string): Promise<{ id: string; status: string }[]> {
  return sql<{ id: string; status: string }>(
    databaseUrl,
    `SELECT m.id::text AS id, m.status::text AS status FROM match_participants p JOIN matches m ON m.id = p.match_id WHERE p.account_id = $1::uuid`,
    [accountId],
  );
}
