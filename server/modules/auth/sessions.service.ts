import type { SessionListResponse } from "../../../shared/schemas/auth";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import type { AuthContext, SessionEvents } from "./auth.types";
import type { SessionsRepo } from "./sessions.repo";

/** A player's view of their own sessions: which devices are signed in, and signing one out. */
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepo,
    private readonly events: SessionEvents,
    private readonly clock: Clock,
  ) {}

  async list(me: AuthContext): Promise<SessionListResponse> {
    const sessions = await this.repo.live(me.accountId, new Date(this.clock.now()));
    return {
      items: sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        userAgent: s.userAgent,
        current: s.id === me.sessionId,
      })),
    };
  }

  /**
   * Ends one of the caller's sessions at once (its tokens stop working, its live connections close
   * with 4101 on every process). Another account's session, an ended or an unknown one: 404, the
   * same answer for all, so session ids cannot be probed.
   */
  async end(me: AuthContext, sessionId: string): Promise<void> {
    if (!(await this.repo.endOwn(me.accountId, sessionId, "session_ended", new Date(this.clock.now())))) {
      throw new AppError(ErrorCode.SessionNotFound, "You have no live session with that id.");
    }
    await this.events.sessionsEnded(me.accountId, [sessionId], "session_ended");
  }
}
