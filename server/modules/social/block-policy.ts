import type { Pair } from "./friend-state";

/**
 * The one place that decides what a block forbids. Every surface asks here, with the pair seen
 * from the acting player (mine = actor -> other, theirs = other -> actor).
 */
export const BlockPolicy = {
  isBlockedEitherWay: (pair: Pair): boolean => pair.mine === "BLOCKED" || pair.theirs === "BLOCKED",

  /** Friend requests: neither side may have blocked the other. */
  canSendFriendRequest: (pair: Pair): boolean => !BlockPolicy.isBlockedEitherWay(pair),

  /**
   * Presence: the viewer sees the other's presence only if they are friends (which a block ends).
   * `pair` is seen from the viewer.
   */
  canSeePresence: (pair: Pair): boolean => pair.mine === "FRIEND" && pair.theirs === "FRIEND",

  /** Direct messages: never across a block; friends always, others if the recipient allows it. */
  canDirectMessage: (pair: Pair, recipientAcceptsStrangers: boolean): boolean =>
    !BlockPolicy.isBlockedEitherWay(pair) && (pair.mine === "FRIEND" || recipientAcceptsStrangers),

  /** Party invites: never across a block. */
  canInviteToParty: (pair: Pair): boolean => !BlockPolicy.isBlockedEitherWay(pair),

  /**
   * Joining a party (with its code, or from a friend's presence): never while a block stands
   * between the joiner and any member. `pair` is seen from the joiner, once per member.
   */
  canJoinPartyWith: (pair: Pair): boolean => !BlockPolicy.isBlockedEitherWay(pair),

  /** Spectating: never a match with a player who blocked the watcher or whom the watcher blocked. */
  canSpectate: (pair: Pair): boolean => !BlockPolicy.isBlockedEitherWay(pair),

  /** Matchmaking: players who blocked each other are never on the same team. */
  canBeTeammates: (pair: Pair): boolean => !BlockPolicy.isBlockedEitherWay(pair),

  /** Channel chat: a player never receives messages from someone they blocked or who blocked them. */
  canReceiveChatFrom: (pair: Pair): boolean => !BlockPolicy.isBlockedEitherWay(pair),
} as const;
