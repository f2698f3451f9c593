import { z } from "zod";
import { PublicAccountSchema } from "./social";
import { VisibleStatusSchema } from "./presence";

export const PartyMemberSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  ready: z.boolean(),
  /** The member's status as friends see it (offline while disconnected or invisible). */
  status: VisibleStatusSchema,
});

export const PartyInviteEntrySchema = z.object({ to: PublicAccountSchema, expiresAt: z.iso.datetime() });

/** A party's join code (shared/party-codes.ts): anyone not blocked by a member may join with it while it lasts. */
export const PartyJoinCodeSchema = z.object({
  /** `ABCD-EFGH`: what players read out and type (case and dashes do not matter). */
  code: z.string(),
  /** Path of the link form, relative to the server's origin: `/play?party=ABCD-EFGH`. */
  link: z.string(),
  expiresAt: z.iso.datetime(),
});
export type PartyJoinCode = z.infer<typeof PartyJoinCodeSchema>;

/** A friend of a member asking to join; the leader answers with party.joinRequest.accept or .decline. */
export const PartyJoinRequestEntrySchema = z.object({
  from: PublicAccountSchema,
  /** The member whose presence they asked through (their friend). */
  via: PublicAccountSchema,
  expiresAt: z.iso.datetime(),
});
export type PartyJoinRequestEntry = z.infer<typeof PartyJoinRequestEntrySchema>;

export const PartyViewSchema = z.object({
  id: z.uuid(),
  leaderId: z.uuid(),
  /** Oldest member first. */
  members: z.array(PartyMemberSchema),
  invites: z.array(PartyInviteEntrySchema),
  maxSize: z.number().int(),
  /** The party's chat channel (`party:<id>`): members receive chat.message there; send with chat.send. */
  channelId: z.string(),
  /** What the party is doing: idle, searching a queue, or in a match. */
  queue: z.object({ mode: z.string(), region: z.string(), since: z.iso.datetime() }).nullable(),
  /** Unexpired join requests, oldest first (every member sees them; the leader answers them). */
  joinRequests: z.array(PartyJoinRequestEntrySchema),
  /** The party's join code, if the leader made one (null after it expired or was revoked). */
  joinCode: PartyJoinCodeSchema.nullable(),
  /** Increases with every change: apply an update only if newer than the one held. */
  version: z.number().int(),
});
export type PartyView = z.infer<typeof PartyViewSchema>;

/** Server -> client `party.update`: the party's full state, or `party: null` once the player is out of it. */
export const PartyUpdateMessageSchema = z.object({
  partyId: z.uuid(),
  party: PartyViewSchema.nullable(),
  /** Why the player is no longer in the party (when `party` is null). */
  reason: z.enum(["left", "kicked", "disbanded"]).optional(),
});
export type PartyUpdateMessage = z.infer<typeof PartyUpdateMessageSchema>;

/** Server -> client `party.invite`: an invitation (also listed in the join snapshot until it expires). */
export const PartyInviteMessageSchema = z.object({
  partyId: z.uuid(),
  from: PublicAccountSchema,
  expiresAt: z.iso.datetime(),
  size: z.number().int(),
});
export type PartyInviteMessage = z.infer<typeof PartyInviteMessageSchema>;

/**
 * Server -> client `party.joinRequest.result`, to the player who asked: the leader declined, or the
 * request can no longer be met (the party disbanded, filled or started searching: `closed`).
 * Accepted requests answer with the party's `party.update` instead.
 */
export const PartyJoinRequestResultMessageSchema = z.object({
  partyId: z.uuid(),
  outcome: z.enum(["declined", "closed"]),
});
export type PartyJoinRequestResultMessage = z.infer<typeof PartyJoinRequestResultMessageSchema>;

/** Reply to `party.joinFriend`: joined at once (the friend's party lets friends join), or a request sent. */
export const PartyJoinFriendReplySchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("joined"), party: PartyViewSchema }),
  z.object({ outcome: z.literal("requested"), partyId: z.uuid(), expiresAt: z.iso.datetime() }),
]);
export type PartyJoinFriendReply = z.infer<typeof PartyJoinFriendReplySchema>;

/** Server -> client `party.snapshot` right after joining: the current party (if any) and pending invites. */
export const PartySnapshotMessageSchema = z.object({
  party: PartyViewSchema.nullable(),
  invites: z.array(PartyInviteMessageSchema),
});
export type PartySnapshotMessage = z.infer<typeof PartySnapshotMessageSchema>;

// Client -> server
export const PartyCreateMessageSchema = z.strictObject({});
export const PartyInviteSendMessageSchema = z.strictObject({ accountId: z.uuid() });
export const PartyInviteAnswerMessageSchema = z.strictObject({ partyId: z.uuid() });
export const PartyTargetMessageSchema = z.strictObject({ accountId: z.uuid() });
export const PartyReadyMessageSchema = z.strictObject({ ready: z.boolean() });
export const EmptyMessageSchema = z.strictObject({});
/** Join (or ask to join) the party of the friend `accountId`, as their presence offers. */
export const PartyJoinFriendMessageSchema = z.strictObject({ accountId: z.uuid() });
/** Withdraw the player's join request to a party. */
export const PartyJoinRequestCancelMessageSchema = z.strictObject({ partyId: z.uuid() });
/** Leader: accept or decline the join request of `accountId`. */
export const PartyJoinRequestAnswerMessageSchema = z.strictObject({ accountId: z.uuid() });
/** A code as typed (normalised by the server: shared/party-codes.ts). */
export const PartyJoinByCodeMessageSchema = z.strictObject({ code: z.string().min(1).max(32) });
