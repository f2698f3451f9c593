import { normalizePartyCode } from "../../../shared/party-codes";
import type {
  GameLobbyConfigureMessage,
  GameLobbyCreateMessage,
  GameLobbyStartReply,
  GameLobbyView,
} from "../../../shared/schemas/game-lobby";
import { GameLobbyCreateMessageSchema } from "../../../shared/schemas/game-lobby";
import type { Clock } from "../../lib/clock";
import type { CursorCodec } from "../../lib/cursor";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import { randomJoinCode } from "../../lib/random-code";
import { rateLimitedError, type Limiter } from "../../lib/rate-limit/limiter";
import type { PasswordHasher } from "../auth/password-hasher";
import type { AccountEventBus } from "../events/account-events";
import { identityOf, type Identity } from "../identity";
import type { FormedMatch, MatchHandoff } from "../matchmaking/matchmaking.service";
import type { GameMode } from "../matchmaking/matchmaking-config";
import { freeSlot, seatIsFree, startProblem, viewOf } from "./game-lobby-rules";
import { alreadyInLobby, lobbyNotFound as notFound, notHost, notInLobby, notMember, playersBusy as busy, slotTaken } from "./game-lobby-errors";
import { GameLobbyBrowser } from "./game-lobby-browser";
import { GameLobbyPublisher, type Departure, type GameLobbyPresencePort, type Gone } from "./game-lobby-publisher";
import type { GameLobbyRepo, GameLobbyRow, GameLobbyTransaction } from "./game-lobby.repo";
import type { GameLobbyListings } from "./game-lobby-listings";

export interface GameLobbiesConfig {
  modes: GameMode[];
  regions: string[];
  /** Modes whose custom-lobby matches move ratings (GAME_LOBBY_RATED_MODES; none by default). */
  ratedModes: string[];
  /** Seconds every player has to join the match room once the host starts (as matchmade matches). */
  joinDeadlineSeconds: number;
}

/** What lobbies need of matchmaking: whether players are busy (searching, in a match), and calling off a match whose hand-off failed. */
export interface MatchmakingStatePort {
  busyAny(accountIds: string[]): Promise<boolean>;
  /** As for a matchmade match: its players get `match.cancelled` (not requeued: a lobby's players have no ticket). */
  cancelMatch(matchId: string, reason: string): Promise<void>;
}

export interface GameLobbiesServiceDeps {
  repo: GameLobbyRepo;
  matchmaking: MatchmakingStatePort;
  ratings: { ratingsFor(accountIds: string[], mode: string): Promise<Map<string, { mu: number; sigma: number }>> };
  handoff: MatchHandoff;
  hasher: PasswordHasher;
  bus: AccountEventBus;
  listings: GameLobbyListings;
  /** Friends see a seated player's lobby in their presence (announced only when it changed). */
  presence: GameLobbyPresencePort;
  /** Lobby creations per account per minute. */
  creates: Limiter;
  /** Joins that fail (wrong code or password) per account per minute: guessing. */
  failedJoins: Limiter;
  cursors: CursorCodec;
  clock: Clock;
  logger: Logger;
  config: GameLobbiesConfig;
}


/**
 * Custom game lobbies: a host creates one (listed in the browser when public, joined by code
 * either way), players take slots and get ready, the host runs it (kick, move, settings, host
 * hand-over) and starts it into a match room with seat reservations, as the matchmaker does.
 * Every change reaches each member as a versioned `gameLobby.update`, and browsers watching it
 * as a `gameLobby.listing`.
 */
export class GameLobbiesService {
  private readonly modes: Map<string, GameMode>;
  private readonly publisher: GameLobbyPublisher;
  /** The lobby browser's reads (GET /lobbies, gameLobby.watch, operators). */
  readonly browser: GameLobbyBrowser;

  constructor(private readonly d: GameLobbiesServiceDeps) {
    this.modes = new Map(d.config.modes.map((m) => [m.id, m]));
    this.publisher = new GameLobbyPublisher(d.bus, d.listings, d.presence, d.logger);
    this.browser = new GameLobbyBrowser(d.repo, d.cursors);
  }

  /** The player's lobby, if any (their join snapshot, which read `lobbyId`: no read when null). */
  async lobbyView(lobbyId: string | null): Promise<GameLobbyView | null> {
    const lobby = lobbyId ? await this.d.repo.load(lobbyId) : null;
    return lobby ? viewOf(lobby) : null;
  }

