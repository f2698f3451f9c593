import type { PrismaClient } from "../../db/database";
import { Prisma } from "../../db/generated/client";
import { WriteTracker } from "../../db/write-tracker";
import { preparedAs } from "../../db/prepared-statements";
import type { SqlRunner } from "../../db/sql-runner";
import type { GameLobbySettings } from "../../../shared/schemas/game-lobby";

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
type Visibility = "public" | "private";

export interface GameLobbyMemberRow {
  accountId: string;
  username: string;
  displayName: string;
  team: number;
  slot: number;
  ready: boolean;
  joinedAt: Date;
}

export interface GameLobbyRow {
  id: string;
  name: string;
  mode: string;
  region: string;
  hostId: string;
  visibility: Visibility;
  code: string;
  passwordHash: string | null;
  teamCount: number;
  teamSize: number;
  requireFullTeams: boolean;
  settings: GameLobbySettings;
  version: number;
  createdAt: Date;
  /** Oldest seat first (the next host when the host leaves). */
  members: GameLobbyMemberRow[];
}

export type NewGameLobby = Omit<GameLobbyRow, "version" | "members">;

export interface GameLobbySummaryRow {
  id: string;
  name: string;
  mode: string;
  region: string;
  hostId: string;
  hostUsername: string;
  hostDisplayName: string;
  hasPassword: boolean;
  players: number;
  maxPlayers: number;
  visibility: Visibility;
  settings: GameLobbySettings;
  createdAt: Date;
}

export interface GameLobbyListFilter {
  mode?: string;
  region?: string;
  hasRoom?: boolean;
  q?: string;
  /** Leaves out lobbies whose host and this player have a block between them. */
  viewerId?: string;
  /** Operators see private lobbies too. */
  includePrivate?: boolean;
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** What a started lobby becomes: a match row like the matchmaker's (PENDING, handed off the same way). */
export interface CustomMatch {
  id: string;
  mode: string;
  region: string;
  rated: boolean;
  createdAt: Date;
  participants: { accountId: string; team: number; mu: number; sigma: number }[];
}

/** Writes on one locked lobby, inside its transaction. */
export interface GameLobbyTransaction {
  lobby: GameLobbyRow;
  seat(accountId: string, team: number, slot: number, joinedAt: Date): Promise<void>;
  unseat(accountId: string): Promise<void>;
  move(accountId: string, team: number, slot: number): Promise<void>;
  setReady(accountId: string, ready: boolean): Promise<void>;
  /** Every member but `exceptId` becomes not ready. */
  clearReady(exceptId: string): Promise<void>;
  setHost(accountId: string): Promise<void>;
  /** Bumps the version without another change (the lobby's state is re-sent, e.g. a member renamed). */
  touch(): Promise<void>;
  configure(change: { name?: string; visibility?: Visibility; passwordHash?: string | null; requireFullTeams?: boolean; settings?: GameLobbySettings }): Promise<void>;
  /** Deletes the lobby and its seats. */
  close(): Promise<void>;
  /** Stores the match the lobby starts (then close it). */
  createMatch(match: CustomMatch): Promise<void>;
}

const VIS_TO_DB = { public: "PUBLIC", private: "PRIVATE" } as const;
const VIS_FROM_DB = { PUBLIC: "public", PRIVATE: "private" } as const;

export class GameLobbyRepo {
  constructor(
    private readonly prisma: PrismaClient,
    /** lobbyOf runs on every final leave (and most lobby requests): straight on the driver, like PartyRepo.partyOf. */
    private readonly sql: SqlRunner,
  ) {}

  async lobbyOf(accountId: string): Promise<string | null> {
    const rows = await this.sql.rows<{ lobby_id: string }>(
      Prisma.sql`${preparedAs("game_lobby_of")} SELECT lobby_id::text AS lobby_id FROM game_lobby_members WHERE account_id = ${accountId}::uuid`,
    );
    return rows[0]?.lobby_id ?? null;
  }

  /** Whether any of these players holds a seat (one read, for a party's queue join). */
  async anySeated(accountIds: string[]): Promise<boolean> {
    if (accountIds.length === 0) return false;
    return (await this.prisma.gameLobbyMember.findFirst({ where: { accountId: { in: accountIds } }, select: { accountId: true } })) !== null;
  }

