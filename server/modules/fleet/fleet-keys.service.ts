import crypto from "node:crypto";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { AuditEntry } from "../admin/admin.repo";
import type { FleetKeyListRow, FleetKeyRow, FleetKeysRepo } from "./fleet-keys.repo";

export interface FleetKeysServiceDeps {
  repo: FleetKeysRepo;
  audit: { audit(entry: AuditEntry): Promise<void> };
  /** A revoked key's servers leave the fleet with it. */
  servers: { removeOfKey(keyId: string): Promise<number> };
  /** What a key may be scoped to: GAME_MODES and MATCH_REGIONS. */
  modes: readonly string[];
  regions: readonly string[];
  clock: Clock;
}

/** Who made a key or revokes one. */
export interface FleetKeyOperator {
  id: string;
}

export type FleetKeyView = FleetKeyListRow;

/** 256 random bits behind a recognisable prefix (secret scanners and people both tell it apart). */
const SECRET_PREFIX = "fk_";
const hashOf = (secret: string): string => crypto.createHash("sha256").update(secret, "utf8").digest("hex");

/**
 * The keys dedicated game servers authenticate with. Only a key's SHA-256 is stored: a slow hash
 * is not needed for 256 random bits, and every request of a game server checks it. A revoked key
 * is refused at once; every action is audited.
 */
export class FleetKeysService {
  constructor(private readonly d: FleetKeysServiceDeps) {}

  /** The secret is in the answer once and never again. */
  async create(op: FleetKeyOperator, input: { name: string; modes: string[]; regions: string[] }): Promise<{ key: FleetKeyView; secret: string }> {
    const unknownModes = input.modes.filter((m) => !this.d.modes.includes(m));
    const unknownRegions = input.regions.filter((r) => !this.d.regions.includes(r));
    if (unknownModes.length > 0 || unknownRegions.length > 0) {
      const what = [unknownModes.length ? `modes ${unknownModes.join(", ")} are not in GAME_MODES` : "", unknownRegions.length ? `regions ${unknownRegions.join(", ")} are not in MATCH_REGIONS` : ""];
      throw new AppError(ErrorCode.InvalidRequest, `Unknown scope: ${what.filter(Boolean).join("; ")}.`);
    }
    const random = crypto.randomBytes(32).toString("base64url");
    const secret = `${SECRET_PREFIX}${random}`;
    const now = new Date(this.d.clock.now());
    const row = await this.d.repo.create({
      id: newId(),
      name: input.name,
      prefix: random.slice(0, 8),
      secretHash: hashOf(secret),
      modes: [...new Set(input.modes)],
      regions: [...new Set(input.regions)],
      createdById: op.id,
      createdAt: now,
    });
    await this.audit(op, "create_fleet_key", row.id, null, { name: row.name, modes: row.modes, regions: row.regions });
    return { key: (await this.d.repo.get(row.id))!, secret };
  }

  list(limit = 200): Promise<FleetKeyView[]> {
    return this.d.repo.list(limit);
  }

  /** Idempotent; audited every time. Game servers using the key are refused and out of the fleet from now on. */
  async revoke(op: FleetKeyOperator, id: string, reason: string): Promise<FleetKeyView> {
    const row = await this.d.repo.revoke(id, new Date(this.d.clock.now()));
    if (!row) throw new AppError(ErrorCode.FleetKeyNotFound, "No such fleet key.");
    const servers = await this.d.servers.removeOfKey(id);
    await this.audit(op, "revoke_fleet_key", id, reason, { servers });
    return row;
  }

  /** The live key a game server presents, or null (unknown, malformed or revoked). */
  async authenticate(secret: string): Promise<FleetKeyRow | null> {
    if (!secret.startsWith(SECRET_PREFIX) || secret.length > 100) return null;
    return this.d.repo.findLive(hashOf(secret));
  }

  private audit(op: FleetKeyOperator, action: string, keyId: string, reason: string | null, details?: Record<string, unknown>): Promise<void> {
    return this.d.audit.audit({ id: newId(), operatorId: op.id, action, targetType: "fleet_key", targetId: keyId, reason, details, createdAt: new Date(this.d.clock.now()) });
  }
}
