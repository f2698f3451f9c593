import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { PartyInviteMessage, PartyJoinRequestResultMessage, PartySnapshotMessage, PartyView } from "../../../shared/schemas/party";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import type { ChatService } from "../chat/chat.service";
import type { AccountEventBus } from "../events/account-events";
import { identityOf, publicAccountOf, type Identity } from "../identity";
import type { PartyConfig } from "../matchmaking/matchmaking-config";
import { BlockPolicy } from "../social/block-policy";
import type { FriendGraph } from "../social/friend-graph";
import { PartyPresenceSync, type PartyPresencePort } from "./party-presence-sync";
import { inviteMessage, PartyPublisher, type Departure, type Gone, type InviteRow } from "./party-publisher";
import type { PartyRepo, PartyRow, PartyTransaction } from "./party.repo";

export type { Identity } from "../identity";
export { joinCodeView } from "./party-publisher";

/** Why a ticket is cancelled when its party changes. */
export type PartyChange = "member_left" | "party_changed";

/**
 * What the party needs from matchmaking. Matchmaking reads and refreshes parties, so it is built
 * after them: the composition root passes a port that forwards to it (see services.ts).
 */
export interface PartyQueuePort {
  /** Cancels the party's waiting ticket, if any, telling its players why. */
  cancelPartyTicket(partyId: string, reason: PartyChange): Promise<void>;
}

export interface PartiesServiceDeps {
  repo: PartyRepo;
  friends: FriendGraph;
  queue: PartyQueuePort;
  bus: AccountEventBus;
  chat: ChatService;
  presence: PartyPresencePort;
  clock: Clock;
  logger: Logger;
  config: PartyConfig;
}


/**
 * Parties: a leader and members (one party per player), expiring invites between friends, ready
 * flags, a chat channel, and a new leader when the leader goes. Every change reaches each member's
 * connections as a versioned `party.update`; a matched or searching party cannot change members
 * without its ticket being cancelled.
 */
export class PartiesService {
  private readonly publisher: PartyPublisher;

  constructor(private readonly d: PartiesServiceDeps) {
    this.publisher = new PartyPublisher(d.bus, new PartyPresenceSync(d.presence, d.logger, d.config.maxSize), d.config.maxSize);
  }

  async partyOf(accountId: string): Promise<PartyRow | null> {
    const partyId = await this.d.repo.partyOf(accountId);
    return partyId ? this.d.repo.load(partyId, this.now()) : null;
  }

  /** The join snapshot: the player's party and the invites waiting for them. */
  async snapshot(accountId: string): Promise<PartySnapshotMessage> {
    const [partyId, invites] = await Promise.all([this.d.repo.partyOf(accountId), this.d.repo.invitesFor(accountId, this.now())]);
    return this.snapshotOf(partyId, invites);
  }

  /** The join snapshot from what the join already read: only a party member reads the party itself. */
  async snapshotOf(partyId: string | null, invites: InviteRow[]): Promise<PartySnapshotMessage> {
    const party = partyId ? await this.d.repo.load(partyId, this.now()) : null;
    return { party: party ? await this.view(party) : null, invites: invites.map(inviteMessage) };
  }

  async create(who: Identity): Promise<PartyView> {
    if (await this.d.repo.partyOf(who.accountId)) throw new AppError(ErrorCode.AlreadyInParty, "You are already in a party: leave it first.");
    const partyId = newId();
    try {
      await this.d.repo.create(partyId, who.accountId, this.now());
    } catch (err) {
      if (await this.d.repo.partyOf(who.accountId)) throw new AppError(ErrorCode.AlreadyInParty, "You are already in a party: leave it first.");
      throw err;
    }
    await this.d.chat.addPartyMembers(partyId, [who.accountId]);
    const party = (await this.d.repo.load(partyId, this.now()))!;
    await this.publisher.channelMembership(partyId, [who.accountId], true);
    return this.publisher.publish(party, []);
  }