  async lobbyOfCode(code: string): Promise<string | null> {
    const row = await this.prisma.gameLobby.findUnique({ where: { code }, select: { id: true } });
    return row?.id ?? null;
  }

  /** Creates the lobby with its host seated (false: the code is taken; nothing was written). */
  async create(lobby: NewGameLobby, hostSeat: { team: number; slot: number }): Promise<boolean> {
    try {
      await this.prisma.gameLobby.create({
        data: {
          ...lobby,
          visibility: VIS_TO_DB[lobby.visibility],
          settings: lobby.settings,
          members: { create: { accountId: lobby.hostId, team: hostSeat.team, slot: hostSeat.slot, ready: true, joinedAt: lobby.createdAt } },
        },
      });
      return true;
    } catch (err) {
      // Which unique key failed is not reported alike by every driver adapter: ask the table.
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002" && (await this.lobbyOfCode(lobby.code)) !== null) return false;
      throw err;
    }
  }

  async load(lobbyId: string): Promise<GameLobbyRow | null> {
    return readLobby(this.prisma, lobbyId);
  }

  /** Blocks either way between `accountId` and any of `others`. */
  async blockedWithAny(accountId: string, others: string[]): Promise<boolean> {
    if (others.length === 0) return false;
    const rows = await this.prisma.friendEdge.findMany({
      where: { state: "BLOCKED", OR: [{ accountId, otherId: { in: others } }, { accountId: { in: others }, otherId: accountId }] },
      select: { accountId: true },
      take: 1,
    });
    return rows.length > 0;
  }