  async create(who: Identity, input: GameLobbyCreateMessage): Promise<GameLobbyView> {
    const req = GameLobbyCreateMessageSchema.parse(input);
    const mode = this.modes.get(req.mode);
    if (!mode) throw new AppError(ErrorCode.UnknownMode, `No such mode; modes: ${[...this.modes.keys()].join(", ")}.`);
    if (!this.d.config.regions.includes(req.region)) throw new AppError(ErrorCode.UnknownRegion, `No such region; regions: ${this.d.config.regions.join(", ")}.`);
    if (await this.d.repo.lobbyOf(who.accountId)) throw alreadyInLobby();
    if (await this.d.matchmaking.busyAny([who.accountId])) throw busy();
    const spent = await this.d.creates.consume(who.accountId);
    if (!spent.allowed) throw rateLimitedError("Too many lobbies created", spent);
    const passwordHash = req.password === undefined ? null : await this.d.hasher.hash(req.password);
    const id = newId();
    for (let attempt = 0; attempt < 5; attempt++) {
      const created = await this.d.repo
        .create(
          {
            id,
            name: req.name,
            mode: mode.id,
            region: req.region,
            hostId: who.accountId,
            visibility: req.visibility,
            code: randomJoinCode(),
            passwordHash,
            teamCount: req.teamCount ?? Math.max(2, mode.teamCount),
            teamSize: req.teamSize ?? mode.teamSize,
            requireFullTeams: req.requireFullTeams,
            settings: req.settings,
            createdAt: this.now(),
          },
          { team: 0, slot: 0 },
        )
        .catch(async (err) => {
          // The seat's primary key: the player took a seat elsewhere meanwhile.
          if (await this.d.repo.lobbyOf(who.accountId)) throw alreadyInLobby();
          throw err;
        });
      if (created) return this.publishCurrent(id, []);
    }
    throw new AppError(ErrorCode.Internal, "Could not find a free lobby code.");
  }

  /** Joins a public lobby by id, or any lobby by its code, in the first free slot (team by team). */
  async join(who: Identity, req: { lobbyId?: string; code?: string; password?: string }): Promise<GameLobbyView> {
    const guessKey = who.accountId;
    const state = await this.d.failedJoins.peek(guessKey);
    if (!state.allowed) throw rateLimitedError("Too many failed lobby joins", state);
    const lobbyId = req.code !== undefined ? await this.byCode(req.code) : req.lobbyId!;
    const lobby = lobbyId ? await this.d.repo.load(lobbyId) : null;
    // A private lobby is found only with its code: by id it does not exist.
    if (!lobby || (req.code === undefined && lobby.visibility === "private")) {
      await this.failedJoin(guessKey);
      throw notFound();
    }
    if (lobby.passwordHash !== null && !(req.password !== undefined && (await this.d.hasher.verify(lobby.passwordHash, req.password)))) {
      await this.failedJoin(guessKey);
      throw new AppError(ErrorCode.GameLobbyPasswordWrong, req.password === undefined ? "This lobby has a password." : "Wrong lobby password.");
    }
    const current = await this.d.repo.lobbyOf(who.accountId);
    if (current === lobby.id) throw new AppError(ErrorCode.AlreadyInGameLobby, "You are already in this lobby.");
    if (current) throw alreadyInLobby();
    if (await this.d.matchmaking.busyAny([who.accountId])) throw busy();
    await this.change(lobby.id, async (tx) => {
      const members = tx.lobby.members.map((m) => m.accountId);
      // The same answer as a lobby that is gone: who blocked whom is not revealed.
      if (await this.d.repo.blockedWithAny(who.accountId, members)) throw notFound();
      const slot = freeSlot(tx.lobby);
      if (!slot) throw new AppError(ErrorCode.GameLobbyFull, "The lobby is full.");
      const latest = Math.max(...tx.lobby.members.map((m) => m.joinedAt.getTime()));
      await tx.seat(who.accountId, slot.team, slot.slot, new Date(Math.max(this.now().getTime(), latest + 1)));
    }).catch(async (err) => {
      if (err instanceof AppError) throw err;
      if (await this.d.repo.lobbyOf(who.accountId)) throw alreadyInLobby();
      throw err;
    });
    return this.publishCurrent(lobby.id, []);
  }

  async leave(who: Identity): Promise<void> {
    const lobbyId = await this.mine(who);
    await this.remove(lobbyId, [who.accountId], "left", (l) => {
      if (!l.members.some((m) => m.accountId === who.accountId)) throw notInLobby();
    });
  }

  /** The player is gone for good (their last connection closed past the reconnect window). */
  async disconnected(who: Identity): Promise<void> {
    const lobbyId = await this.d.repo.lobbyOf(who.accountId);
    if (lobbyId) await this.remove(lobbyId, [who.accountId], "left", () => undefined);
  }

