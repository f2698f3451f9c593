import type { AccountExport } from "../../../shared/schemas/account-export";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { EXPORT_ROW_CAP, type AccountExportRepo } from "./account-export.repo";

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** The data-protection export of one account (GET /me/export): what it owns, nothing of others'. */
export class AccountExportService {
  constructor(
    private readonly repo: AccountExportRepo,
    private readonly clock: Clock,
  ) {}

  async export(accountId: string): Promise<AccountExport> {
    const r = await this.repo.read(accountId);
    if (!r.account) throw new AppError(ErrorCode.InvalidToken, "The session has ended.");
    const truncated: string[] = [];
    const capped = <T>(name: string, rows: T[]): T[] => {
      if (rows.length <= EXPORT_ROW_CAP) return rows;
      truncated.push(name);
      return rows.slice(0, EXPORT_ROW_CAP);
    };
    const edges = capped("friends", r.edges);
    const others = (state: string) => edges.filter((e) => e.state === state).map((e) => ({ accountId: e.otherId, username: e.other.username, displayName: e.other.displayName, since: e.createdAt.toISOString() }));
    const a = r.account;
    return {
      exportedAt: new Date(this.clock.now()).toISOString(),
      account: {
        id: a.id,
        username: a.username,
        displayName: a.displayName,
        guest: a.guest,
        createdAt: a.createdAt.toISOString(),
        lastSeenAt: iso(a.lastSeenAt),
        settings: { presenceStatus: a.presenceStatus.toLowerCase(), presenceText: a.presenceText, allowDirectMessagesFrom: a.dmPolicy.toLowerCase(), joinPolicy: a.joinPolicy.toLowerCase() },
      },
      sessions: capped("sessions", r.sessions).map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        endedAt: iso(s.revokedAt),
        endReason: s.revokedReason,
        userAgent: s.userAgent,
        ip: s.ip,
      })),
      friends: others("FRIEND"),
      blocks: others("BLOCKED"),
      friendRequests: { outgoing: others("INVITE_SENT"), incoming: others("INVITE_RECEIVED") },
      notifications: capped("notifications", r.notifications).map((n) => ({ id: n.id, type: n.type, actorId: n.actorId, createdAt: n.createdAt.toISOString(), readAt: iso(n.readAt) })),
      messages: capped("messages", r.messages).map((m) => ({ channelId: m.channelId, seq: m.seq.toString(), body: m.body, createdAt: m.createdAt.toISOString(), deletedAt: iso(m.deletedAt), deleteReason: m.deleteReason })),
      party: r.party ? { partyId: r.party.partyId, leader: r.party.party.leaderId === accountId, ready: r.party.ready, joinedAt: r.party.joinedAt.toISOString() } : null,
      matches: capped("matches", r.matches).map((m) => ({
        matchId: m.matchId,
        mode: m.match.mode,
        region: m.match.region,
        status: m.match.status.toLowerCase(),
        team: m.team,
        won: m.match.status === "FINISHED" && m.match.winnerTeam === m.team,
        score: m.score,
        ratingBefore: { mu: m.muBefore, sigma: m.sigmaBefore },
        ratingAfter: m.muAfter !== null && m.sigmaAfter !== null ? { mu: m.muAfter, sigma: m.sigmaAfter } : null,
        backfillFor: m.backfillFor,
        leftAt: iso(m.leftAt),
        createdAt: m.match.createdAt.toISOString(),
        finishedAt: iso(m.match.finishedAt),
      })),
      ratings: r.ratings.map((x) => ({ mode: x.mode, mu: x.mu, sigma: x.sigma, games: x.games, updatedAt: x.updatedAt.toISOString() })),
      truncated,
    };
  }
}
