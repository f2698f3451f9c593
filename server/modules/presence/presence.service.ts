import type { Activity, ChosenStatus, FriendPresence, GameLobbyActivity, PartyActivity, PresenceSnapshotMessage, VisibleStatus } from "../../../shared/schemas/presence";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { Clock } from "../../lib/clock";
import { forEachChunk } from "../../lib/chunked";
import { KeyedSerializer } from "../../lib/keyed-serializer";
import type { AccountEventBus } from "../events/account-events";
import { publicAccountOf, type Identity, type PublicAccount } from "../identity";
import { UNKNOWN_NAMES } from "../accounts/account-names.repo";
import type { NotificationsService } from "../notifications/notifications.service";
import type { FriendGraph, FriendSummary } from "../social/friend-graph";
import type { PresencePatch, PresenceStore } from "./presence.store";
import type { PresenceRepo } from "./presence.repo";
import { visiblePresence } from "./presence-view";
import type { ProcessRegistry } from "./process-registry";

export type { Identity } from "../identity";

/** Friends told of a presence change per turn of the event loop. */
const FANOUT_CHUNK = 100;

export interface PresenceServiceDeps {
  store: PresenceStore;
  repo: PresenceRepo;
  friends: FriendGraph;
  bus: AccountEventBus;
  notifications: NotificationsService;
  clock: Clock;
  processId: string;
  registry: ProcessRegistry;
  /** A player hidden for less than this is not announced as "came online" again (reconnects). */
  onlineNotificationDebounceMs: number;
  /** Runs after each announcement of an account's presence (its party re-sends its state). */
  onAnnounced?: (accountId: string, partyId?: string | null) => Promise<void>;
}

/** The join snapshot, and per order key the version and payload it holds (for ClientDelivery). */
export interface JoinSnapshot {
  snapshot: PresenceSnapshotMessage;
  entries: Map<string, { version: number; payload: FriendPresence }>;
}

/** What the lobby join already read (one snapshot query): presence needs no read of its own. */
export interface KnownAtJoin {
  preference: { status: ChosenStatus; text: string | undefined } | null;
  friends: FriendSummary[];
  partyId: string | null;
}

/** What an announcement may take as known instead of reading it (the join's snapshot). */
export interface AnnounceHints {
  friendIds?: string[];
  /** The account's party (null: none), passed to `onAnnounced`. */
  partyId?: string | null;
}

/**
 * Live presence: connections, chosen status, activity. Every change is announced to the player's
 * friends only, through their account channels; strangers and blocked players learn nothing.
 */
export class PresenceService {
  /** Per account, the announcements of this process, one at a time (see `announce`). */
  private readonly announcing = new KeyedSerializer();

  constructor(private readonly d: PresenceServiceDeps) {}

  /**
   * A lobby connection opened. Returns the friends' presence for the joining connection, and per
   * order key (`presence:<friendId>`) the version and payload the snapshot holds.
   */
  async connected(who: Identity, connectionId: string, known: KnownAtJoin): Promise<JoinSnapshot> {
    await this.d.registry.track(this.d.processId, who.accountId);
    await this.d.store.addConnection(who.accountId, connectionId, this.d.processId);
    const record = await this.d.store.read(who.accountId);
    const patch: PresencePatch = {};
    if (record.status === undefined) {
      patch.status = known.preference?.status ?? "online";
      if (known.preference?.text) patch.text = known.preference.text;
    }
    if (!record.activity) patch.activity = { kind: "lobby" };
    if (Object.keys(patch).length > 0) await this.d.store.update(who.accountId, patch);
    await this.announce(who, { friendIds: known.friends.map((f) => f.id), partyId: known.partyId });
    return this.snapshot(who.accountId, known.friends);
  }

  async disconnected(who: Identity, connectionId: string): Promise<void> {
    await this.d.store.removeConnection(who.accountId, connectionId);
    await this.announce(who);
  }

  async setStatus(who: Identity, change: { status?: ChosenStatus; text?: string | null }): Promise<void> {
    const current = await this.d.store.read(who.accountId);
    const status = change.status ?? current.status ?? "online";
    const text = change.text === undefined ? current.text : (change.text ?? undefined);
    // Saved first: refused because the database is away, the change must not show either.
    await this.d.repo.savePreference(who.accountId, status, text);
    await this.d.store.update(who.accountId, { status, text: text ?? null });
    await this.announce(who);
  }

