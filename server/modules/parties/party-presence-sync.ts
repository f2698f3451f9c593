import type { PartyActivity, VisibleStatus } from "../../../shared/schemas/presence";
import type { Logger } from "../../lib/logger";
import { identityOf, type Identity } from "../identity";
import { partyActivityOf } from "./party-activity";
import type { PartyRow } from "./party.repo";

/** What parties read and write of their members' presence. */
export interface PartyPresencePort {
  memberStates(ids: string[]): Promise<Map<string, { status: VisibleStatus; partyActivity?: PartyActivity }>>;
  /** Announces the player's party activity if it changed (`current`: what the record holds, null for none, if known). */
  setPartyActivity(who: Identity, activity: PartyActivity | null, current?: PartyActivity | null): Promise<void>;
}

export type MemberStates = Awaited<ReturnType<PartyPresencePort["memberStates"]>>;

/**
 * Keeps each member's presence showing their party: size, room, and whether friends can join
 * (party-activity.ts). The party's change is already stored when this runs: a presence failure is
 * logged, and the next change of the party shows it right.
 */
export class PartyPresenceSync {
  constructor(
    private readonly presence: PartyPresencePort,
    private readonly logger: Logger,
    private readonly maxSize: number,
  ) {}

  /** Members' statuses and held activities, or empty while presence is unreadable. */
  states(party: PartyRow): Promise<MemberStates> {
    return this.presence.memberStates(party.members.map((m) => m.accountId)).catch(() => new Map());
  }

  /** Every member shows the party as it now is (announced only where it changed). */
  async show(party: PartyRow, states: MemberStates): Promise<void> {
    await Promise.all(
      party.members.map((m) =>
        this.presence
          .setPartyActivity(identityOf(m), partyActivityOf(party, m.accountId, this.maxSize), held(states, m.accountId))
          .catch((err) => this.logger.warn({ err, accountId: m.accountId }, "party activity update failed")),
      ),
    );
  }

  /** A player out of the party stops showing it (only this party's: they may have joined another by now). */
  async clear(who: Identity, partyId: string): Promise<void> {
    try {
      const held = (await this.presence.memberStates([who.accountId])).get(who.accountId)?.partyActivity;
      if (held?.partyId === partyId) await this.presence.setPartyActivity(who, null, held);
    } catch (err) {
      this.logger.warn({ err, accountId: who.accountId }, "party activity update failed");
    }
  }
}

/** The party activity a member's record held when read (null: none), or undefined if it was not read. */
const held = (states: MemberStates, accountId: string): PartyActivity | null | undefined =>
  states.has(accountId) ? (states.get(accountId)!.partyActivity ?? null) : undefined;
