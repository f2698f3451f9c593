import { z } from "zod";
import type { AdminAuditResponseSchema, AdminChatFeedSchema, AdminOverview, AdminPlayerDetail, AdminReport, AdminRooms } from "../../../shared/schemas/admin";
import type { Clock } from "../../lib/clock";
import type { AccountNames } from "../accounts/account-names.repo";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import type { MatchmakingService } from "../matchmaking/matchmaking.service";
import type { PresenceStore } from "../presence/presence.store";
import { displayRating } from "../ratings/ratings.service";
import type { AdminRepo, ReportRow } from "./admin.repo";
import { accountRoleOf } from "./operator-roles";

export interface AdminViewsDeps {
  repo: AdminRepo;
  presence: PresenceStore;
  matchmaking: Pick<MatchmakingService, "stats">;
  cursors: CursorCodec;
  clock: Clock;
}

const MINUTE_MS = 60_000;
const SERIES_MINUTES = 60;
const AuditCursorSchema = z.object({ a: z.number().int(), i: z.uuid() });

const iso = (d: Date) => d.toISOString();
/** How an operator or player no longer there is shown. */
const DELETED: AccountNames = { username: "(deleted)", displayName: "(deleted)" };
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** What the operator console reads: overview, players, rooms, the chat feed, reports, the audit log. */
export class AdminViews {
  /** Online players per minute, sampled on this process (minute start -> count). */
  private readonly onlineSamples = new Map<number, number>();

  constructor(private readonly d: AdminViewsDeps) {}

  /** `live` comes from the realtime edge (Colyseus room listing). */
  async overview(live: Pick<AdminOverview, "playersOnline" | "connectionsByProcess" | "rooms">): Promise<AdminOverview> {
    const now = this.d.clock.now();
    const thisMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    this.recordOnline(live.playersOnline, now);
    const first = thisMinute - (SERIES_MINUTES - 1) * MINUTE_MS;
    const [queues, perMinute, lastMinute] = await Promise.all([
      this.d.matchmaking.stats(),
      this.d.repo.messagesPerMinute(new Date(first)),
      this.d.repo.countMessagesSince(new Date(now - MINUTE_MS)),
    ]);
    const series = Array.from({ length: SERIES_MINUTES }, (_, i) => {
      const at = first + i * MINUTE_MS;
      return { at: new Date(at).toISOString(), online: this.onlineSamples.get(at) ?? 0, messages: perMinute.get(at) ?? 0 };
    });
    return { ...live, queues, messagesPerMinute: lastMinute, series };
  }

  /** Remembers the online count of the current minute (the series' online line). */
  recordOnline(count: number, now = this.d.clock.now()): void {
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    this.onlineSamples.set(minute, Math.max(count, this.onlineSamples.get(minute) ?? 0));
    for (const key of this.onlineSamples.keys()) if (key < minute - SERIES_MINUTES * MINUTE_MS) this.onlineSamples.delete(key);
  }

  async players(q: string | undefined) {
    const rows = await this.d.repo.searchAccounts(q ?? "", 50, new Date(this.d.clock.now()));
    const presence = await this.d.presence.readMany(rows.map((r) => r.id));
    return {
      items: rows.map((r) => ({
        id: r.id,
        username: r.username,
        displayName: r.displayName,
        role: accountRoleOf(r.role),
        createdAt: iso(r.createdAt),
        banned: r.banned,
        online: (presence.get(r.id)?.connections ?? 0) > 0,
      })),
    };
  }

