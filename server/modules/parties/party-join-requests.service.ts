import type { PartyJoinFriendReply, PartyView } from "../../../shared/schemas/party";
import type { JoinPolicy } from "../../../shared/schemas/presence";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { rateLimitedError, type Limiter } from "../../lib/rate-limit/limiter";
import type { Identity } from "../identity";
import { BlockPolicy } from "../social/block-policy";
import type { FriendGraph } from "../social/friend-graph";
import { notInParty, notLeader, type PartiesService } from "./parties.service";
import { joinRouteVia } from "./party-activity";
import type { PartyRepo, PartyRow } from "./party.repo";

/** Requests one party holds at once: bounds its view and what one leader is asked to read. */
export const MAX_PENDING_JOIN_REQUESTS = 20;

export interface PartyJoinRequestsConfig {
  /** How long a request waits for the leader (PARTY_JOIN_REQUEST_TTL_SECONDS). */
  ttlSeconds: number;
  maxSize: number;
}

export interface PartyJoinRequestsServiceDeps {
  repo: PartyRepo;
  parties: PartiesService;
  friends: FriendGraph;
  presence: { isConnected(accountId: string): Promise<boolean> };
  /** Joins and requests from presence per player (PARTY_JOIN_REQUESTS_PER_MINUTE). */
  limiter: Limiter;
  clock: Clock;
  config: PartyJoinRequestsConfig;
}

/**
 * Joining a friend's party from their presence. The stricter of the friend's and the leader's
 * join policy decides: `friends` joins at once, `ask` files a request the leader accepts or
 * declines, `nobody` refuses. A block between the joiner and any member refuses too, with the same
 * answer as a policy of `nobody` (party_join_not_allowed), so nobody learns who blocked them.
 */
export class PartyJoinRequestsService {
  constructor(private readonly d: PartyJoinRequestsServiceDeps) {}

  joinPolicy(accountId: string): Promise<JoinPolicy> {
    return this.d.repo.joinPolicy(accountId);
  }

  /** Saves the setting; the player's party re-shows itself in its members' presence. */
  async setJoinPolicy(who: Identity, policy: JoinPolicy): Promise<void> {
    await this.d.repo.setJoinPolicy(who.accountId, policy);
    const partyId = await this.d.repo.partyOf(who.accountId);
    if (partyId) await this.d.parties.touch(partyId);
  }

  async joinFriend(who: Identity, friendId: string): Promise<PartyJoinFriendReply> {
    if (friendId === who.accountId) throw new AppError(ErrorCode.CannotTargetSelf, "That is you.");
    const spent = await this.d.limiter.consume(who.accountId);
    if (!spent.allowed) throw rateLimitedError("Too many join requests", spent);
    const pair = await this.d.friends.pair(who.accountId, friendId);
    if (!BlockPolicy.canSeePresence(pair)) throw notAllowed();
    const [partyId, current] = await Promise.all([this.d.repo.partyOf(friendId), this.d.repo.partyOf(who.accountId)]);
    if (!partyId) throw notAllowed();
    if (current === partyId) throw new AppError(ErrorCode.AlreadyInParty, "You are already in this party.");
    const party = await this.d.repo.load(partyId, this.now());
    if (!party) throw notAllowed();
    // Which way, from the party as read; checked again under its lock. Blocks are checked before
    // a join too: admit leaves the player's current party before it takes the lock.
    const route = this.routeFor(party, friendId);
    if (route === null) throw notAllowed();
    if (route === "join") {
      if (!(await this.clearOfBlocks(who, party))) throw notAllowed();
      const view = await this.d.parties.admit(who, partyId, async (tx) => {
        if ((await this.clearRouteFor(who, tx.party, friendId)) !== "join") throw notAllowed();
      });
      return { outcome: "joined", party: view };
    }
    const expiresAt = new Date(this.now().getTime() + this.d.config.ttlSeconds * 1000);
    const out = await this.d.repo.inPartyTransaction(partyId, this.now(), async (tx) => {
      // Under the lock: the party may have filled, started searching or closed since.
      if ((await this.clearRouteFor(who, tx.party, friendId)) === null) throw notAllowed();
      const others = tx.party.joinRequests.filter((r) => r.fromId !== who.accountId);
      if (others.length >= MAX_PENDING_JOIN_REQUESTS) throw new AppError(ErrorCode.PartyJoinNotAllowed, "This party has too many requests waiting; try again later.");
      await tx.upsertJoinRequest(who.accountId, friendId, current, this.now(), expiresAt);
    });
    if (!out) throw notAllowed();
    await this.d.parties.publishCurrent(partyId, []);
    return { outcome: "requested", partyId, expiresAt: expiresAt.toISOString() };
  }

