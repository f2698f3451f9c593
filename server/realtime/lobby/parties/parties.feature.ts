import { LobbyClientMessage, LobbyServerMessage } from "../../../../shared/schemas/lobby";
import type { Logger } from "../../../lib/logger";
import type { JoinSnapshot } from "../../../modules/lobby/join-snapshot";
import type { MatchmakingService } from "../../../modules/matchmaking/matchmaking.service";
import type { PartiesService } from "../../../modules/parties/parties.service";
import type { PartyCodesService } from "../../../modules/parties/party-codes.service";
import type { PartyJoinRequestsService } from "../../../modules/parties/party-join-requests.service";
import type { SpectatingService } from "../../../modules/matches/spectating.service";
import type { FeatureRouter, LobbyFeature, StartCause } from "../feature";
import { whoOf, type LobbyClient, type LobbyIdentity } from "../lobby-client";

export interface PartiesFeatureDeps {
  parties: PartiesService;
  partyCodes: PartyCodesService;
  partyJoins: PartyJoinRequestsService;
  spectating: SpectatingService;
  matchmaking: MatchmakingService;
  presence: { isConnected(accountId: string): Promise<boolean> };
  logger: Logger;
}

/** Where a connection's party chat is streamed (the chat feature of the same room). */
export interface PartyChat {
  /**
   * After a party snapshot: the connection streams `channelId` (undefined: no party), its
   * history sent before this resolves (so before the join completes).
   */
  followParty(client: LobbyClient, channelId: string | undefined, cause: StartCause): Promise<void>;
}

/** Party, queue and spectating messages of a lobby connection; the party snapshot on join, reconnect and refresh. Keeps nothing per connection. */
export class PartiesFeature implements LobbyFeature {
  readonly name = "parties";
  readonly events = [] as const;

  constructor(
    private readonly d: PartiesFeatureDeps,
    private readonly chat: PartyChat,
  ) {}

  register(router: FeatureRouter<undefined>): void {
    const { parties, partyCodes, partyJoins, spectating, matchmaking } = this.d;
    router.on(LobbyClientMessage.PartyCreate, (c) => parties.create(whoOf(c)));
    router.on(LobbyClientMessage.PartyInvite, (c, _, m) => parties.invite(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.PartyAccept, (c, _, m) => parties.accept(whoOf(c), m.partyId));
    router.on(LobbyClientMessage.PartyDecline, (c, _, m) => parties.decline(whoOf(c), m.partyId));
    router.on(LobbyClientMessage.PartyLeave, (c) => parties.leave(whoOf(c)));
    router.on(LobbyClientMessage.PartyKick, (c, _, m) => parties.kick(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.PartyPromote, (c, _, m) => parties.promote(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.PartyDisband, (c) => parties.disband(whoOf(c)));
    router.on(LobbyClientMessage.PartyReady, (c, _, m) => parties.setReady(whoOf(c), m.ready));
    router.on(LobbyClientMessage.PartyCodeCreate, (c) => partyCodes.create(whoOf(c)));
    router.on(LobbyClientMessage.PartyCodeRevoke, (c) => partyCodes.revoke(whoOf(c)));
    router.on(LobbyClientMessage.PartyJoinByCode, (c, _, m) => partyCodes.join(whoOf(c), m.code));
    router.on(LobbyClientMessage.PartyJoinFriend, (c, _, m) => partyJoins.joinFriend(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.PartyJoinRequestCancel, (c, _, m) => partyJoins.cancel(whoOf(c), m.partyId));
    router.on(LobbyClientMessage.PartyJoinRequestAccept, (c, _, m) => partyJoins.accept(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.PartyJoinRequestDecline, (c, _, m) => partyJoins.decline(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.MatchSpectate, (c, _, m) => spectating.spectate(whoOf(c), m.accountId));
    router.on(LobbyClientMessage.QueueJoin, (c, _, m) => matchmaking.join(whoOf(c), m));
    router.on(LobbyClientMessage.QueueLeave, (c) => matchmaking.leave(whoOf(c)));
  }

  open(): undefined {
    return undefined;
  }

  /** Sends the party snapshot, then has the party's chat streamed. */
  async start(client: LobbyClient, _state: undefined, join: Pick<JoinSnapshot, "partyId" | "invites">, cause: StartCause): Promise<void> {
    const snapshot = await this.d.parties.snapshotOf(join.partyId, join.invites);
    client.send(LobbyServerMessage.PartySnapshot, snapshot);
    await this.chat.followParty(client, snapshot.party?.channelId, cause);
  }

  /**
   * The connection is gone for good (after social counted it out of presence). If it was the
   * account's last one on any process, its search is cancelled and it leaves its party. Not while
   * draining: the player reconnects to another process and keeps party and search.
   */
  async close(client: LobbyClient, _state: undefined, draining: boolean): Promise<void> {
    if (draining) return;
    const who: LobbyIdentity = whoOf(client);
    try {
      if (await this.d.presence.isConnected(who.accountId)) return;
      await this.d.matchmaking.disconnected(who);
      await this.d.parties.disconnected(who);
    } catch (err) {
      this.d.logger.warn({ err, accountId: who.accountId }, "party clean-up after disconnect failed");
    }
  }
}
