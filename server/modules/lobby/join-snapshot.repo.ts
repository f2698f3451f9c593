import { Prisma } from "../../db/generated/client";
import type { SqlRunner } from "../../db/sql-runner";
import type { ChosenStatus } from "../../../shared/schemas/presence";
import { dmUnreadQuery } from "../chat/chat.repo";
import type { JoinSnapshot, JoinSnapshotSource } from "./join-snapshot";
import { preparedAs } from "../../db/prepared-statements";

const FROM_DB: Record<string, ChosenStatus> = { ONLINE: "online", AWAY: "away", BUSY: "busy", INVISIBLE: "invisible" };

interface Row {
  me: { live: boolean; status: string; text: string | null } | null;
  friends: { id: string; username: string; displayName: string; lastSeenAt: string | null }[];
  hidden: string[];
  notifications: { id: string; type: string; createdAt: string; readAt: string | null; actorId: string | null; actorUsername: string | null; actorDisplayName: string | null }[];
  unread_count: bigint | number | string;
  dm_positions: { channelId: string; lastSeq: number }[];
  dm_unread: { channelId: string; otherId: string; otherUsername: string; otherDisplayName: string; unread: number }[];
  party_id: string | null;
  game_lobby_id: string | null;
  invites: { partyId: string; fromId: string; fromUsername: string | null; fromDisplayName: string | null; expiresAt: string; size: number }[];
}

/**
 * The lobby join's reads as one statement: the session check, presence preference, friends,
 * blocks, unread notifications, DM positions and unread counts, party membership and invites, the custom game lobby seat.
 * Each part mirrors the query its feature runs on its own elsewhere (same filters and order).
 */
export class JoinSnapshotRepo implements JoinSnapshotSource {
  constructor(
    private readonly sql: SqlRunner,
    private readonly notificationsLimit: number,
  ) {}

  async load(accountId: string, sessionId: string, now: Date): Promise<JoinSnapshot> {
    const rows = await this.sql.rows<Row>(Prisma.sql`
      ${preparedAs("join_snapshot")} SELECT
        (SELECT json_build_object(
            'live', s.revoked_at IS NULL AND s.expires_at > ${now}::timestamptz AND a.disabled_at IS NULL,
            'status', a.presence_status::text, 'text', a.presence_text)
          FROM sessions s JOIN accounts a ON a.id = s.account_id
          WHERE s.id = ${sessionId}::uuid AND s.account_id = ${accountId}::uuid) AS me,
        (SELECT coalesce(json_agg(json_build_object('id', o.id, 'username', o.username, 'displayName', o.display_name, 'lastSeenAt', o.last_seen_at)), '[]'::json)
          FROM friend_edges e JOIN accounts o ON o.id = e.other_id
          WHERE e.account_id = ${accountId}::uuid AND e.state = 'FRIEND') AS friends,
        (SELECT coalesce(json_agg(CASE WHEN e.account_id = ${accountId}::uuid THEN e.other_id ELSE e.account_id END), '[]'::json)
          FROM friend_edges e
          WHERE e.state = 'BLOCKED' AND (e.account_id = ${accountId}::uuid OR e.other_id = ${accountId}::uuid)) AS hidden,
        (SELECT coalesce(json_agg(json_build_object('id', n.id, 'type', n.type, 'createdAt', n.created_at, 'readAt', n.read_at,
                  'actorId', n.actor_id, 'actorUsername', n.actor_username, 'actorDisplayName', n.actor_display_name) ORDER BY n.created_at DESC, n.id DESC), '[]'::json)
          FROM (SELECT n.*, ac.username AS actor_username, ac.display_name AS actor_display_name FROM notifications n LEFT JOIN accounts ac ON ac.id = n.actor_id
                WHERE n.recipient_id = ${accountId}::uuid AND n.read_at IS NULL
                ORDER BY n.created_at DESC, n.id DESC LIMIT ${this.notificationsLimit}) n) AS notifications,
        (SELECT count(*) FROM notifications WHERE recipient_id = ${accountId}::uuid AND read_at IS NULL) AS unread_count,
        (SELECT coalesce(json_agg(json_build_object('channelId', m.channel_id, 'lastSeq', c.last_seq)), '[]'::json)
          FROM chat_channel_members m JOIN chat_channels c ON c.id = m.channel_id AND c.kind = 'DM'
          WHERE m.account_id = ${accountId}::uuid) AS dm_positions,
        (SELECT coalesce(json_agg(json_build_object('channelId', u.channel_id, 'otherId', u.other_id, 'otherUsername', u.other_username, 'otherDisplayName', u.other_display_name,
                  'unread', u.unread) ORDER BY u.newest DESC), '[]'::json)
          FROM (${dmUnreadQuery(accountId)}) u) AS dm_unread,
        (SELECT party_id FROM party_members WHERE account_id = ${accountId}::uuid)::text AS party_id,
        (SELECT lobby_id FROM game_lobby_members WHERE account_id = ${accountId}::uuid)::text AS game_lobby_id,
        (SELECT coalesce(json_agg(json_build_object('partyId', i.party_id, 'fromId', i.from_id, 'fromUsername', fa.username, 'fromDisplayName', fa.display_name,
                  'expiresAt', i.expires_at, 'size', (SELECT count(*) FROM party_members pm WHERE pm.party_id = i.party_id))
                  ORDER BY i.created_at), '[]'::json)
          FROM party_invites i LEFT JOIN accounts fa ON fa.id = i.from_id
          WHERE i.to_id = ${accountId}::uuid AND i.expires_at > ${now}::timestamptz) AS invites`);
    const row = rows[0];
    if (!row) throw new Error("join snapshot returned no row");
    return {
      sessionLive: row.me?.live === true,
      preference: row.me ? { status: FROM_DB[row.me.status] ?? "online", text: row.me.text ?? undefined } : null,
      friends: row.friends.map((f) => ({ id: f.id, username: f.username, displayName: f.displayName, lastSeenAt: f.lastSeenAt ? new Date(f.lastSeenAt) : null })),
      hidden: new Set(row.hidden),
      notifications: {
        rows: row.notifications.map((n) => ({
          id: n.id,
          type: n.type,
          actor: n.actorId ? { id: n.actorId, username: n.actorUsername ?? "", displayName: n.actorDisplayName ?? "" } : null,
          createdAt: new Date(n.createdAt),
          readAt: n.readAt ? new Date(n.readAt) : null,
        })),
        unreadCount: Number(row.unread_count),
      },
      dmPositions: new Map(row.dm_positions.map((p) => [p.channelId, Number(p.lastSeq)])),
      dmUnread: row.dm_unread.map((u) => ({ ...u, unread: Number(u.unread) })),
      partyId: row.party_id,
      gameLobbyId: row.game_lobby_id,
      invites: row.invites.map((i) => ({
        partyId: i.partyId,
        from: { id: i.fromId, username: i.fromUsername ?? "", displayName: i.fromDisplayName ?? "" },
        expiresAt: new Date(i.expiresAt),
        size: Number(i.size),
      })),
    };
  }
}