  async cancel(who: Identity, partyId: string): Promise<void> {
    const out = await this.d.repo.inPartyTransaction(partyId, this.now(), async (tx) => {
      const pending = tx.party.joinRequests.some((r) => r.fromId === who.accountId);
      if (pending) await tx.deleteJoinRequest(who.accountId);
      return pending;
    });
    if (!out?.result) throw requestNotFound();
    await this.d.parties.publishCurrent(partyId, []);
  }

  /**
   * The leader lets a requester in. They leave the party they were in when they asked; a request
   * from someone who has since gone offline or moved to another party is stale and dropped.
   */
  async accept(leader: Identity, fromId: string): Promise<PartyView> {
    const partyId = await this.d.repo.partyOf(leader.accountId);
    if (!partyId) throw notInParty();
    const party = await this.d.repo.load(partyId, this.now());
    if (party?.leaderId !== leader.accountId) throw notLeader();
    const request = party.joinRequests.find((r) => r.fromId === fromId);
    if (!request) throw requestNotFound();
    const [online, theirParty] = await Promise.all([this.d.presence.isConnected(fromId), this.d.repo.partyOf(fromId)]);
    if (!online || theirParty !== request.fromPartyId) {
      await this.drop(partyId, fromId);
      throw requestNotFound();
    }
    const requester = { accountId: fromId, username: request.fromUsername, displayName: request.fromDisplayName };
    return this.d.parties.admit(requester, partyId, async (tx) => {
      if (tx.party.leaderId !== leader.accountId) throw notLeader();
      if (!tx.party.joinRequests.some((r) => r.fromId === fromId)) throw requestNotFound();
      if (!(await this.clearOfBlocks(requester, tx.party))) throw notAllowed();
    });
  }

  async decline(leader: Identity, fromId: string): Promise<void> {
    const { view } = await this.d.parties.asLeader(leader, async (tx) => {
      if (!tx.party.joinRequests.some((r) => r.fromId === fromId)) throw requestNotFound();
      await tx.deleteJoinRequest(fromId);
    });
    await this.d.parties.tellRequester(fromId, { partyId: view.id, outcome: "declined" });
  }

  /** How a friend of `viaId` may join `party` (null: not at all); a full or busy party says so. */
  private routeFor(party: PartyRow, viaId: string): "join" | "request" | null {
    if (party.members.length >= this.d.config.maxSize) throw new AppError(ErrorCode.PartyFull, `The party is full (${this.d.config.maxSize} players).`);
    if (party.ticket) throw new AppError(ErrorCode.PartyBusy, "The party is in a queue or a match.");
    return joinRouteVia(party, viaId, this.d.config.maxSize);
  }

  /** The route for `who`, blocks included (under the party's lock: members may have changed). */
  private async clearRouteFor(who: Identity, party: PartyRow, viaId: string): Promise<"join" | "request" | null> {
    const route = this.routeFor(party, viaId);
    return route && (await this.clearOfBlocks(who, party)) ? route : null;
  }

  private async clearOfBlocks(who: Identity, party: PartyRow): Promise<boolean> {
    const pairs = await Promise.all(party.members.map((m) => this.d.friends.pair(who.accountId, m.accountId)));
    return pairs.every(BlockPolicy.canJoinPartyWith);
  }

  private async drop(partyId: string, fromId: string): Promise<void> {
    const out = await this.d.repo.inPartyTransaction(partyId, this.now(), (tx) => tx.deleteJoinRequest(fromId));
    if (out) await this.d.parties.publishCurrent(partyId, []);
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}

const notAllowed = () => new AppError(ErrorCode.PartyJoinNotAllowed, "You cannot join this party from here.");
const requestNotFound = () => new AppError(ErrorCode.PartyJoinRequestNotFound, "No such join request, or it expired.");
