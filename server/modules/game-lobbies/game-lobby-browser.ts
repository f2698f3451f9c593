import type { AdminGameLobby, GameLobbyListQuery, GameLobbyListResponse, GameLobbySummary } from "../../../shared/schemas/game-lobby";
import type { CursorCodec } from "../../lib/cursor";
import { GameLobbyListCursorSchema } from "./game-lobby-listings";
import { summaryOf } from "./game-lobby-rules";
import type { GameLobbyRepo } from "./game-lobby.repo";

/** The lobby browser's reads: public lobbies for players (blocks left out), every lobby for operators. */
export class GameLobbyBrowser {
  constructor(
    private readonly repo: GameLobbyRepo,
    private readonly cursors: CursorCodec,
  ) {}

  /** The browser: public lobbies, newest first, those with a block between the viewer and the host left out. */
  async list(viewerId: string | undefined, q: GameLobbyListQuery, includePrivate = false): Promise<GameLobbyListResponse> {
    const after = q.cursor ? this.cursors.decode(q.cursor, GameLobbyListCursorSchema) : undefined;
    const rows = await this.repo.list({
      mode: q.mode,
      region: q.region,
      hasRoom: q.hasRoom,
      q: q.q,
      viewerId,
      includePrivate,
      after: after ? { createdAt: new Date(after.t), id: after.id } : undefined,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(summaryOf),
      ...(rows.length > q.limit && last ? { nextCursor: this.cursors.encode({ t: last.createdAt.getTime(), id: last.id }) } : {}),
    };
  }

  /** The browser's watched lobbies that it lists now (public, no block with the host). */
  async listed(viewerId: string, lobbyIds: string[]): Promise<GameLobbySummary[]> {
    if (lobbyIds.length === 0) return [];
    return (await this.repo.list({ ids: lobbyIds, viewerId, limit: lobbyIds.length })).map(summaryOf);
  }

  /** Operators: every lobby, private ones too, newest first. */
  async listAll(limit: number): Promise<AdminGameLobby[]> {
    return (await this.repo.list({ includePrivate: true, limit })).map((r) => ({ ...summaryOf(r), visibility: r.visibility }));
  }
}