  /** Newest first, keyset-paged on (createdAt, id). */
  async list(f: GameLobbyListFilter & { ids?: string[] }): Promise<GameLobbySummaryRow[]> {
    const where: Prisma.Sql[] = [];
    if (f.ids) where.push(Prisma.sql`l.id = ANY(${f.ids}::uuid[])`);
    if (!f.includePrivate) where.push(Prisma.sql`l.visibility = 'PUBLIC'`);
    if (f.mode) where.push(Prisma.sql`l.mode = ${f.mode}`);
    if (f.region) where.push(Prisma.sql`l.region = ${f.region}`);
    if (f.q) where.push(Prisma.sql`l.name ILIKE ${"%" + f.q.replace(/[\\%_]/g, (c) => "\\" + c) + "%"}`);
    if (f.hasRoom) where.push(Prisma.sql`(SELECT count(*) FROM game_lobby_members m WHERE m.lobby_id = l.id) < l.team_count * l.team_size`);
    if (f.viewerId) {
      where.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM friend_edges e WHERE e.state = 'BLOCKED'
        AND ((e.account_id = ${f.viewerId}::uuid AND e.other_id = l.host_id) OR (e.account_id = l.host_id AND e.other_id = ${f.viewerId}::uuid)))`);
    }
    if (f.after) where.push(Prisma.sql`(l.created_at, l.id) < (${f.after.createdAt}, ${f.after.id}::uuid)`);
    const rows = await this.prisma.$queryRaw<
      { id: string; name: string; mode: string; region: string; host_id: string; host_username: string; host_display_name: string; has_password: boolean; players: number; max_players: number; visibility: "PUBLIC" | "PRIVATE"; settings: GameLobbySettings; created_at: Date }[]
    >`SELECT l.id::text AS id, l.name, l.mode, l.region, l.host_id::text AS host_id, a.username AS host_username, a.display_name AS host_display_name,
        l.password_hash IS NOT NULL AS has_password, l.visibility::text AS visibility, l.settings, l.created_at,
        (SELECT count(*) FROM game_lobby_members m WHERE m.lobby_id = l.id)::int AS players, (l.team_count * l.team_size)::int AS max_players
      FROM game_lobbies l JOIN accounts a ON a.id = l.host_id
      ${where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty}
      ORDER BY l.created_at DESC, l.id DESC LIMIT ${f.limit}`;
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      mode: r.mode,
      region: r.region,
      hostId: r.host_id,
      hostUsername: r.host_username,
      hostDisplayName: r.host_display_name,
      hasPassword: r.has_password,
      players: r.players,
      maxPlayers: r.max_players,
      visibility: VIS_FROM_DB[r.visibility],
      settings: r.settings,
      createdAt: r.created_at,
    }));
  }

  /** Runs `fn` with the lobby row locked, bumping its version when `fn` wrote anything. Null if the lobby is gone. */
  async inLobbyTransaction<T>(lobbyId: string, fn: (tx: GameLobbyTransaction) => Promise<T>): Promise<{ result: T; version: number } | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM game_lobbies WHERE id = ${lobbyId}::uuid FOR NO KEY UPDATE`;
      if (locked.length === 0) return null;
      const lobby = (await readLobby(tx, lobbyId))!;
      const writes = new WriteTracker();
      const w = writes.track;
      let gone = false;
      const result = await fn({
        lobby,
        seat: w((accountId: string, team: number, slot: number, joinedAt: Date) => tx.gameLobbyMember.create({ data: { lobbyId, accountId, team, slot, joinedAt } })),
        unseat: w((accountId: string) => tx.gameLobbyMember.deleteMany({ where: { lobbyId, accountId } })),
        move: w((accountId: string, team: number, slot: number) => tx.gameLobbyMember.updateMany({ where: { lobbyId, accountId }, data: { team, slot } })),
        setReady: w((accountId: string, ready: boolean) => tx.gameLobbyMember.updateMany({ where: { lobbyId, accountId }, data: { ready } })),
        clearReady: w((exceptId: string) => tx.gameLobbyMember.updateMany({ where: { lobbyId, accountId: { not: exceptId } }, data: { ready: false } })),
        setHost: w((accountId: string) => tx.gameLobby.update({ where: { id: lobbyId }, data: { hostId: accountId } })),
        touch: w(async () => undefined),
        configure: w((c) =>
          tx.gameLobby.update({
            where: { id: lobbyId },
            data: {
              name: c.name,
              visibility: c.visibility ? VIS_TO_DB[c.visibility] : undefined,
              passwordHash: c.passwordHash,
              requireFullTeams: c.requireFullTeams,
              settings: c.settings,
            },
          }),
        ),
        close: async () => {
          gone = true;
          await tx.gameLobby.delete({ where: { id: lobbyId } });
        },
        createMatch: async (m: CustomMatch) => {
          await tx.match.create({
            data: {
              id: m.id,
              mode: m.mode,
              region: m.region,
              quality: 0,
              status: "PENDING",
              rated: m.rated,
              lobbyId,
              createdAt: m.createdAt,
              participants: { create: m.participants.map((p) => ({ accountId: p.accountId, team: p.team, waitSeconds: 0, muBefore: p.mu, sigmaBefore: p.sigma })) },
            },
          });
        },
      });
      if (gone || !writes.wrote) return { result, version: lobby.version };
      const bumped = await tx.gameLobby.update({ where: { id: lobbyId }, data: { version: { increment: 1 } }, select: { version: true } });
      return { result, version: bumped.version };
    });
  }
}

async function readLobby(db: Tx | PrismaClient, lobbyId: string): Promise<GameLobbyRow | null> {
  const row = await db.gameLobby.findUnique({
    where: { id: lobbyId },
    include: { members: { orderBy: [{ joinedAt: "asc" }, { accountId: "asc" }], include: { account: { select: { username: true, displayName: true } } } } },
  });
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    region: row.region,
    hostId: row.hostId,
    visibility: VIS_FROM_DB[row.visibility],
    code: row.code,
    passwordHash: row.passwordHash,
    teamCount: row.teamCount,
    teamSize: row.teamSize,
    requireFullTeams: row.requireFullTeams,
    settings: row.settings as GameLobbySettings,
    version: row.version,
    createdAt: row.createdAt,
    members: row.members.map((m) => ({ accountId: m.accountId, username: m.account.username, displayName: m.account.displayName, team: m.team, slot: m.slot, ready: m.ready, joinedAt: m.joinedAt })),
  };
}
