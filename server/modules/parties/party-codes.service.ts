import { normalizePartyCode } from "../../../shared/party-codes";
import { randomJoinCode } from "../../lib/random-code";
import type { PartyJoinCode, PartyView } from "../../../shared/schemas/party";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { rateLimitedError, type LimitResult, type Limiter } from "../../lib/rate-limit/limiter";
import type { Identity } from "../identity";
import { BlockPolicy } from "../social/block-policy";
import type { FriendGraph } from "../social/friend-graph";
import { joinCodeView, type PartiesService } from "./parties.service";
import type { PartyRepo } from "./party.repo";

export interface PartyCodesConfig {
  /** How long a code works after it was made (PARTY_CODE_TTL_SECONDS). */
  ttlSeconds: number;
}

export interface PartyCodesServiceDeps {
  repo: PartyRepo;
  parties: PartiesService;
  friends: FriendGraph;
  /**
   * Codes that opened nothing, per account (PARTY_CODE_GUESSES per PARTY_CODE_GUESS_WINDOW_SECONDS):
   * a correct code never spends a point, so a player who types theirs is never locked out.
   */
  guesses: Limiter;
  clock: Clock;
  config: PartyCodesConfig;
}


/**
 * Party join codes: the leader makes one (a new one replaces the old), revokes it, or lets it
 * expire; anyone with it joins while the party has room and is not searching, unless a block
 * stands between them and any member. One answer (party_code_invalid) for a code that opens
 * nothing and for one a block closes, so a code tells nobody who blocked them.
 */
export class PartyCodesService {
  constructor(private readonly d: PartyCodesServiceDeps) {}

  async create(who: Identity): Promise<PartyJoinCode> {
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.d.config.ttlSeconds * 1000);
    // 30^8 codes: a clash with a live one is rare; three draws make a failure astronomically so.
    for (let attempt = 0; attempt < 3; attempt++) {
      const code = randomJoinCode();
      const { result: stored } = await this.d.parties.asLeader(who, (tx) => tx.setJoinCode(code, who.accountId, now, expiresAt));
      if (stored) return joinCodeView({ code, expiresAt });
    }
    throw new AppError(ErrorCode.ServiceUnavailable, "Could not make a unique code; try again.");
  }

  async revoke(who: Identity): Promise<void> {
    await this.d.parties.asLeader(who, async (tx) => {
      if (tx.party.joinCode) await tx.deleteJoinCode();
    });
  }

  async join(who: Identity, typed: string): Promise<PartyView> {
    const key = who.accountId;
    const state = await this.d.guesses.peek(key);
    // Every guess of the window spent: even a right code waits (it would be the next guess).
    if (!state.allowed || state.remaining <= 0) throw tooManyGuesses(state);
    const code = normalizePartyCode(typed);
    const partyId = code ? await this.d.repo.partyOfJoinCode(code, this.now()) : null;
    if (!code || !partyId) throw await this.missed(key);
    return this.d.parties.admit(who, partyId, async (tx) => {
      // Read again under the party's lock: revoked or replaced since.
      if (tx.party.joinCode?.code !== code) throw await this.missed(key);
      const pairs = await Promise.all(tx.party.members.map((m) => this.d.friends.pair(who.accountId, m.accountId)));
      if (!pairs.every(BlockPolicy.canJoinPartyWith)) throw invalid();
    });
  }

  /** Spends a guess; the error to answer with. */
  private async missed(key: string): Promise<AppError> {
    const spent = await this.d.guesses.consume(key);
    return spent.allowed ? invalid() : tooManyGuesses(spent);
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}

const invalid = () => new AppError(ErrorCode.PartyCodeInvalid, "No party has this code, or it expired.");
const tooManyGuesses = (result: LimitResult) => rateLimitedError("Too many codes that open no party", result);