  /** Server-side activity changes (party, queue, match) announce like any other change. */
  async setActivity(who: Identity, activity: Activity): Promise<void> {
    await this.d.store.update(who.accountId, { activity });
    await this.announce(who);
  }

  /**
   * The custom game lobby the player sits in as friends see it; null: out of it (back to the
   * lobby, unless a search or match took its place meanwhile). Announced only if it changed.
   */
  async setGameLobbyActivity(who: Identity, activity: GameLobbyActivity | null): Promise<void> {
    const before = (await this.d.store.read(who.accountId)).activity;
    if (activity === null && before?.kind !== "gameLobby") return;
    const next: Activity = activity ?? { kind: "lobby" };
    if (sameJson(before ?? null, next)) return;
    await this.d.store.update(who.accountId, { activity: next });
    await this.announce(who);
  }

  /**
   * The party the player is in as friends see it (null: none). Announced only if it changed: a
   * party re-sends its state far more often than its size or joinability moves.
   */
  async setPartyActivity(who: Identity, activity: PartyActivity | null, current?: PartyActivity | null): Promise<void> {
    // `current`: what the record holds, when the caller just read it (null: none); undefined: unknown.
    const before = current !== undefined ? current : (await this.d.store.read(who.accountId)).partyActivity;
    if (sameJson(before ?? null, activity)) return;
    await this.d.store.update(who.accountId, { partyActivity: activity });
    await this.announce(who);
  }

  /**
   * Takes the connections of a process that died (its heartbeat expired) out of presence and
   * announces the change. Returns the accounts left with no connection anywhere.
   */
  async reapProcess(deadProcessId: string): Promise<Identity[]> {
    const accountIds = await this.d.registry.accountsOf(deadProcessId);
    const names = await this.d.repo.names(accountIds);
    const offline: Identity[] = [];
    for (const accountId of accountIds) {
      if ((await this.d.store.removeConnectionsOf(accountId, deadProcessId)) === 0) continue;
      const who = { accountId, ...(names.get(accountId) ?? UNKNOWN_NAMES) };
      await this.announce(who);
      if (!(await this.isConnected(accountId))) offline.push(who);
    }
    await this.d.registry.forget(deadProcessId);
    return offline;
  }

  /** Whether the account has a live lobby connection on any process. */
  async isConnected(accountId: string): Promise<boolean> {
    return (await this.d.store.read(accountId)).connections > 0;
  }

  /** What other players see of each account's status (offline when not connected or invisible). */
  async visibleStatuses(accountIds: string[]): Promise<Map<string, VisibleStatus>> {
    const states = await this.memberStates(accountIds);
    return new Map([...states].map(([id, s]) => [id, s.status]));
  }

  /** Per account, its visible status and the party activity it holds (one read for both). */
  async memberStates(accountIds: string[]): Promise<Map<string, { status: VisibleStatus; partyActivity?: PartyActivity }>> {
    const records = await this.d.store.readMany(accountIds);
    return new Map(
      accountIds.map((id) => {
        const record = records.get(id) ?? { connections: 0, version: 0 };
        return [id, { status: visiblePresence(record, null).status, ...(record.partyActivity ? { partyActivity: record.partyActivity } : {}) }];
      }),
    );
  }

  /** The presence of `friendId` as `viewerId`'s friend sees it (call only for friends). */
  async friendPresence(friend: PublicAccount & { lastSeenAt: Date | null }): Promise<{ presence: FriendPresence; version: number }> {
    const record = await this.d.store.read(friend.id);
    return {
      presence: { accountId: friend.id, username: friend.username, displayName: friend.displayName, ...visiblePresence(record, friend.lastSeenAt) },
      version: record.version,
    };
  }

  /** Visible presence of many friends at once (friend lists). */
  async friendsPresence(friends: (PublicAccount & { lastSeenAt: Date | null })[]): Promise<Map<string, { presence: FriendPresence; version: number }>> {
    const records = await this.d.store.readMany(friends.map((f) => f.id));
    const out = new Map<string, { presence: FriendPresence; version: number }>();
    for (const f of friends) {
      const record = records.get(f.id) ?? { connections: 0, version: 0 };
      out.set(f.id, {
        presence: { accountId: f.id, username: f.username, displayName: f.displayName, ...visiblePresence(record, f.lastSeenAt) },
        version: record.version,
      });
    }
    return out;
  }