  /** Takes a free slot (any team). Moving clears the player's ready flag. */
  async takeSlot(who: Identity, team: number, slot: number): Promise<GameLobbyView> {
    const lobbyId = await this.mine(who);
    await this.change(lobbyId, async (tx) => {
      const me = tx.lobby.members.find((m) => m.accountId === who.accountId);
      if (!me) throw notInLobby();
      if (me.team === team && me.slot === slot) return;
      if (!seatIsFree(tx.lobby, team, slot)) throw slotTaken();
      await tx.move(who.accountId, team, slot);
      if (who.accountId !== tx.lobby.hostId) await tx.setReady(who.accountId, false);
    });
    return this.publishCurrent(lobbyId, []);
  }

  async setReady(who: Identity, ready: boolean): Promise<GameLobbyView> {
    const lobbyId = await this.mine(who);
    await this.change(lobbyId, async (tx) => {
      const me = tx.lobby.members.find((m) => m.accountId === who.accountId);
      if (!me) throw notInLobby();
      if (who.accountId !== tx.lobby.hostId && me.ready !== ready) await tx.setReady(who.accountId, ready);
    });
    return this.publishCurrent(lobbyId, []);
  }

  async kick(who: Identity, targetId: string): Promise<void> {
    if (targetId === who.accountId) throw new AppError(ErrorCode.CannotTargetSelf, "Leave the lobby instead.");
    const lobbyId = await this.mine(who);
    await this.remove(lobbyId, [targetId], "kicked", (l) => {
      if (l.hostId !== who.accountId) throw notHost();
      if (!l.members.some((m) => m.accountId === targetId)) throw notMember();
    });
  }

  /** Host: puts a player in a free slot (or swaps with whoever sits there). */
  async move(who: Identity, targetId: string, team: number, slot: number): Promise<GameLobbyView> {
    return this.asHost(who, async (tx) => {
      const target = tx.lobby.members.find((m) => m.accountId === targetId);
      if (!target) throw notMember();
      if (team >= tx.lobby.teamCount || slot >= tx.lobby.teamSize) throw slotTaken();
      const sitting = tx.lobby.members.find((m) => m.team === team && m.slot === slot);
      if (sitting?.accountId === targetId) return;
      // The seats' unique key: the swap goes through a slot no seat can hold.
      if (sitting) await tx.move(sitting.accountId, -1, -1);
      await tx.move(targetId, team, slot);
      if (sitting) await tx.move(sitting.accountId, target.team, target.slot);
    });
  }

  async configure(who: Identity, change: GameLobbyConfigureMessage): Promise<GameLobbyView> {
    const passwordHash = change.password === undefined ? undefined : change.password === null ? null : await this.d.hasher.hash(change.password);
    return this.asHost(who, async (tx) => {
      await tx.configure({ name: change.name?.trim(), visibility: change.visibility, passwordHash, requireFullTeams: change.requireFullTeams, settings: change.settings });
      // Players agreed to the old terms: everyone confirms again.
      await tx.clearReady(who.accountId);
    });
  }

  async promote(who: Identity, targetId: string): Promise<GameLobbyView> {
    return this.asHost(who, async (tx) => {
      if (!tx.lobby.members.some((m) => m.accountId === targetId)) throw notMember();
      if (targetId === who.accountId) return;
      await tx.setHost(targetId);
      await tx.setReady(targetId, true);
    });
  }

  /**
   * Host: once the lobby's rules hold, it becomes a match: the match is stored (unrated unless
   * the mode is in GAME_LOBBY_RATED_MODES), the lobby closes, and every player gets a seat
   * reservation in `match.found`, exactly as a matchmade match.
   */
  async start(who: Identity): Promise<GameLobbyStartReply> {
    const lobbyId = await this.mine(who);
    const lobby = await this.d.repo.load(lobbyId);
    if (!lobby) throw notInLobby();
    if (await this.d.matchmaking.busyAny(lobby.members.map((m) => m.accountId))) throw busy();
    const ratings = await this.d.ratings.ratingsFor(lobby.members.map((m) => m.accountId), lobby.mode);
    const matchId = newId();
    const out = await this.change(lobbyId, async (tx) => {
      const l = tx.lobby;
      if (l.hostId !== who.accountId) throw notHost();
      const problem = startProblem(l);
      if (problem) throw new AppError(ErrorCode.GameLobbyNotReady, problem);
      const teams = Array.from({ length: l.teamCount }, (_, team) => l.members.filter((m) => m.team === team).sort((a, b) => a.slot - b.slot));
      const seated = teams.filter((t) => t.length > 0);
      await tx.createMatch({
        id: matchId,
        mode: l.mode,
        region: l.region,
        rated: this.d.config.ratedModes.includes(l.mode),
        createdAt: this.now(),
        participants: seated.flatMap((team, index) => team.map((m) => ({ accountId: m.accountId, team: index, ...(ratings.get(m.accountId) ?? { mu: 25, sigma: 25 / 3 }) }))),
      });
      await tx.close();
      return { lobby: l, teams: seated };
    });
    const { lobby: started, teams } = out.result;
    await this.publisher.closed(lobbyId, out.version + 1, started.members.map((m) => ({ accountId: m.accountId, username: m.username, displayName: m.displayName, reason: "started" as const })));
    const match: FormedMatch = {
      id: matchId,
      mode: this.modes.get(started.mode) ?? { id: started.mode, teamSize: started.teamSize, teamCount: started.teamCount },
      region: started.region,
      quality: 0,
      teams: teams.map((t) => t.map(identityOf)),
      deadline: this.d.clock.now() + this.d.config.joinDeadlineSeconds * 1000,
      settings: started.settings,
    };
    try {
      await this.d.handoff.start(match);
    } catch (err) {
      this.d.logger.error({ err, matchId }, "custom match hand-off failed; the match is called off");
      await this.d.matchmaking.cancelMatch(matchId, "handoff_failed");
      throw err;
    }
    return { matchId };
  }

