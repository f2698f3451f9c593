import { BlockPolicy } from "../../../server/modules/social/block-policy";
import type { EdgeState, Pair } from "../../../server/modules/social/friend-state";

const P = (mine: EdgeState | null, theirs: EdgeState | null): Pair => ({ mine, theirs });

describe("block policy", () => {
  const blocked = [P("BLOCKED", null), P(null, "BLOCKED"), P("BLOCKED", "BLOCKED")];

  test.each(blocked)("a block in either direction forbids every surface (%o)", (pair) => {
    expect(BlockPolicy.canSendFriendRequest(pair)).toBe(false);
    expect(BlockPolicy.canSeePresence(pair)).toBe(false);
    expect(BlockPolicy.canDirectMessage(pair, true)).toBe(false);
    expect(BlockPolicy.canInviteToParty(pair)).toBe(false);
    expect(BlockPolicy.canBeTeammates(pair)).toBe(false);
    expect(BlockPolicy.canReceiveChatFrom(pair)).toBe(false);
  });

  test("presence is visible to friends only", () => {
    expect(BlockPolicy.canSeePresence(P("FRIEND", "FRIEND"))).toBe(true);
    expect(BlockPolicy.canSeePresence(P(null, null))).toBe(false);
    expect(BlockPolicy.canSeePresence(P("INVITE_SENT", "INVITE_RECEIVED"))).toBe(false);
    expect(BlockPolicy.canSeePresence(P("INVITE_RECEIVED", "INVITE_SENT"))).toBe(false);
  });

  test("direct messages: friends always, strangers only if the recipient allows it", () => {
    expect(BlockPolicy.canDirectMessage(P("FRIEND", "FRIEND"), false)).toBe(true);
    expect(BlockPolicy.canDirectMessage(P(null, null), false)).toBe(false);
    expect(BlockPolicy.canDirectMessage(P(null, null), true)).toBe(true);
  });

  test("unrelated players may request, invite, team up and chat", () => {
    const none = P(null, null);
    expect(BlockPolicy.canSendFriendRequest(none)).toBe(true);
    expect(BlockPolicy.canInviteToParty(none)).toBe(true);
    expect(BlockPolicy.canBeTeammates(none)).toBe(true);
    expect(BlockPolicy.canReceiveChatFrom(none)).toBe(true);
  });
});
