import type { ChosenStatus } from "../../../shared/schemas/presence";
import type { DmUnreadRow } from "../chat/chat.repo";
import type { NotificationRow } from "../notifications/notifications.repo";
import type { FriendSummary } from "../social/friends.repo";
import type { PublicAccount } from "../identity";

export interface JoinInvite {
  partyId: string;
  from: PublicAccount;
  expiresAt: Date;
  size: number;
}

/**
 * Everything a new lobby connection needs from the database, read in ONE statement (one
 * consistent snapshot): every lobby feature starts from it instead of reading on its own.
 */
export interface JoinSnapshot {
  /** The login session is still live (not revoked or expired, the account not disabled). */
  sessionLive: boolean;
  /** The status and text the player chose last time (persisted presence preference). */
  preference: { status: ChosenStatus; text: string | undefined } | null;
  friends: FriendSummary[];
  /** Players this one blocked or was blocked by. */
  hidden: Set<string>;
  /** Newest unread notifications (at most `notificationsLimit`) and how many are unread. */
  notifications: { rows: NotificationRow[]; unreadCount: number };
  /** Each DM channel of the account with its lastSeq (where its stream starts). */
  dmPositions: Map<string, number>;
  dmUnread: DmUnreadRow[];
  partyId: string | null;
  invites: JoinInvite[];
  /** The custom game lobby the player is seated in. */
  gameLobbyId: string | null;
}

export interface JoinSnapshotSource {
  load(accountId: string, sessionId: string, now: Date): Promise<JoinSnapshot>;
}
