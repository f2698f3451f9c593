import {
  isRefusal,
  planAccept,
  planBlock,
  planCancel,
  planDecline,
  planRemove,
  planRequest,
  planUnblock,
  type EdgeState,
  type Outcome,
  type Pair,
} from "../../../server/modules/social/friend-state";

type S = EdgeState | null;
const OPS = {
  request: planRequest,
  accept: planAccept,
  decline: planDecline,
  cancel: planCancel,
  remove: planRemove,
  block: planBlock,
  unblock: planUnblock,
} as const;

/** Applies an outcome's writes to a pair. */
function after(pair: Pair, o: Outcome): Pair | string {
  if (isRefusal(o)) return o.refused;
  return { mine: o.mine === undefined ? pair.mine : o.mine, theirs: o.theirs === undefined ? pair.theirs : o.theirs };
}

const P = (mine: S, theirs: S): Pair => ({ mine, theirs });
const NONE = P(null, null);
const SENT = P("INVITE_SENT", "INVITE_RECEIVED");
const RECEIVED = P("INVITE_RECEIVED", "INVITE_SENT");
const FRIENDS = P("FRIEND", "FRIEND");
const I_BLOCKED = P("BLOCKED", null);
const THEY_BLOCKED = P(null, "BLOCKED");
const BOTH_BLOCKED = P("BLOCKED", "BLOCKED");

/** [operation, before, expected pair after (or refusal code), what happened] */
const TABLE: [keyof typeof OPS, Pair, Pair | string, string][] = [
  ["request", NONE, SENT, "request_sent"],
  ["request", SENT, SENT, "unchanged"],
  ["request", RECEIVED, FRIENDS, "accepted"],
  ["request", FRIENDS, FRIENDS, "unchanged"],
  ["request", I_BLOCKED, "player_blocked", ""],
  ["request", THEY_BLOCKED, "friend_request_not_allowed", ""],
  ["request", BOTH_BLOCKED, "player_blocked", ""],

  ["accept", NONE, "friend_request_not_found", ""],
  ["accept", SENT, "friend_request_not_found", ""],
  ["accept", RECEIVED, FRIENDS, "accepted"],
  ["accept", FRIENDS, FRIENDS, "unchanged"],
  ["accept", I_BLOCKED, "friend_request_not_found", ""],
  ["accept", THEY_BLOCKED, "friend_request_not_found", ""],

  ["decline", RECEIVED, NONE, "declined"],
  ["decline", NONE, NONE, "unchanged"],
  ["decline", SENT, SENT, "unchanged"],
  ["decline", FRIENDS, FRIENDS, "unchanged"],
  ["decline", THEY_BLOCKED, THEY_BLOCKED, "unchanged"],

  ["cancel", SENT, NONE, "cancelled"],
  ["cancel", NONE, NONE, "unchanged"],
  ["cancel", RECEIVED, RECEIVED, "unchanged"],
  ["cancel", FRIENDS, FRIENDS, "unchanged"],

  ["remove", FRIENDS, NONE, "removed"],
  ["remove", NONE, NONE, "unchanged"],
  ["remove", SENT, SENT, "unchanged"],
  ["remove", I_BLOCKED, I_BLOCKED, "unchanged"],
  ["remove", THEY_BLOCKED, THEY_BLOCKED, "unchanged"],

  ["block", NONE, I_BLOCKED, "blocked"],
  ["block", SENT, I_BLOCKED, "blocked"],
  ["block", RECEIVED, I_BLOCKED, "blocked"],
  ["block", FRIENDS, I_BLOCKED, "blocked"],
  ["block", THEY_BLOCKED, BOTH_BLOCKED, "blocked"],
  ["block", I_BLOCKED, I_BLOCKED, "unchanged"],
  ["block", BOTH_BLOCKED, BOTH_BLOCKED, "unchanged"],

  ["unblock", I_BLOCKED, NONE, "unblocked"],
  ["unblock", BOTH_BLOCKED, THEY_BLOCKED, "unblocked"],
  ["unblock", NONE, NONE, "unchanged"],
  ["unblock", THEY_BLOCKED, THEY_BLOCKED, "unchanged"],
  ["unblock", FRIENDS, FRIENDS, "unchanged"],
];

const label = (p: Pair) => `${p.mine ?? "-"}/${p.theirs ?? "-"}`;

describe("friend state machine", () => {
  test.each(TABLE.map(([op, before, expected, happened]) => [op, label(before), before, expected, happened] as const))(
    "%s from %s",
    (op, _label, before, expected, happened) => {
      const outcome = OPS[op](before);
      expect(after(before, outcome)).toEqual(expected);
      if (!isRefusal(outcome)) expect(outcome.happened).toBe(happened);
    },
  );

  test("every operation from every consistent state is in the table", () => {
    const states = [NONE, SENT, RECEIVED, FRIENDS, I_BLOCKED, THEY_BLOCKED, BOTH_BLOCKED];
    const covered = new Set(TABLE.map(([op, before]) => `${op} ${label(before)}`));
    const results = Object.keys(OPS).flatMap((op) => states.map((s) => ({ key: `${op} ${label(s)}`, outcome: OPS[op as keyof typeof OPS](s) })));
    // Anything missing from the table must at least leave the pair consistent (never half a friendship).
    for (const { key, outcome } of results) {
      if (covered.has(key) || isRefusal(outcome)) continue;
      expect([key, outcome.happened]).toEqual([key, "unchanged"]);
    }
  });

  test("a block survives the other side's actions", () => {
    // Seen from the blocked player: nothing they do touches our BLOCKED edge (their `theirs`).
    for (const op of Object.values(OPS)) {
      const outcome = op(THEY_BLOCKED);
      if (isRefusal(outcome)) continue;
      expect(outcome.theirs).toBeUndefined();
    }
  });

  test("accepting and requesting check the friend cap; nothing else does", () => {
    expect((planRequest(NONE) as { capCheck?: boolean }).capCheck).toBe(true);
    expect((planAccept(RECEIVED) as { capCheck?: boolean }).capCheck).toBe(true);
    expect((planRequest(RECEIVED) as { capCheck?: boolean }).capCheck).toBe(true);
    for (const op of [planDecline, planCancel, planRemove, planBlock, planUnblock]) {
      for (const s of [SENT, RECEIVED, FRIENDS]) expect((op(s) as { capCheck?: boolean }).capCheck).toBeFalsy();
    }
  });
});
