import { partyChannelId } from "../../../shared/schemas/chat";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import { formatPartyCode, partyCodeLink } from "../../../shared/party-codes";
import type { PartyInviteMessage, PartyJoinCode, PartyJoinRequestResultMessage, PartyUpdateMessage, PartyView } from "../../../shared/schemas/party";
import type { AccountEventBus } from "../events/account-events";
import type { Identity, PublicAccount } from "../identity";
import type { MemberStates, PartyPresenceSync } from "./party-presence-sync";
import type { PartyRow } from "./party.repo";

/** Why a player is out of the party. */
export type Departure = "left" | "kicked" | "disbanded";
/** A player out of the party, and why. */
export type Gone = Identity & { reason: Departure };
/** A pending invite, as the invited player is told of it. */
export interface InviteRow {
  partyId: string;
  from: PublicAccount;
  expiresAt: Date;
  size: number;
}

/**
 * What a party's players see of it: the PartyView (with each member's presence status), the
 * versioned `party.update` to every member, the `party: null` to those who are out, the party
 * chat channel membership, and the party shown in the members' presence.
 */
export class PartyPublisher {
  constructor(
    private readonly bus: AccountEventBus,
    private readonly presence: PartyPresenceSync,
    private readonly maxSize: number,
  ) {}

  async view(party: PartyRow): Promise<PartyView> {
    return (await this.viewWithStates(party)).view;
  }

  async viewWithStates(party: PartyRow): Promise<{ view: PartyView; states: MemberStates }> {
    // The party change is already stored: while presence is unreadable (Redis away, reported by the
    // backplane's health probe) members show offline, and the refresh after the outage corrects it.
    const states = await this.presence.states(party);
    const statuses = new Map([...states].map(([id, s]) => [id, s.status]));
    const view: PartyView = {
      id: party.id,
      leaderId: party.leaderId,
      members: party.members.map((m) => ({ id: m.accountId, username: m.username, displayName: m.displayName, ready: m.ready, status: statuses.get(m.accountId) ?? "offline" })),
      invites: party.invites.map((i) => ({ to: { id: i.toId, username: i.toUsername, displayName: i.toDisplayName }, expiresAt: i.expiresAt.toISOString() })),
      maxSize: this.maxSize,
      channelId: partyChannelId(party.id),
      queue: party.ticket?.status === "WAITING" ? { mode: party.ticket.mode, region: party.ticket.region, since: party.ticket.enqueuedAt.toISOString() } : null,
      joinRequests: party.joinRequests.map((r) => ({
        from: { id: r.fromId, username: r.fromUsername, displayName: r.fromDisplayName },
        via: { id: r.viaId, username: r.viaUsername, displayName: r.viaDisplayName },
        expiresAt: r.expiresAt.toISOString(),
      })),
      joinCode: party.joinCode ? joinCodeView(party.joinCode) : null,
      version: party.version,
    };
    return { view, states };
  }

  /** Sends the party as it now is to every member (ordered by version), and tells `gone` they are out. */
  async publish(party: PartyRow, gone: Gone[]): Promise<PartyView> {
    const { view, states } = await this.viewWithStates(party);
    const update: PartyUpdateMessage = { partyId: party.id, party: view };
    await Promise.all(
      party.members.map((m) =>
        this.bus.publish(m.accountId, {
          kind: "deliver",
          type: LobbyServerMessage.PartyUpdate,
          payload: update,
          order: { key: `party:${party.id}`, version: party.version },
        }),
      ),
    );
    await this.publishGone(party.id, party.version, gone);
    await this.presence.show(party, states);
    return view;
  }

  async publishGone(partyId: string, version: number, gone: Gone[]): Promise<void> {
    await Promise.all(
      gone.map(async ({ reason, ...who }) => {
        const { accountId } = who;
        await this.bus.publish(accountId, {
          kind: "deliver",
          type: LobbyServerMessage.PartyUpdate,
          payload: { partyId, party: null, reason } satisfies PartyUpdateMessage,
          order: { key: `party:${partyId}`, version },
        });
        await this.presence.clear(who, partyId);
      }),
    );
  }

  /** Tells the players' connections to start or stop streaming the party's chat channel. */
  async channelMembership(partyId: string, accountIds: string[], member: boolean): Promise<void> {
    await Promise.all(accountIds.map((id) => this.bus.publish(id, { kind: "party_channel", channelId: partyChannelId(partyId), member })));
  }

  async tellRequester(accountId: string, result: PartyJoinRequestResultMessage): Promise<void> {
    await this.bus.publish(accountId, { kind: "deliver", type: LobbyServerMessage.PartyJoinRequestResult, payload: result });
  }
}

export const inviteMessage = (i: InviteRow): PartyInviteMessage => ({
  partyId: i.partyId,
  from: i.from,
  expiresAt: i.expiresAt.toISOString(),
  size: i.size,
});

export const joinCodeView = (c: { code: string; expiresAt: Date }): PartyJoinCode => ({
  code: formatPartyCode(c.code),
  link: partyCodeLink(c.code),
  expiresAt: c.expiresAt.toISOString(),
});
