import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { AuditEntry } from "../admin/admin.repo";
import type { FleetKeyRow } from "./fleet-keys.repo";
import type { GameServerRow, GameServersRepo } from "./game-servers.repo";

export interface GameServersServiceDeps {
  repo: GameServersRepo;
  audit: { audit(entry: AuditEntry): Promise<void> };
  /** What a server may register for: GAME_MODES and MATCH_REGIONS. */
  modes: readonly string[];
  regions: readonly string[];
  heartbeatSeconds: number;
  clock: Clock;
}

export interface Registration {
  address: string;
  region: string;
  modes: string[];
  capacity: number;
  version: string;
}

export type GameServerView = GameServerRow & { live: boolean };

/** Three missed beats and a server is gone. */
const MISSED_BEATS = 3;

/**
 * The dedicated game servers of the fleet: registration within the fleet key's scope, heartbeats
 * (a server unheard of for three periods is not live, and the sweep takes it out), drain and
 * deregistration. Every call of a server names its key: a server answers only to the key that
 * registered it.
 */
export class GameServersService {
  constructor(private readonly d: GameServersServiceDeps) {}

  get heartbeatSeconds(): number {
    return this.d.heartbeatSeconds;
  }

  async register(key: FleetKeyRow, r: Registration): Promise<GameServerRow> {
    const modes = [...new Set(r.modes)];
    const notConfigured = [...(this.d.regions.includes(r.region) ? [] : [`region ${r.region}`]), ...modes.filter((m) => !this.d.modes.includes(m)).map((m) => `mode ${m}`)];
    if (notConfigured.length > 0) throw new AppError(ErrorCode.InvalidRequest, `Not configured on this lobby: ${notConfigured.join(", ")}.`);
    const outOfScope = [
      ...(key.regions.length > 0 && !key.regions.includes(r.region) ? [`region ${r.region}`] : []),
      ...(key.modes.length > 0 ? modes.filter((m) => !key.modes.includes(m)).map((m) => `mode ${m}`) : []),
    ];
    if (outOfScope.length > 0) throw new AppError(ErrorCode.Forbidden, `The fleet key does not allow ${outOfScope.join(", ")}.`);
    const now = new Date(this.d.clock.now());
    return this.d.repo.register({ id: newId(), keyId: key.id, address: r.address, region: r.region, modes, capacity: r.capacity, version: r.version, registeredAt: now, lastHeartbeatAt: now });
  }

  async heartbeat(key: FleetKeyRow, serverId: string, load: number): Promise<GameServerRow> {
    return found(await this.d.repo.beat(serverId, key.id, load, new Date(this.d.clock.now())));
  }

  /** No new matches from now on; the current ones finish. */
  async drain(key: FleetKeyRow, serverId: string): Promise<GameServerRow> {
    return found(await this.d.repo.setState(serverId, "DRAINING", key.id));
  }

  async deregister(key: FleetKeyRow, serverId: string): Promise<void> {
    if (!(await this.d.repo.remove(serverId, key.id))) throw notFound();
  }

  /** An operator drains a server (whatever its key); audited. */
  async drainByOperator(op: { id: string }, serverId: string, reason: string): Promise<GameServerView> {
    const server = this.view(found(await this.d.repo.setState(serverId, "DRAINING")));
    const at = new Date(this.d.clock.now());
    await this.d.audit.audit({ id: newId(), operatorId: op.id, action: "drain_game_server", targetType: "game_server", targetId: serverId, reason, details: { address: server.address, region: server.region }, createdAt: at });
    return server;
  }

  async list(limit = 500): Promise<GameServerView[]> {
    return (await this.d.repo.list(limit)).map((s) => this.view(s));
  }

  /** Takes out the servers that stopped beating; answers them (their matches end without a result). */
  async sweep(): Promise<GameServerRow[]> {
    return this.d.repo.removeSilent(new Date(this.liveSince()));
  }

  private view(s: GameServerRow): GameServerView {
    return { ...s, live: s.lastHeartbeatAt.getTime() >= this.liveSince() };
  }

  private liveSince(): number {
    return this.d.clock.now() - MISSED_BEATS * this.d.heartbeatSeconds * 1000;
  }
}

const notFound = () => new AppError(ErrorCode.GameServerNotFound, "No such game server for this fleet key: register again.");
const found = (row: GameServerRow | null): GameServerRow => {
  if (!row) throw notFound();
  return row;
};
