import { z } from "zod";
import type { BlockListResponse, FriendEntry, FriendListResponse, FriendListState, FriendRequestResult } from "../../../shared/schemas/social";
import { LobbyServerMessage, type FriendsUpdateMessage } from "../../../shared/schemas/lobby";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import { usernameKeyOf } from "../auth/auth.types";
import type { AccountEventBus } from "../events/account-events";
import type { NotificationsService } from "../notifications/notifications.service";
import type { PresenceService } from "../presence/presence.service";
import {
  isRefusal,
  planAccept,
  planBlock,
  planCancel,
  planDecline,
  planRemove,
  planRequest,
  planUnblock,
  type EdgeState,
  type Outcome,
  type Pair,
  type Plan,
} from "./friend-state";
import type { FriendsRepo } from "./friends.repo";
import type { PublicAccount } from "../identity";

const CursorSchema = z.object({ k: z.string().max(20), id: z.uuid(), s: z.string().max(40) });

const STATES_FOR: Record<FriendListState, EdgeState> = {
  friend: "FRIEND",
  incoming: "INVITE_RECEIVED",
  outgoing: "INVITE_SENT",
};
const LIST_STATE: Partial<Record<EdgeState, FriendListState>> = {
  FRIEND: "friend",
  INVITE_RECEIVED: "incoming",
  INVITE_SENT: "outgoing",
};

const REFUSALS = {
  player_blocked: () => new AppError(ErrorCode.PlayerBlocked, "You blocked this player. Unblock them first."),
  friend_request_not_allowed: () =>
    new AppError(ErrorCode.FriendRequestNotAllowed, "This player is not accepting friend requests from you."),
  friend_request_not_found: () => new AppError(ErrorCode.FriendRequestNotFound, "There is no friend request from this player."),
} as const;

export interface FriendsServiceDeps {
  repo: FriendsRepo;
  presence: PresenceService;
  notifications: NotificationsService;
  bus: AccountEventBus;
  cursors: CursorCodec;
  clock: Clock;
  friendLimit: number;
}

type Account = PublicAccount;

/** The social graph: requests, friendships and blocks, and what each change tells the players. */
export class FriendsService {
  constructor(private readonly d: FriendsServiceDeps) {}

  async sendRequest(actor: Account, username: string): Promise<FriendRequestResult> {
    const target = await this.d.repo.findAccountByUsernameKey(usernameKeyOf(username));
    if (!target) throw new AppError(ErrorCode.AccountNotFound, "No player has that username.");
    const plan = await this.apply(actor, target, planRequest);
    const friends = plan.happened === "accepted" || (plan.happened === "unchanged" && plan.wereFriends);
    return { account: target, state: friends ? "friend" : "outgoing" };
  }

  async accept(actor: Account, otherId: string): Promise<FriendRequestResult> {
    const other = await this.findOther(actor, otherId);
    await this.apply(actor, other, planAccept);
    return { account: other, state: "friend" };
  }

  async decline(actor: Account, otherId: string): Promise<void> {
    await this.apply(actor, await this.findOther(actor, otherId), planDecline);
  }

  async cancel(actor: Account, otherId: string): Promise<void> {
    await this.apply(actor, await this.findOther(actor, otherId), planCancel);
  }

  async remove(actor: Account, otherId: string): Promise<void> {
    await this.apply(actor, await this.findOther(actor, otherId), planRemove);
  }

  async block(actor: Account, otherId: string): Promise<void> {
    await this.apply(actor, await this.findOther(actor, otherId), planBlock);
  }

  async unblock(actor: Account, otherId: string): Promise<void> {
    await this.apply(actor, await this.findOther(actor, otherId), planUnblock);
  }

  /** Everyone with a friendship or pending request with `accountId` (blocks excluded). */
  relatedAccountIds(accountId: string): Promise<string[]> {
    return this.d.repo.relatedIds(accountId);
  }

  /** Tells related players that a deleted account left their lists. */
  async announceGone(account: Account, relatedIds: string[]): Promise<void> {
    const payload: FriendsUpdateMessage = { account, state: null };
    await Promise.all(
      relatedIds.map((id) => this.d.bus.publish(id, { kind: "deliver", type: LobbyServerMessage.FriendsUpdate, payload })),
    );
  }

  /** Players whose messages `accountId` must never see, and who must never see theirs. */
  async blockedEitherWay(accountId: string): Promise<Set<string>> {
    return new Set(await this.d.repo.blockedEitherWay(accountId));
  }

  /** The relationship between two players, for other modules' block-policy checks. */
  relation(actorId: string, otherId: string): Promise<Pair> {
    return this.d.repo.pair(actorId, otherId);
  }

