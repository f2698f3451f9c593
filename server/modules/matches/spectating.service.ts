import type { MatchSpectateReply } from "../../../shared/schemas/matchmaking";
import type { JoinPolicy } from "../../../shared/schemas/presence";
import { AppError, ErrorCode } from "../../lib/errors";
import type { Identity } from "../identity";
import type { SpectatingConfig } from "../matchmaking/matchmaking-config";
import { BlockPolicy } from "../social/block-policy";
import type { FriendGraph } from "../social/friend-graph";

/** A seat in a match's spectate room (the realtime edge implements it with Colyseus). */
export interface SpectatorSeats {
  /** `full`: MATCH_SPECTATORS_MAX reached; `gone`: the match has no spectate room (ended, or never opened). */
  reserve(matchId: string, who: Identity): Promise<MatchSpectateReply["reservation"] | "full" | "gone">;
}

export interface SpectatingServiceDeps {
  matches: { activeMatchOf(accountId: string): Promise<{ id: string; mode: string; playerIds: string[] } | null> };
  joinPolicies: { joinPolicy(accountId: string): Promise<JoinPolicy>; joinPolicies(accountIds: string[]): Promise<Map<string, JoinPolicy>> };
  friends: FriendGraph;
  seats: SpectatorSeats;
  config: SpectatingConfig;
}

/**
 * Watching a match being played. MATCH_SPECTATORS decides who may: `friends` of the player
 * watched, `anyone`, or nobody (`off`); a player whose join policy is `nobody` is never watched
 * through, and a block between the watcher and ANY player of the match refuses, with the same
 * answer as every other closed door (spectate_not_allowed).
 */
export class SpectatingService {
  constructor(private readonly d: SpectatingServiceDeps) {}

  async spectate(who: Identity, playerId: string): Promise<MatchSpectateReply> {
    if (playerId === who.accountId) throw new AppError(ErrorCode.CannotTargetSelf, "You cannot watch yourself.");
    const { policy, delaySeconds } = this.d.config;
    if (policy === "off") throw notAllowed();
    const match = await this.d.matches.activeMatchOf(playerId);
    if (!match || match.playerIds.includes(who.accountId)) throw notAllowed();
    if (policy === "friends" && !BlockPolicy.canSeePresence(await this.d.friends.pair(who.accountId, playerId))) throw notAllowed();
    if ((await this.d.joinPolicies.joinPolicy(playerId)) === "nobody") throw notAllowed();
    const pairs = await Promise.all(match.playerIds.map((id) => this.d.friends.pair(who.accountId, id)));
    if (!pairs.every(BlockPolicy.canSpectate)) throw notAllowed();
    const seat = await this.d.seats.reserve(match.id, who);
    if (seat === "gone") throw notAllowed();
    if (seat === "full") throw new AppError(ErrorCode.SpectatorsFull, "This match has as many spectators as it takes.");
    return { matchId: match.id, mode: match.mode, delaySeconds, reservation: seat };
  }

  /** Of these players (starting a match), the ones friends see as watchable in presence. */
  async watchable(playerIds: string[]): Promise<Set<string>> {
    if (this.d.config.policy === "off") return new Set();
    const policies = await this.d.joinPolicies.joinPolicies(playerIds);
    return new Set(playerIds.filter((id) => policies.has(id) && policies.get(id) !== "nobody"));
  }
}

const notAllowed = () => new AppError(ErrorCode.SpectateNotAllowed, "You cannot watch this match.");