  /** Invites a friend; a player without a party gets one first. */
  async invite(who: Identity, toId: string): Promise<PartyView> {
    if (toId === who.accountId) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot invite yourself.");
    const pair = await this.d.friends.pair(who.accountId, toId);
    if (!BlockPolicy.canInviteToParty(pair) || pair.mine !== "FRIEND" || pair.theirs !== "FRIEND") {
      throw new AppError(ErrorCode.PartyInviteNotAllowed, "You can invite only your friends.");
    }
    let partyId = await this.d.repo.partyOf(who.accountId);
    if (!partyId) partyId = (await this.create(who)).id;
    const expiresAt = new Date(this.now().getTime() + this.d.config.inviteTtlSeconds * 1000);
    const out = await this.change(partyId, async (tx) => {
      const { party } = tx;
      if (!party.members.some((m) => m.accountId === who.accountId)) throw notInParty();
      if (party.members.some((m) => m.accountId === toId)) throw new AppError(ErrorCode.AlreadyInParty, "That player is already in your party.");
      if (party.members.length >= this.d.config.maxSize) throw partyFull(this.d.config.maxSize);
      if (party.ticket) throw partyBusy();
      await tx.upsertInvite(toId, who.accountId, this.now(), expiresAt);
      return party.members.length;
    });
    const invite: PartyInviteMessage = {
      partyId,
      from: publicAccountOf(who),
      expiresAt: expiresAt.toISOString(),
      size: out.result,
    };
    await this.d.bus.publish(toId, { kind: "deliver", type: LobbyServerMessage.PartyInvite, payload: invite });
    return this.publishCurrent(partyId, []);
  }

  /** Accepts an unexpired invite, leaving the player's current party first. */
  async accept(who: Identity, partyId: string): Promise<PartyView> {
    const invite = await this.d.repo.findInvite(partyId, who.accountId, this.now());
    if (!invite) throw new AppError(ErrorCode.PartyInviteNotFound, "No such invite, or it expired.");
    const pair = await this.d.friends.pair(who.accountId, invite.fromId);
    return this.admit(who, partyId, async (tx) => {
      if (!tx.party.invites.some((i) => i.toId === who.accountId) || !BlockPolicy.canInviteToParty(pair) || pair.mine !== "FRIEND") {
        throw new AppError(ErrorCode.PartyInviteNotFound, "No such invite, or it expired.");
      }
      await tx.deleteInvite(who.accountId);
    });
  }

  /**
   * Adds the player to the party, leaving their current one first, once `mayJoin` accepts the
   * locked party (an invite, a join code): the size, queue and join-order rules are the same.
   */
  async admit(who: Identity, partyId: string, mayJoin: (tx: PartyTransaction) => Promise<void>): Promise<PartyView> {
    const current = await this.d.repo.partyOf(who.accountId);
    if (current === partyId) throw new AppError(ErrorCode.AlreadyInParty, "You are already in this party.");
    if (current) await this.leave(who);
    await this.change(partyId, async (tx) => {
      await mayJoin(tx);
      const { party } = tx;
      if (party.joinRequests.some((r) => r.fromId === who.accountId)) await tx.deleteJoinRequest(who.accountId);
      if (party.members.length >= this.d.config.maxSize) throw partyFull(this.d.config.maxSize);
      if (party.ticket) throw partyBusy();
      // Strictly after every member already in: "oldest member" (the next leader) must not fall
      // back to id order when two joins share a millisecond (or a clock that did not move).
      const latest = Math.max(...party.members.map((m) => m.joinedAt.getTime()));
      await tx.addMember(who.accountId, new Date(Math.max(this.now().getTime(), latest + 1)));
    });
    await this.d.chat.addPartyMembers(partyId, [who.accountId]);
    await this.publisher.channelMembership(partyId, [who.accountId], true);
    return this.publishCurrent(partyId, []);
  }

  async decline(who: Identity, partyId: string): Promise<void> {
    // In the party's transaction, so its version moves on: an update with the version members
    // already hold would be dropped, and they would keep seeing the invite.
    const out = await this.d.repo.inPartyTransaction(partyId, this.now(), async (tx) => {
      const pending = tx.party.invites.some((i) => i.toId === who.accountId);
      if (pending) await tx.deleteInvite(who.accountId);
      return pending;
    });
    if (out?.result) {
      await this.publishCurrent(partyId, []).catch(() => undefined);
      return;
    }
    // An expired invite (not in the party's view any more) is just removed.
    if (!(await this.d.repo.deleteInvite(partyId, who.accountId))) {
      throw new AppError(ErrorCode.PartyInviteNotFound, "No such invite, or it expired.");
    }
  }