  /** Operator: closes a lobby, telling its players. False if it is gone. */
  async close(lobbyId: string): Promise<boolean> {
    const lobby = await this.d.repo.load(lobbyId);
    if (!lobby) return false;
    await this.remove(lobbyId, lobby.members.map((m) => m.accountId), "closed", () => undefined, true);
    return true;
  }

  private async byCode(typed: string): Promise<string | null> {
    const code = normalizePartyCode(typed);
    return code ? this.d.repo.lobbyOfCode(code) : null;
  }

  private async failedJoin(key: string): Promise<void> {
    const spent = await this.d.failedJoins.consume(key);
    if (!spent.allowed) throw rateLimitedError("Too many failed lobby joins", spent);
  }

  private async asHost(who: Identity, fn: (tx: GameLobbyTransaction) => Promise<void>): Promise<GameLobbyView> {
    const lobbyId = await this.mine(who);
    await this.change(lobbyId, async (tx) => {
      if (tx.lobby.hostId !== who.accountId) throw notHost();
      await fn(tx);
    });
    return this.publishCurrent(lobbyId, []);
  }

  /** Removes players; a leaving host hands over to the longest-seated player; the last one out closes the lobby. */
  private async remove(lobbyId: string, ids: string[], reason: Departure, check: (l: GameLobbyRow) => void, closeAll = false): Promise<void> {
    const out = await this.change(lobbyId, async (tx) => {
      check(tx.lobby);
      const leaving = tx.lobby.members.filter((m) => ids.includes(m.accountId));
      const staying = tx.lobby.members.filter((m) => !ids.includes(m.accountId));
      if (staying.length === 0 || closeAll) {
        await tx.close();
      } else {
        for (const m of leaving) await tx.unseat(m.accountId);
        if (ids.includes(tx.lobby.hostId)) {
          await tx.setHost(staying[0]!.accountId);
          await tx.setReady(staying[0]!.accountId, true);
        }
      }
      return { leaving: leaving.map(identityOf), closed: staying.length === 0 || closeAll };
    });
    const gone = out.result.leaving.map((m) => ({ ...m, reason }));
    if (out.result.closed) {
      await this.publisher.closed(lobbyId, out.version + 1, gone);
    } else {
      await this.publishCurrent(lobbyId, gone);
    }
  }

  /** A member's display name changed: the lobby's state is re-sent (and its listing, if the host). */
  async memberRenamed(who: Identity): Promise<void> {
    const lobbyId = await this.d.repo.lobbyOf(who.accountId);
    if (!lobbyId) return;
    const out = await this.d.repo.inLobbyTransaction(lobbyId, (tx) => tx.touch());
    if (out) await this.publishCurrent(lobbyId, []);
  }

  private async change<T>(lobbyId: string, fn: (tx: GameLobbyTransaction) => Promise<T>): Promise<{ result: T; version: number }> {
    const out = await this.d.repo.inLobbyTransaction(lobbyId, fn);
    if (!out) throw notFound();
    return out;
  }

  private async publishCurrent(lobbyId: string, gone: Gone[]): Promise<GameLobbyView> {
    const lobby = await this.d.repo.load(lobbyId);
    if (!lobby) throw notFound();
    return this.publisher.current(lobby, gone);
  }

  private async mine(who: Identity): Promise<string> {
    const lobbyId = await this.d.repo.lobbyOf(who.accountId);
    if (!lobbyId) throw notInLobby();
    return lobbyId;
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}
