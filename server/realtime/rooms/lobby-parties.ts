import type { Client } from "@colyseus/core";
import { LobbyClientMessage, LobbyServerMessage } from "../../../shared/schemas/lobby";
import { QueueJoinMessageSchema } from "../../../shared/schemas/matchmaking";
import {
  EmptyMessageSchema,
  PartyInviteAnswerMessageSchema,
  PartyInviteSendMessageSchema,
  PartyReadyMessageSchema,
  PartyTargetMessageSchema,
} from "../../../shared/schemas/party";
import type { Logger } from "../../lib/logger";
import type { JoinSnapshot } from "../../modules/lobby/join-snapshot";
import type { MatchmakingService } from "../../modules/matchmaking/matchmaking.service";
import type { Identity, PartiesService } from "../../modules/parties/parties.service";
import type { MessageRouter } from "../message-router";

export interface LobbyPartiesDeps {
  parties: PartiesService;
  matchmaking: MatchmakingService;
  presence: { isConnected(accountId: string): Promise<boolean> };
  logger: Logger;
}

/** Party and queue messages of a lobby connection; the party snapshot on join. */
export class LobbyParties {
  constructor(private readonly d: LobbyPartiesDeps) {}

  register(router: MessageRouter, who: (client: Client) => Identity): void {
    const { parties, matchmaking } = this.d;
    router.on(LobbyClientMessage.PartyCreate, EmptyMessageSchema, (c) => parties.create(who(c)));
    router.on(LobbyClientMessage.PartyInvite, PartyInviteSendMessageSchema, (c, m) => parties.invite(who(c), m.accountId));
    router.on(LobbyClientMessage.PartyAccept, PartyInviteAnswerMessageSchema, (c, m) => parties.accept(who(c), m.partyId));
    router.on(LobbyClientMessage.PartyDecline, PartyInviteAnswerMessageSchema, (c, m) => parties.decline(who(c), m.partyId));
    router.on(LobbyClientMessage.PartyLeave, EmptyMessageSchema, (c) => parties.leave(who(c)));
    router.on(LobbyClientMessage.PartyKick, PartyTargetMessageSchema, (c, m) => parties.kick(who(c), m.accountId));
    router.on(LobbyClientMessage.PartyPromote, PartyTargetMessageSchema, (c, m) => parties.promote(who(c), m.accountId));
    router.on(LobbyClientMessage.PartyDisband, EmptyMessageSchema, (c) => parties.disband(who(c)));
    router.on(LobbyClientMessage.PartyReady, PartyReadyMessageSchema, (c, m) => parties.setReady(who(c), m.ready));
    router.on(LobbyClientMessage.QueueJoin, QueueJoinMessageSchema, (c, m) => matchmaking.join(who(c), m));
    router.on(LobbyClientMessage.QueueLeave, EmptyMessageSchema, (c) => matchmaking.leave(who(c)));
  }

  /** Sends the party snapshot; returns the party chat channel to stream, if in a party. */
  async start(client: Client, join: Pick<JoinSnapshot, "partyId" | "invites">): Promise<string | undefined> {
    const snapshot = await this.d.parties.snapshotOf(join.partyId, join.invites);
    client.send(LobbyServerMessage.PartySnapshot, snapshot);
    return snapshot.party?.channelId;
  }

  /**
   * A connection is gone for good (past the reconnect window, or a consented leave). If it was the
   * account's last one on any process, its search is cancelled and it leaves its party.
   */
  async stop(who: Identity): Promise<void> {
    try {
      if (await this.d.presence.isConnected(who.accountId)) return;
      await this.d.matchmaking.disconnected(who);
      await this.d.parties.disconnected(who);
    } catch (err) {
      this.d.logger.warn({ err, accountId: who.accountId }, "party clean-up after disconnect failed");
    }
  }
}
