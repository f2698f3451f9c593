import { matchMaker } from "@colyseus/core";
import { accountChannel } from "../../server/backplane/presence-account-event-bus";
import type { AccountEvent } from "../../server/modules/events/account-events";
import { LobbyClientMessage, LobbyServerMessage, type FriendsUpdateMessage } from "../../shared/schemas/lobby";
import type { Notification } from "../../shared/schemas/notifications";
import type { FriendPresence, PresenceSetMessage, PresenceSnapshotMessage } from "../../shared/schemas/presence";
import { newPlayer, type Connection, type Player } from "./factories";

/** Presence tests' names for the factories' Player and its lobby connection. */
export type Account = Player;
export type { Connection };
export { befriend, connect, errorsFor, leave, loginAgain } from "./factories";

export const newAccount = (baseUrl: string, prefix = "p"): Promise<Player> => newPlayer(baseUrl, { prefix });

/** `presence.set` sent as a request: resolves once the server has applied and announced it. */
export async function setPresence(conn: Connection, change: PresenceSetMessage): Promise<void> {
  await conn.room.request(LobbyClientMessage.PresenceSet, change);
}

/** `presence.update` messages about `subject` that `conn` received (from position `from`). */
export function updatesAbout(conn: Connection, subject: Account, from = 0): FriendPresence[] {
  return conn.log.of<FriendPresence>(LobbyServerMessage.PresenceUpdate, (p) => p.accountId === subject.id, from);
}

/** Waits for a `presence.update` about `subject` that satisfies `where` (at or after `from`). */
export function presenceUpdate(conn: Connection, subject: Account, where: (p: FriendPresence) => boolean = () => true, from = 0): Promise<FriendPresence> {
  return conn.log.waitFor<FriendPresence>(LobbyServerMessage.PresenceUpdate, (p) => p.accountId === subject.id && where(p), from);
}

/**
 * Resolves once `conn` sees `subject` with `status` (from position `from`): in a live
 * presence.update, or in a presence.snapshot (the server refreshes every connection with one when
 * its backplane subscriber reconnects; an update the snapshot already holds is then not sent).
 */
export function seesStatus(conn: Connection, subject: Account, status: FriendPresence["status"], from = 0): Promise<FriendPresence> {
  const inSnapshotOf = (s: PresenceSnapshotMessage) => s.friends.find((f) => f.accountId === subject.id && f.status === status);
  return Promise.race([
    presenceUpdate(conn, subject, (p) => p.status === status, from),
    conn.log.waitFor<PresenceSnapshotMessage>(LobbyServerMessage.PresenceSnapshot, (s) => inSnapshotOf(s) !== undefined, from).then((s) => inSnapshotOf(s)!),
  ]);
}

export const isStatus =
  (status: FriendPresence["status"]) =>
  (p: FriendPresence): boolean =>
    p.status === status;

/** Waits for a `friends.update` about `subject` with `state` (at or after `from`). */
export function friendsUpdate(conn: Connection, subject: Account, state: FriendsUpdateMessage["state"], from = 0): Promise<FriendsUpdateMessage> {
  return conn.log.waitFor<FriendsUpdateMessage>(LobbyServerMessage.FriendsUpdate, (u) => u.account.id === subject.id && u.state === state, from);
}

/** Waits for a live `notification` of `type` about `actor` (at or after `from`). */
export function notification(conn: Connection, type: Notification["type"], actor: Account, from = 0): Promise<Notification> {
  return conn.log.waitFor<Notification>(LobbyServerMessage.Notification, (n) => n.type === type && n.actor?.id === actor.id, from);
}

/** Snapshot entry for `subject`, if the snapshot holds one. */
export function inSnapshot(conn: Connection, subject: Account): FriendPresence | undefined {
  return conn.session.presence.friends.find((f) => f.accountId === subject.id);
}

const MARKER = "test.marker";
let markers = 0;

/**
 * Publishes a marker on `conn`'s account channel (through this process' Presence backplane: local,
 * or Redis shared with other processes) and waits until `conn` receives it. Whatever was published
 * to the account before it has been delivered by then, so a test can assert what did NOT arrive.
 */
export async function settle(...connections: Connection[]): Promise<void> {
  await Promise.all(
    connections.map(async (conn) => {
      markers += 1;
      const n = markers;
      // A type of the tests' own, outside the protocol's map: hence the cast.
      const event = { kind: "deliver", type: MARKER, payload: { n } } as unknown as AccountEvent;
      await matchMaker.presence.publish(accountChannel(conn.account.id), event);
      await conn.log.waitFor<{ n: number }>(MARKER, (p) => p.n === n);
    }),
  );
}