  /** Leaves the party; a leaving leader hands over to the longest-standing member. */
  async leave(who: Identity, reason: Departure = "left"): Promise<void> {
    const partyId = await this.d.repo.partyOf(who.accountId);
    if (!partyId) throw notInParty();
    await this.removeMembers(partyId, [who.accountId], reason, (party) => {
      if (!party.members.some((m) => m.accountId === who.accountId)) throw notInParty();
    });
  }

  /** The player is gone for good (last connection closed past the reconnect window). */
  async disconnected(who: Identity): Promise<void> {
    const partyId = await this.d.repo.partyOf(who.accountId);
    if (partyId) await this.removeMembers(partyId, [who.accountId], "left", () => undefined);
  }

  async kick(who: Identity, targetId: string): Promise<void> {
    if (targetId === who.accountId) throw new AppError(ErrorCode.CannotTargetSelf, "Leave the party instead.");
    const partyId = await this.leaderParty(who);
    await this.removeMembers(partyId, [targetId], "kicked", (party) => {
      if (party.leaderId !== who.accountId) throw notLeader();
      if (!party.members.some((m) => m.accountId === targetId)) throw notMember();
    });
  }

  async disband(who: Identity): Promise<void> {
    const partyId = await this.leaderParty(who);
    const party = await this.d.repo.load(partyId, this.now());
    if (!party) throw notInParty();
    await this.removeMembers(partyId, party.members.map((m) => m.accountId), "disbanded", (p) => {
      if (p.leaderId !== who.accountId) throw notLeader();
    });
  }

  async promote(who: Identity, targetId: string): Promise<PartyView> {
    const { view } = await this.asLeader(who, async (tx) => {
      if (!tx.party.members.some((m) => m.accountId === targetId)) throw notMember();
      if (targetId === who.accountId) return;
      if (tx.party.ticket) throw partyBusy();
      await tx.setLeader(targetId);
      await tx.setReady(targetId, true);
    });
    return view;
  }

  /**
   * Runs `fn` on the player's party, locked, if they lead it (not_in_party, not_party_leader
   * otherwise), then sends every member the party as it now is.
   */
  async asLeader<T>(who: Identity, fn: (tx: PartyTransaction) => Promise<T>): Promise<{ result: T; view: PartyView }> {
    const partyId = await this.leaderParty(who);
    const { result } = await this.change(partyId, async (tx) => {
      if (tx.party.leaderId !== who.accountId) throw notLeader();
      return fn(tx);
    });
    return { result, view: await this.publishCurrent(partyId, []) };
  }

  async setReady(who: Identity, ready: boolean): Promise<PartyView> {
    const partyId = await this.d.repo.partyOf(who.accountId);
    if (!partyId) throw notInParty();
    await this.change(partyId, async (tx) => {
      const me = tx.party.members.find((m) => m.accountId === who.accountId);
      if (!me) throw notInParty();
      if (me.ready !== ready) await tx.setReady(who.accountId, ready);
    });
    return this.publishCurrent(partyId, []);
  }

  /** Deletes expired invites and join requests (views already leave them out; this keeps the tables small). */
  async sweepExpired(): Promise<{ invites: number; joinRequests: number }> {
    const now = this.now();
    return { invites: await this.d.repo.deleteExpiredInvites(now), joinRequests: await this.d.repo.deleteExpiredJoinRequests(now) };
  }

  /** Re-sends the party's state after a member's presence changed. */
  /** `knownPartyId`: the caller already knows the account's party (null: none), so it is not read again. */
  async memberPresenceChanged(accountId: string, knownPartyId?: string | null): Promise<void> {
    try {
      const partyId = knownPartyId === undefined ? await this.d.repo.partyOf(accountId) : knownPartyId;
      if (!partyId) return;
      await this.touch(partyId);
    } catch (err) {
      this.d.logger.warn({ err, accountId }, "party presence refresh failed");
    }
  }

