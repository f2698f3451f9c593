import { z } from "zod";
import type { Notification, NotificationListResponse, NotificationType, UnreadNotificationsMessage } from "../../../shared/schemas/notifications";
import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import { isForeignKeyViolation } from "../../db/db-errors";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import { forEachChunk } from "../../lib/chunked";
import { newId } from "../../lib/ids";
import type { AccountEventBus } from "../events/account-events";
import type { PresenceStore } from "../presence/presence.store";
import type { NotificationRow, NotificationsRepo } from "./notifications.repo";
import type { PublicAccount } from "../identity";

/** `f` names the list the cursor pages (all or unread only): a cursor of one is refused by the other. */
const CursorSchema = z.object({ t: z.number().int(), id: z.uuid(), f: z.enum(["all", "unread"]) });
export const UNREAD_ON_JOIN = 50;
/** Recipients told per turn of the event loop. */
const FANOUT_CHUNK = 100;

export interface NotifyOptions {
  /** Merge with an unread notification of the same key instead of piling up. */
  dedupeKey?: string;
}

/** Social notifications: stored until read, delivered live to connected recipients. */
export class NotificationsService {
  constructor(
    private readonly repo: NotificationsRepo,
    private readonly bus: AccountEventBus,
    private readonly presence: PresenceStore,
    private readonly cursors: CursorCodec,
    private readonly clock: Clock,
  ) {}

  async notify(
    recipientId: string,
    type: NotificationType,
    actor: PublicAccount,
    opts: NotifyOptions = {},
  ): Promise<void> {
    const createdAt = new Date(this.clock.now());
    const fields = { id: newId(), recipientId, actorId: actor.id, type, createdAt };
    const row = await (opts.dedupeKey ? this.repo.upsertDeduped({ ...fields, dedupeKey: opts.dedupeKey }) : this.repo.insert({ ...fields, dedupeKey: null }))
      // The recipient or the actor deleted their account since the change being notified
      // (it committed before the deletion): there is no one left to tell.
      .catch((err: unknown) => (isForeignKeyViolation(err) ? null : Promise.reject(err)));
    if (!row) return;
    // Stored is what counts: a live delivery the backplane refuses (Redis away; BackplaneHealth
    // reports the outage) must not fail the change that caused it. The recipient finds it in
    // GET /notifications and in the next join's unread list.
    await this.bus.publish(recipientId, { kind: "deliver", type: LobbyServerMessage.Notification, payload: toWire(row) }).catch(() => undefined);
  }

  /**
   * One deduplicated notification for many recipients (e.g. "friend came online" to every friend):
   * recipients online get it live; the offline ones have it stored in ONE database round trip
   * however many they are.
   */
  async notifyMany(recipientIds: string[], type: NotificationType, actor: PublicAccount, dedupeKey: string): Promise<void> {
    if (recipientIds.length === 0) return;
    const createdAt = new Date(this.clock.now());
    const presence = await this.presence.readMany(recipientIds);
    const offline = recipientIds.filter((id) => (presence.get(id)?.connections ?? 0) === 0);
    const online = recipientIds.filter((id) => (presence.get(id)?.connections ?? 0) > 0);
    const stored = offline.length === 0 ? [] : await this.repo.upsertDedupedMany(offline, actor, type, dedupeKey, createdAt)
      // The actor deleted their account since the change being notified: no one left to tell about.
      .catch((err: unknown) => (isForeignKeyViolation(err) ? [] : Promise.reject(err)));
    const live = (recipientId: string, notification: Notification) =>
      this.bus.publish(recipientId, { kind: "deliver", type: LobbyServerMessage.Notification, payload: notification });
    const deliveries: [string, Notification][] = [
      ...online.map((id): [string, Notification] => [id, { id: newId(), type, actor, createdAt: createdAt.toISOString(), read: false }]),
      ...stored.map((row): [string, Notification] => [row.recipientId, toWire(row)]),
    ];
    await forEachChunk(deliveries, FANOUT_CHUNK, ([recipientId, notification]) => live(recipientId, notification));
  }

  async list(recipientId: string, q: { limit: number; cursor?: string; unread?: boolean }): Promise<NotificationListResponse> {
    const filter = q.unread ? "unread" : "all";
    const after = q.cursor ? this.cursors.decode(q.cursor, CursorSchema) : undefined;
    if (after && after.f !== filter) {
      throw new AppError(ErrorCode.InvalidCursor, "The cursor belongs to another list.", { fields: [{ path: "cursor", message: "belongs to another list" }] });
    }
    const rows = await this.repo.list(recipientId, {
      unreadOnly: filter === "unread",
      after: after ? { createdAt: new Date(after.t), id: after.id } : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toWire),
      unreadCount: await this.repo.unreadCount(recipientId),
      ...(rows.length > q.limit && last ? { nextCursor: this.cursors.encode({ t: last.createdAt.getTime(), id: last.id, f: filter }) } : {}),
    };
  }

  /** The unread count and newest unread notifications, sent when a player joins the lobby. */
  /** The lobby join's unread summary, from rows the join snapshot read (newest first, at most UNREAD_ON_JOIN). */
  unreadSummaryOf(rows: NotificationRow[], count: number): UnreadNotificationsMessage {
    return { count, items: rows.map(toWire) };
  }

  markRead(recipientId: string, ids: string[] | "all"): Promise<number> {
    return this.repo.markRead(recipientId, ids, new Date(this.clock.now()));
  }
}

function toWire(row: NotificationRow): Notification {
  return {
    id: row.id,
    type: row.type as NotificationType,
    ...(row.actor ? { actor: row.actor } : {}),
    createdAt: row.createdAt.toISOString(),
    read: row.readAt !== null,
  };
}
