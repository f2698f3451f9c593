import type { PrismaClient } from "../../db/database";

export type GameServerState = "ACTIVE" | "DRAINING";

export interface GameServerRow {
  id: string;
  keyId: string;
  address: string;
  region: string;
  modes: string[];
  capacity: number;
  load: number;
  version: string;
  state: GameServerState;
  registeredAt: Date;
  lastHeartbeatAt: Date;
}

export class GameServersRepo {
  constructor(private readonly prisma: PrismaClient) {}

  async register(s: Omit<GameServerRow, "load" | "state">): Promise<GameServerRow> {
    return this.prisma.gameServer.create({ data: s });
  }

  /** A heartbeat of a server registered with `keyId`; null when there is no such server (of that key). */
  async beat(id: string, keyId: string, load: number, at: Date): Promise<GameServerRow | null> {
    const { count } = await this.prisma.gameServer.updateMany({ where: { id, keyId }, data: { load, lastHeartbeatAt: at } });
    return count === 0 ? null : this.prisma.gameServer.findUnique({ where: { id } });
  }

  async setState(id: string, state: GameServerState, keyId?: string): Promise<GameServerRow | null> {
    const { count } = await this.prisma.gameServer.updateMany({ where: { id, ...(keyId ? { keyId } : {}) }, data: { state } });
    return count === 0 ? null : this.prisma.gameServer.findUnique({ where: { id } });
  }

  async remove(id: string, keyId: string): Promise<boolean> {
    return (await this.prisma.gameServer.deleteMany({ where: { id, keyId } })).count > 0;
  }

  /** Every registered server, live or not, by region then address (the operator's view). */
  async list(limit: number): Promise<GameServerRow[]> {
    return this.prisma.gameServer.findMany({ orderBy: [{ region: "asc" }, { address: "asc" }], take: limit });
  }

  /** Servers whose last heartbeat is older than `before`: they are gone (their matches end without a result). */
  async removeSilent(before: Date): Promise<GameServerRow[]> {
    const gone = await this.prisma.gameServer.findMany({ where: { lastHeartbeatAt: { lt: before } } });
    if (gone.length > 0) await this.prisma.gameServer.deleteMany({ where: { id: { in: gone.map((g) => g.id) }, lastHeartbeatAt: { lt: before } } });
    return gone;
  }

  /** Servers of a revoked key: they are refused from now on. */
  async removeOfKey(keyId: string): Promise<number> {
    return (await this.prisma.gameServer.deleteMany({ where: { keyId } })).count;
  }
}
