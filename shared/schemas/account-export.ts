import { z } from "zod";

const when = z.iso.datetime();
const other = z.object({ accountId: z.uuid(), username: z.string(), displayName: z.string(), since: when });

/** GET /me/export: everything the account owns, for a data-protection request. */
export const AccountExportSchema = z
  .object({
    exportedAt: when,
    account: z.object({
      id: z.uuid(),
      username: z.string(),
      displayName: z.string(),
      guest: z.boolean(),
      createdAt: when,
      lastSeenAt: when.nullable(),
      settings: z.object({ presenceStatus: z.string(), presenceText: z.string().nullable(), allowDirectMessagesFrom: z.string(), joinPolicy: z.string() }),
    }),
    sessions: z.array(
      z.object({ id: z.uuid(), createdAt: when, lastUsedAt: when, expiresAt: when, endedAt: when.nullable(), endReason: z.string().nullable(), userAgent: z.string().nullable(), ip: z.string().nullable() }),
    ),
    friends: z.array(other),
    blocks: z.array(other).meta({ description: "Players this account blocked (never who blocked it: that is theirs)." }),
    friendRequests: z.object({ outgoing: z.array(other), incoming: z.array(other) }),
    notifications: z.array(z.object({ id: z.uuid(), type: z.string(), actorId: z.uuid().nullable(), createdAt: when, readAt: when.nullable() })),
    messages: z
      .array(z.object({ channelId: z.string(), seq: z.string(), body: z.string(), createdAt: when, deletedAt: when.nullable(), deleteReason: z.string().nullable() }))
      .meta({ description: "Chat messages this account sent, newest first (the bodies as stored after filtering)." }),
    party: z.object({ partyId: z.uuid(), leader: z.boolean(), ready: z.boolean(), joinedAt: when }).nullable(),
    matches: z.array(
      z.object({
        matchId: z.uuid(),
        mode: z.string(),
        region: z.string(),
        status: z.string(),
        team: z.number().int(),
        won: z.boolean(),
        score: z.number().int(),
        ratingBefore: z.object({ mu: z.number(), sigma: z.number() }),
        ratingAfter: z.object({ mu: z.number(), sigma: z.number() }).nullable(),
        backfillFor: z.uuid().nullable(),
        leftAt: when.nullable(),
        createdAt: when,
        finishedAt: when.nullable(),
      }),
    ),
    ratings: z.array(z.object({ mode: z.string(), mu: z.number(), sigma: z.number(), games: z.number().int(), updatedAt: when })),
    truncated: z
      .array(z.string())
      .meta({ description: "Lists cut to their newest 10,000 entries (sessions, friends, notifications, messages, matches); empty when everything is in." }),
  })
  .meta({ id: "AccountExport" });
export type AccountExport = z.infer<typeof AccountExportSchema>;