  async list(accountId: string, q: { limit: number; cursor?: string; state?: FriendListState }): Promise<FriendListResponse> {
    const filter = q.state ?? "all";
    const states = q.state ? [STATES_FOR[q.state]] : (["FRIEND", "INVITE_RECEIVED", "INVITE_SENT"] as EdgeState[]);
    const after = this.decodeCursor(q.cursor, filter);
    const rows = await this.d.repo.listEdges(accountId, states, after, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const presence = await this.d.presence.friendsPresence(
      page.filter((r) => r.state === "FRIEND").map((r) => ({ id: r.otherId, username: r.username, displayName: r.displayName, lastSeenAt: r.lastSeenAt })),
    );
    const items: FriendEntry[] = page.map((r) => {
      const friendPresence = presence.get(r.otherId)?.presence;
      const entry: FriendEntry = {
        account: { id: r.otherId, username: r.username, displayName: r.displayName },
        state: LIST_STATE[r.state] as FriendListState,
        since: r.since.toISOString(),
      };
      if (friendPresence) {
        const { accountId: _id, username: _name, displayName: _shown, ...visible } = friendPresence;
        entry.presence = visible;
      }
      return entry;
    });
    const last = page[page.length - 1];
    return {
      items,
      ...(rows.length > q.limit && last ? { nextCursor: this.d.cursors.encode({ k: last.usernameKey, id: last.otherId, s: filter }) } : {}),
    };
  }

  async listBlocks(accountId: string, q: { limit: number; cursor?: string }): Promise<BlockListResponse> {
    const after = this.decodeCursor(q.cursor, "blocked");
    const rows = await this.d.repo.listEdges(accountId, ["BLOCKED"], after, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ account: { id: r.otherId, username: r.username, displayName: r.displayName }, since: r.since.toISOString() })),
      ...(rows.length > q.limit && last ? { nextCursor: this.d.cursors.encode({ k: last.usernameKey, id: last.otherId, s: "blocked" }) } : {}),
    };
  }

  private decodeCursor(cursor: string | undefined, filter: string): { key: string; id: string } | undefined {
    if (!cursor) return undefined;
    const c = this.d.cursors.decode(cursor, CursorSchema);
    // A cursor from another list (or filter) would page from the wrong place.
    if (c.s !== filter) {
      throw new AppError(ErrorCode.InvalidCursor, "The cursor belongs to another list.", { fields: [{ path: "cursor", message: "belongs to another list" }] });
    }
    return { key: c.k, id: c.id };
  }

  private async findOther(actor: Account, otherId: string): Promise<Account> {
    if (otherId === actor.id) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot do that to yourself.");
    const other = await this.d.repo.findAccount(otherId);
    if (!other) throw new AppError(ErrorCode.AccountNotFound, "No such player.");
    return other;
  }

  /** Runs a state-machine step for (actor, other) under the pair lock, then tells both players. */
  private async apply(actor: Account, other: Account, step: (pair: Pair) => Outcome): Promise<Plan> {
    if (other.id === actor.id) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot do that to yourself.");
    const now = new Date(this.d.clock.now());
    const result = await this.d.repo.inPairTransaction(actor.id, other.id, now, async (tx) => {
      const outcome = step(tx.pair);
      if (isRefusal(outcome)) return outcome;
      // Only the actor's count grows: accepting turns the other side's counted request into a friend.
      if (outcome.capCheck && (await tx.countTowardsCap(actor.id)) >= this.d.friendLimit) {
        return { refused: "friend_limit" as const };
      }
      await tx.write(outcome.mine, outcome.theirs);
      return outcome;
    });
    if (result === null) throw new AppError(ErrorCode.AccountNotFound, "No such player.");
    if ("refused" in result) {
      if (result.refused === "friend_limit") {
        throw new AppError(ErrorCode.FriendLimitReached, `You have reached the friend limit (${this.d.friendLimit}).`);
      }
      throw REFUSALS[result.refused]();
    }
    await this.announce(actor, other, result);
    return result;
  }

  /** Both players' connections refresh who they hide (chat, and any later surface). */
  private async blocksChanged(actor: Account, other: Account): Promise<void> {
    await Promise.all([actor.id, other.id].map((id) => this.d.bus.publish(id, { kind: "blocks_changed" })));
  }

  private async announce(actor: Account, other: Account, plan: Plan): Promise<void> {
    const update = (to: string, about: Account, state: FriendListState | null) => {
      const payload: FriendsUpdateMessage = { account: about, state };
      // The change is committed: a live update the backplane refuses (Redis away) must not fail it.
      // Both lists are in GET /friends and in the next join's snapshot.
      return this.d.bus.publish(to, { kind: "deliver", type: LobbyServerMessage.FriendsUpdate, payload }).catch(() => undefined);
    };
    switch (plan.happened) {
      case "request_sent":
        await Promise.all([update(actor.id, other, "outgoing"), update(other.id, actor, "incoming")]);
        await this.d.notifications.notify(other.id, "friend_request", actor);
        break;
      case "accepted":
        await Promise.all([update(actor.id, other, "friend"), update(other.id, actor, "friend")]);
        await Promise.all([this.d.presence.sendPresenceOf(actor.id, other), this.d.presence.sendPresenceOf(other.id, actor)]);
        await this.d.notifications.notify(other.id, "friend_accepted", actor);
        break;
      case "declined":
      case "cancelled":
        await Promise.all([update(actor.id, other, null), update(other.id, actor, null)]);
        break;
      case "removed":
        await Promise.all([update(actor.id, other, null), update(other.id, actor, null)]);
        await this.d.notifications.notify(other.id, "friend_removed", actor);
        break;
      case "unblocked":
        await this.blocksChanged(actor, other);
        break;
      case "blocked":
        await this.blocksChanged(actor, other);
        // To the blocked player a block looks exactly like being removed (or a request withdrawn).
        if (plan.theirs === null) {
          await Promise.all([update(actor.id, other, null), update(other.id, actor, null)]);
          if (plan.wereFriends) await this.d.notifications.notify(other.id, "friend_removed", actor);
        }
        break;
      default:
        break;
    }
  }
}
