/**
 * The friend state machine on directed edges (Nakama's model). Pure: given both edges of a pair,
 * each operation yields the edges to write and what happened, or a refusal.
 *   mine   = actor -> target, theirs = target -> actor.
 */
export type EdgeState = "FRIEND" | "INVITE_SENT" | "INVITE_RECEIVED" | "BLOCKED";

export interface Pair {
  mine: EdgeState | null;
  theirs: EdgeState | null;
}

export type Refusal =
  | "player_blocked"
  | "friend_request_not_allowed"
  | "friend_request_not_found";

export type Happened =
  | "request_sent"
  | "accepted"
  | "declined"
  | "cancelled"
  | "removed"
  | "blocked"
  | "unblocked"
  | "unchanged";

export interface Plan {
  /** Edge values to write; `undefined` keeps the edge, `null` deletes it. */
  mine?: EdgeState | null;
  theirs?: EdgeState | null;
  happened: Happened;
  /** The pair was friends before this operation. */
  wereFriends: boolean;
  /** The actor gains a friend or an outgoing request: check the friend cap before writing. */
  capCheck?: boolean;
}

export type Outcome = Plan | { refused: Refusal };

export const isRefusal = (o: Outcome): o is { refused: Refusal } => "refused" in o;

const unchanged = (pair: Pair): Plan => ({ happened: "unchanged", wereFriends: pair.mine === "FRIEND" });

/** Send a request, or accept theirs if they already asked. */
export function planRequest(pair: Pair): Outcome {
  if (pair.mine === "BLOCKED") return { refused: "player_blocked" };
  if (pair.theirs === "BLOCKED") return { refused: "friend_request_not_allowed" };
  switch (pair.mine) {
    case "FRIEND":
    case "INVITE_SENT":
      return unchanged(pair);
    case "INVITE_RECEIVED":
      return { mine: "FRIEND", theirs: "FRIEND", happened: "accepted", wereFriends: false, capCheck: true };
    default:
      return { mine: "INVITE_SENT", theirs: "INVITE_RECEIVED", happened: "request_sent", wereFriends: false, capCheck: true };
  }
}

export function planAccept(pair: Pair): Outcome {
  if (pair.mine === "FRIEND") return unchanged(pair);
  if (pair.mine !== "INVITE_RECEIVED") return { refused: "friend_request_not_found" };
  return { mine: "FRIEND", theirs: "FRIEND", happened: "accepted", wereFriends: false, capCheck: true };
}

/** Decline an incoming request. Idempotent. */
export function planDecline(pair: Pair): Outcome {
  if (pair.mine !== "INVITE_RECEIVED") return unchanged(pair);
  return { mine: null, theirs: pair.theirs === "INVITE_SENT" ? null : undefined, happened: "declined", wereFriends: false };
}

/** Withdraw an outgoing request. Idempotent. */
export function planCancel(pair: Pair): Outcome {
  if (pair.mine !== "INVITE_SENT") return unchanged(pair);
  return { mine: null, theirs: pair.theirs === "INVITE_RECEIVED" ? null : undefined, happened: "cancelled", wereFriends: false };
}

/** Remove a friend. Idempotent; never touches a block. */
export function planRemove(pair: Pair): Outcome {
  if (pair.mine !== "FRIEND") return unchanged(pair);
  return { mine: null, theirs: pair.theirs === "FRIEND" ? null : undefined, happened: "removed", wereFriends: true };
}

/**
 * Block: ends any friendship or pending request in both directions. Their own block of us, if
 * any, stays: each side's block is independent.
 */
export function planBlock(pair: Pair): Outcome {
  if (pair.mine === "BLOCKED") return unchanged({ ...pair, mine: null });
  return {
    mine: "BLOCKED",
    theirs: pair.theirs === "BLOCKED" || pair.theirs === null ? undefined : null,
    happened: "blocked",
    wereFriends: pair.mine === "FRIEND",
  };
}

/** Lift our block. Idempotent; their block of us, if any, stays. */
export function planUnblock(pair: Pair): Outcome {
  if (pair.mine !== "BLOCKED") return unchanged({ ...pair, mine: null });
  return { mine: null, happened: "unblocked", wereFriends: false };
}
