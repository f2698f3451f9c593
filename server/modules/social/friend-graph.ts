import type { Pair } from "./friend-state";

export interface FriendSummary {
  id: string;
  username: string;
  displayName: string;
  lastSeenAt: Date | null;
}

/**
 * What other modules read of the social graph (presence fans out to friends, parties invite only
 * friends). Social owns the graph; FriendsRepo implements this port.
 */
export interface FriendGraph {
  /** Everyone `accountId` is friends with. */
  friendIds(accountId: string): Promise<string[]>;
  /** Both directed edges between two players, seen from `actorId` (ask BlockPolicy what they allow). */
  pair(actorId: string, otherId: string): Promise<Pair>;
}
