import type { JoinPolicy, PartyActivity } from "../../../shared/schemas/presence";
import type { PartyRow } from "./party.repo";

const STRICTNESS: Record<JoinPolicy, number> = { nobody: 0, ask: 1, friends: 2 };

/**
 * How a friend of `viaId` may join the party through them: the stricter of that member's and the
 * leader's join policy (a leader who asks is asked, whoever's friend knocks), or null when the
 * party is full, searching or in a match, or that policy is `nobody`.
 */
export function joinRouteVia(party: PartyRow, viaId: string, maxSize: number): "join" | "request" | null {
  const via = party.members.find((m) => m.accountId === viaId);
  const leader = party.members.find((m) => m.accountId === party.leaderId);
  if (!via || !leader) return null;
  if (party.members.length >= maxSize || party.ticket) return null;
  const policy = STRICTNESS[via.joinPolicy] <= STRICTNESS[leader.joinPolicy] ? via.joinPolicy : leader.joinPolicy;
  if (policy === "nobody") return null;
  return policy === "friends" ? "join" : "request";
}

/** What the member's friends see of the party in their presence. */
export function partyActivityOf(party: PartyRow, memberId: string, maxSize: number): PartyActivity {
  const route = joinRouteVia(party, memberId, maxSize);
  return {
    kind: "party",
    partyId: party.id,
    size: party.members.length,
    maxSize,
    joinable: route !== null,
    ...(route ? { joinBy: route } : {}),
  };
}
