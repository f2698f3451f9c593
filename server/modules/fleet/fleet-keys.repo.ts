import type { PrismaClient } from "../../db/database";
import { findNames, UNKNOWN_NAMES, type AccountNames } from "../accounts/account-names.repo";

export interface FleetKeyRow {
  id: string;
  name: string;
  prefix: string;
  modes: string[];
  regions: string[];
  createdById: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export type FleetKeyListRow = FleetKeyRow & { createdBy: AccountNames };

export interface NewFleetKey extends Omit<FleetKeyRow, "revokedAt"> {
  secretHash: string;
}

const SELECT = { id: true, name: true, prefix: true, modes: true, regions: true, createdById: true, createdAt: true, revokedAt: true } as const;

export class FleetKeysRepo {
  constructor(private readonly prisma: PrismaClient) {}

  async create(key: NewFleetKey): Promise<FleetKeyRow> {
    return this.prisma.fleetKey.create({ data: key, select: SELECT });
  }

  /** Newest first, with their makers' names (a deleted operator's name is empty). */
  async list(limit: number): Promise<FleetKeyListRow[]> {
    const rows = await this.prisma.fleetKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: SELECT });
    return this.withMakers(rows);
  }

  async get(id: string): Promise<FleetKeyListRow | null> {
    const row = await this.prisma.fleetKey.findUnique({ where: { id }, select: SELECT });
    return row ? (await this.withMakers([row]))[0]! : null;
  }

  private async withMakers(rows: FleetKeyRow[]): Promise<FleetKeyListRow[]> {
    const names = await findNames(this.prisma, [...new Set(rows.map((r) => r.createdById))]);
    return rows.map((r) => ({ ...r, createdBy: names.get(r.createdById) ?? UNKNOWN_NAMES }));
  }

  /** The live (unrevoked) key with this secret hash. */
  async findLive(secretHash: string): Promise<FleetKeyRow | null> {
    return this.prisma.fleetKey.findFirst({ where: { secretHash, revokedAt: null }, select: SELECT });
  }

  /** Revokes the key once; answers the key as it now is, or null when there is no such key. */
  async revoke(id: string, at: Date): Promise<FleetKeyListRow | null> {
    await this.prisma.fleetKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return this.get(id);
  }
}