  /** The player's display name changed: friends get its presence again, under the new name. */
  async renamed(who: Identity): Promise<void> {
    await this.announce(who);
  }

  /**
   * Sends `viewerId` the current presence of `friend` (after they became friends). A fresh version,
   * sent even if unchanged: the viewer's connection may hold this presence from an earlier
   * friendship with the same player, and would otherwise drop it as already seen.
   */
  async sendPresenceOf(viewerId: string, friend: PublicAccount): Promise<void> {
    const version = await this.d.store.nextVersion(friend.id);
    const lastSeenAt = await this.d.repo.lastSeen(friend.id);
    const { presence } = await this.friendPresence({ ...friend, lastSeenAt });
    await this.d.bus.publish(viewerId, {
      kind: "deliver",
      type: LobbyServerMessage.PresenceUpdate,
      payload: presence,
      order: { key: `presence:${friend.id}`, version, resend: true },
    });
  }

  private async snapshot(accountId: string, friends: FriendSummary[]): Promise<JoinSnapshot> {
    const [self, presences] = await Promise.all([this.d.store.read(accountId), this.friendsPresence(friends)]);
    const entries = new Map<string, { version: number; payload: FriendPresence }>();
    for (const [id, p] of presences) entries.set(`presence:${id}`, { version: p.version, payload: p.presence });
    return {
      snapshot: {
        self: { status: self.status ?? "online", ...(self.text ? { text: self.text } : {}) },
        friends: [...presences.values()].map((p) => p.presence),
      },
      entries,
    };
  }

  /**
   * Re-reads the account's presence and tells its friends what they now see. The version orders
   * concurrent announcements; going hidden records "last seen"; coming back into view notifies.
   */
  private async announce(who: Identity, hints: AnnounceHints = {}): Promise<void> {
    // One at a time per account in this process: each decides "came online" / "went hidden" from
    // what the previous one recorded (concurrent joins of one account would all see it offline
    // and announce it coming online several times).
    const statusChanged = await this.announcing.run(who.accountId, () => this.announceNow(who, hints));
    // After the turn, not in it: the party's refresh may announce this account again (its party
    // activity), which would otherwise wait behind the very turn it runs in. A party shows its
    // members' statuses only: another change (text, activity) leaves it as is.
    if (statusChanged) await this.d.onAnnounced?.(who.accountId, hints.partyId);
  }

  /** Returns whether the visible status changed. */
  private async announceNow(who: Identity, hints: AnnounceHints): Promise<boolean> {
    const version = await this.d.store.nextVersion(who.accountId);
    const record = await this.d.store.read(who.accountId);
    const now = this.d.clock.now();
    const wasVisible = record.announced !== undefined && record.announced !== "offline";
    const hidden = record.connections === 0 || record.status === "invisible";
    let lastSeenAt: Date | null;
    if (hidden && wasVisible) {
      lastSeenAt = new Date(now);
      await this.d.repo.setLastSeen(who.accountId, lastSeenAt);
    } else {
      lastSeenAt = hidden ? await this.d.repo.lastSeen(who.accountId) : null;
    }
    const visible = visiblePresence(record, lastSeenAt);
    const patch: PresencePatch = { announced: visible.status };
    if (hidden && wasVisible) patch.hiddenAt = now;
    if (record.connections === 0 && record.activity) patch.activity = null;
    await this.d.store.update(who.accountId, patch);

    const friendIds = hints.friendIds ?? (await this.d.friends.friendIds(who.accountId));
    const payload: FriendPresence = { accountId: who.accountId, username: who.username, displayName: who.displayName, ...visible };
    // One payload object for every friend: a process encodes it once for all its recipients.
    const order = { key: `presence:${who.accountId}`, version };
    await forEachChunk(friendIds, FANOUT_CHUNK, (id) => this.d.bus.publish(id, { kind: "deliver", type: LobbyServerMessage.PresenceUpdate, payload, order }));


    const cameOnline = !hidden && !wasVisible;
    const hiddenLongEnough = record.hiddenAt === undefined || now - record.hiddenAt >= this.d.onlineNotificationDebounceMs;
    if (cameOnline && hiddenLongEnough) {
      await this.d.notifications.notifyMany(friendIds, "friend_online", publicAccountOf(who), `friend_online:${who.accountId}`);
    }
    return record.announced !== visible.status;
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