  /** Re-sends the party's state to its members (e.g. its queue state changed). */
  async publishCurrent(partyId: string, gone: Gone[]): Promise<PartyView> {
    const party = await this.d.repo.load(partyId, this.now());
    if (!party) throw new AppError(ErrorCode.PartyNotFound, "No such party.");
    return this.publisher.publish(party, gone);
  }

  /**
   * Re-sends the parties of these players (their match ended: a party is joinable again, and its
   * activity shows once the match's does not). Failures are logged: the match result stands.
   */
  async refreshPartiesOf(accountIds: string[]): Promise<void> {
    try {
      const partyIds = new Set((await Promise.all(accountIds.map((id) => this.d.repo.partyOf(id)))).filter((id): id is string => id !== null));
      for (const partyId of partyIds) await this.touch(partyId);
    } catch (err) {
      this.d.logger.warn({ err, accountIds }, "party refresh after a match failed");
    }
  }

  /** Bumps the party's version so the re-sent state is applied (queue state lives on the ticket). */
  async touch(partyId: string): Promise<void> {
    const out = await this.d.repo.inPartyTransaction(partyId, this.now(), (tx) => tx.touch());
    if (out) await this.publishCurrent(partyId, []);
  }

  view(party: PartyRow): Promise<PartyView> {
    return this.publisher.view(party);
  }

  /** Tells a player who asked to join how their request ended (declined, or the party is gone). */
  tellRequester(accountId: string, result: PartyJoinRequestResultMessage): Promise<void> {
    return this.publisher.tellRequester(accountId, result);
  }

  private async removeMembers(partyId: string, ids: string[], reason: Departure, check: (party: PartyRow) => void): Promise<void> {
    const out = await this.change(partyId, async (tx) => {
      check(tx.party);
      const leaving = tx.party.members.filter((m) => ids.includes(m.accountId));
      const staying = tx.party.members.filter((m) => !ids.includes(m.accountId));
      const hadTicket = tx.party.ticket?.status === "WAITING";
      const requesters = staying.length === 0 ? tx.party.joinRequests.map((r) => r.fromId) : [];
      if (staying.length === 0) {
        await tx.disband();
      } else {
        for (const m of leaving) await tx.removeMember(m.accountId);
        if (ids.includes(tx.party.leaderId)) {
          await tx.setLeader(staying[0]!.accountId);
          await tx.setReady(staying[0]!.accountId, true);
        }
      }
      return { leaving: leaving.map(identityOf), disbanded: staying.length === 0, hadTicket, requesters };
    });
    const { leaving, disbanded, hadTicket, requesters } = out.result;
    if (hadTicket) await this.d.queue.cancelPartyTicket(partyId, "member_left");
    for (const m of leaving) await this.d.chat.removePartyMember(partyId, m.accountId);
    await this.publisher.channelMembership(partyId, leaving.map((m) => m.accountId), false);
    const gone = leaving.map((m) => ({ ...m, reason: disbanded ? ("disbanded" as const) : reason }));
    if (disbanded) await this.publisher.publishGone(partyId, out.version + 1, gone);
    else await this.publishCurrent(partyId, gone);
    await Promise.all(requesters.map((id) => this.tellRequester(id, { partyId, outcome: "closed" })));
  }

  private async change<T>(partyId: string, fn: (tx: PartyTransaction) => Promise<T>): Promise<{ result: T; version: number }> {
    const out = await this.d.repo.inPartyTransaction(partyId, this.now(), fn);
    if (!out) throw new AppError(ErrorCode.PartyNotFound, "No such party.");
    return out;
  }

  private async leaderParty(who: Identity): Promise<string> {
    const partyId = await this.d.repo.partyOf(who.accountId);
    if (!partyId) throw notInParty();
    return partyId;
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}

export const notInParty = () => new AppError(ErrorCode.NotInParty, "You are not in a party.");
export const notLeader = () => new AppError(ErrorCode.NotPartyLeader, "Only the party leader can do that.");
const notMember = () => new AppError(ErrorCode.NotPartyMember, "That player is not in your party.");
const partyFull = (max: number) => new AppError(ErrorCode.PartyFull, `The party is full (${max} players).`);
const partyBusy = () => new AppError(ErrorCode.PartyBusy, "The party is in a queue or a match: leave the queue first.");
