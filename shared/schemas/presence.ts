import { z } from "zod";
import { Limits } from "../limits";

/** Statuses a player chooses. `invisible` shows them offline to everyone else. */
export const ChosenStatusSchema = z.enum(["online", "away", "busy", "invisible"]);
export type ChosenStatus = z.infer<typeof ChosenStatusSchema>;

/** Statuses others see. */
export const VisibleStatusSchema = z.enum(["online", "away", "busy", "offline"]);
export type VisibleStatus = z.infer<typeof VisibleStatusSchema>;

/**
 * Who may join the player's party from their presence: `friends` join straight away, `ask` send a
 * join request the party leader answers, `nobody` cannot (invites and join codes still work).
 */
export const JoinPolicySchema = z.enum(["friends", "ask", "nobody"]);
export type JoinPolicy = z.infer<typeof JoinPolicySchema>;

/** In a party: its size and whether the player's friends can join it from here (and how). */
export const PartyActivitySchema = z.object({
  kind: z.literal("party"),
  partyId: z.string(),
  size: z.number().int(),
  maxSize: z.number().int(),
  /** A friend can join or ask now: the party has room, is not searching, and the stricter of this player's and the leader's join policy is not `nobody`. */
  joinable: z.boolean(),
  /** How, when joinable: `join` (party.joinFriend joins at once) or `request` (it asks the leader). */
  joinBy: z.enum(["join", "request"]).optional(),
});
export type PartyActivity = z.infer<typeof PartyActivitySchema>;

/**
 * Seated in a custom game lobby. A public lobby without a password shows its id and name, and is
 * joinable (gameLobby.join by id) while it has room; a private or password lobby shows neither.
 */
export const GameLobbyActivitySchema = z.object({
  kind: z.literal("gameLobby"),
  lobbyId: z.string().optional(),
  name: z.string().optional(),
  mode: z.string(),
  size: z.number().int(),
  maxSize: z.number().int(),
  joinable: z.boolean(),
});
export type GameLobbyActivity = z.infer<typeof GameLobbyActivitySchema>;

/** What the player is doing, set by the server as they move through the lobby. */
export const ActivitySchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("lobby") }),
    PartyActivitySchema,
    GameLobbyActivitySchema,
    z.object({ kind: z.literal("queue"), mode: z.string() }),
    z.object({ kind: z.literal("match"), mode: z.string(), matchId: z.string(), joinable: z.boolean() }),
  ])
  .meta({ id: "Activity", description: "What the player is doing (set by the server)." });
export type Activity = z.infer<typeof ActivitySchema>;

export const PresenceSchema = z
  .object({
    status: VisibleStatusSchema,
    /** Absent when offline. */
    activity: ActivitySchema.optional(),
    text: z.string().optional().meta({ description: "The player's custom text; absent when offline or unset." }),
    /** Absent while online or if never seen. */
    lastSeenAt: z.iso.datetime().optional().meta({ description: "When last seen online; only when offline and known." }),
  })
  .meta({ id: "Presence", description: "A friend's presence as the caller sees it. An invisible player is `offline`." });
export type Presence = z.infer<typeof PresenceSchema>;

export const FriendPresenceSchema = PresenceSchema.extend({
  accountId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
});
export type FriendPresence = z.infer<typeof FriendPresenceSchema>;

const codePoints = (s: string): number => Array.from(s).length;
/** Line breaks and tabs become spaces; other control and format characters (bidi overrides, zero-width) go. */
const LINE_BREAKS = /[\t\n\r\v\f\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
/** Stripped first, then normalised: removing a character can leave a sequence that NFC composes. */
const cleanPresenceText = (s: string): string => s.replace(LINE_BREAKS, " ").replace(INVISIBLE, "").normalize("NFC").trim();

/** Client -> server `presence.set`. */
export const PresenceSetMessageSchema = z.strictObject({
  status: ChosenStatusSchema.optional(),
  text: z
    .string()
    .max(Limits.presenceTextMaxLength * 4)
    .transform(cleanPresenceText)
    .refine((s) => codePoints(s) <= Limits.presenceTextMaxLength, `must be at most ${Limits.presenceTextMaxLength} characters`)
    .nullable()
    .optional(),
});
export type PresenceSetMessage = z.input<typeof PresenceSetMessageSchema>;

/** Server -> client `presence.snapshot`: every friend's presence, once, right after joining. */
export const PresenceSnapshotMessageSchema = z.object({
  self: z.object({ status: ChosenStatusSchema, text: z.string().optional() }),
  friends: z.array(FriendPresenceSchema),
});
export type PresenceSnapshotMessage = z.infer<typeof PresenceSnapshotMessageSchema>;

/** Server -> client `presence.update`: one friend's presence changed (or a friend was added). */
export const PresenceUpdateMessageSchema = FriendPresenceSchema;
export type PresenceUpdateMessage = z.infer<typeof PresenceUpdateMessageSchema>;