  async player(id: string): Promise<AdminPlayerDetail> {
    const d = await this.d.repo.playerDetail(id);
    if (!d) throw new AppError(ErrorCode.AccountNotFound, "No such account.");
    const p = await this.d.presence.read(id);
    const by = (opId: string | null) => (opId ? { id: opId, ...(d.operators.get(opId) ?? DELETED) } : null);
    const sanctions: AdminPlayerDetail["sanctions"] = [
      ...d.bans.map((b) => ({ id: b.id, kind: "ban" as const, reason: b.reason, createdAt: iso(b.createdAt), expiresAt: isoOrNull(b.expiresAt), revokedAt: isoOrNull(b.revokedAt), by: by(b.createdBy) })),
      ...d.mutes.map((m) => ({ id: m.id, kind: "mute" as const, reason: m.reason, createdAt: iso(m.createdAt), expiresAt: iso(m.expiresAt), revokedAt: isoOrNull(m.revokedAt), by: by(m.createdBy) })),
    ].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const online = p.connections > 0;
    return {
      account: {
        id: d.account.id,
        username: d.account.username,
        displayName: d.account.displayName,
        role: accountRoleOf(d.account.role),
        createdAt: iso(d.account.createdAt),
        disabledAt: isoOrNull(d.account.disabledAt),
        guest: d.account.guest,
        email: d.account.email ?? d.account.pendingEmail,
        emailVerified: d.account.email !== null,
      },
      sessions: d.sessions.map((s) => ({
        id: s.id,
        createdAt: iso(s.createdAt),
        lastUsedAt: iso(s.lastUsedAt),
        expiresAt: iso(s.expiresAt),
        revokedAt: isoOrNull(s.revokedAt),
        userAgent: s.userAgent,
        ip: s.ip,
      })),
      // Operators see the chosen status, invisible included.
      presence: online ? { status: p.status ?? "online", ...(p.activity ? { activity: p.activity } : {}) } : { status: "offline" },
      friendsCount: d.friendsCount,
      ratings: d.ratings.map((r) => ({ mode: r.mode, rating: displayRating(r), mu: r.mu, sigma: r.sigma, games: r.games })),
      recentMatches: d.participations.map((x) => ({
        id: x.match.id,
        mode: x.match.mode,
        status: x.match.status.toLowerCase(),
        team: x.team,
        winnerTeam: x.match.winnerTeam,
        createdAt: iso(x.match.createdAt),
      })),
      reports: d.reports.map(reportView),
      sanctions,
    };
  }

  async rooms(lobbies: AdminRooms["lobbies"]): Promise<AdminRooms> {
    const [parties, matches] = await Promise.all([this.d.repo.listParties(200), this.d.repo.listLiveMatches(200)]);
    return {
      lobbies,
      parties: parties.map((p) => {
        const members = p.members.map((m) => m.account);
        return { id: p.id, leader: members.find((m) => m.id === p.leaderId) ?? { id: p.leaderId, ...DELETED }, members };
      }),
      matches: matches.map((m) => ({
        id: m.id,
        mode: m.mode,
        status: m.status.toLowerCase(),
        roomId: m.roomId,
        players: m.participants.map((x) => ({ ...x.account, team: x.team })),
      })),
    };
  }

  async chatFeed(channelId: string, limit: number): Promise<z.infer<typeof AdminChatFeedSchema>> {
    const rows = await this.d.repo.chatFeed(channelId, limit);
    return {
      messages: rows.map((m) => ({
        id: m.id.toString(),
        channelId: m.channelId,
        seq: Number(m.seq),
        sender: m.sender,
        // Operators read what was written, not the masked text.
        text: m.originalBody ?? m.body,
        createdAt: iso(m.createdAt),
        reports: m._count.reports,
      })),
    };
  }

  async reports(status: "open" | "resolved"): Promise<{ items: AdminReport[] }> {
    return { items: (await this.d.repo.listReports(status, 200)).map(reportView) };
  }

  async auditLog(limit: number, cursor: string | undefined): Promise<z.infer<typeof AdminAuditResponseSchema>> {
    const after = cursor ? this.d.cursors.decode(cursor, AuditCursorSchema) : undefined;
    const rows = await this.d.repo.auditPage(limit + 1, after ? { at: new Date(after.a), id: after.i } : undefined);
    const page = rows.slice(0, limit);
    const names = await this.d.repo.names([...new Set(page.map((r) => r.operatorId))]);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        operator: { id: r.operatorId, ...(names.get(r.operatorId) ?? DELETED) },
        action: r.action,
        targetType: r.targetType,
        targetId: r.targetId,
        reason: r.reason,
        createdAt: iso(r.createdAt),
      })),
      ...(rows.length > limit && last ? { nextCursor: this.d.cursors.encode({ a: last.createdAt.getTime(), i: last.id }) } : {}),
    };
  }
}

function reportView(r: ReportRow): AdminReport {
  return {
    id: r.id,
    messageId: r.message.id.toString(),
    channelId: r.message.channelId,
    text: r.message.originalBody ?? r.message.body,
    sender: r.message.sender,
    reason: r.reason,
    note: r.note,
    reporter: r.reporter,
    createdAt: iso(r.createdAt),
    resolvedAt: isoOrNull(r.resolvedAt),
  };
}
