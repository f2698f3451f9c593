import type { Presence } from "@colyseus/core";
import type { z } from "zod";
import { ActivitySchema, ChosenStatusSchema, PartyActivitySchema, VisibleStatusSchema } from "../../shared/schemas/presence";
import type { PresencePatch, PresenceRecord, PresenceStore } from "../modules/presence/presence.store";

const CONNECTION_PREFIX = "c:";
const key = (accountId: string): string => `lobby:presence:${accountId}`;

/**
 * Live presence in one hash per account (`lobby:presence:<id>`) through the Colyseus Presence
 * API: LocalPresence in one process, Redis when several processes share the lobby. Connection
 * fields (`c:<connectionId>` = owning process) make "online until the last connection closes"
 * hold across processes.
 */
export class PresenceApiStore implements PresenceStore {
  constructor(
    private readonly presence: Presence,
    /** Redis only: idle hashes expire after this long (LocalPresence cannot expire hashes). */
    private readonly ttlSeconds?: number,
  ) {}

  async addConnection(accountId: string, connectionId: string, processId: string): Promise<void> {
    await this.presence.hset(key(accountId), CONNECTION_PREFIX + connectionId, processId);
    await this.touch(accountId);
  }

  async removeConnection(accountId: string, connectionId: string): Promise<void> {
    await this.presence.hdel(key(accountId), CONNECTION_PREFIX + connectionId);
  }

  async removeConnectionsOf(accountId: string, processId: string): Promise<number> {
    const hash = (await this.presence.hgetall(key(accountId))) ?? {};
    const owned = Object.entries(hash).filter(([field, owner]) => field.startsWith(CONNECTION_PREFIX) && owner === processId);
    await Promise.all(owned.map(([field]) => this.presence.hdel(key(accountId), field)));
    return owned.length;
  }

  async read(accountId: string): Promise<PresenceRecord> {
    return parse(await this.presence.hgetall(key(accountId)));
  }

  async readMany(accountIds: string[]): Promise<Map<string, PresenceRecord>> {
    // Issued together: ioredis pipelines concurrent commands on its connection.
    const records = await Promise.all(accountIds.map((id) => this.read(id)));
    return new Map(accountIds.map((id, i) => [id, records[i] as PresenceRecord]));
  }

  async update(accountId: string, patch: PresencePatch): Promise<void> {
    const k = key(accountId);
    const ops: Promise<unknown>[] = [];
    const put = (field: string, value: string | null | undefined) => {
      if (value === undefined) return;
      ops.push(value === null ? this.presence.hdel(k, field) : this.presence.hset(k, field, value));
    };
    put("status", patch.status);
    put("text", patch.text === undefined ? undefined : patch.text === null || patch.text === "" ? null : patch.text);
    put("activity", patch.activity === undefined ? undefined : patch.activity === null ? null : JSON.stringify(patch.activity));
    put("party", patch.partyActivity === undefined ? undefined : patch.partyActivity === null ? null : JSON.stringify(patch.partyActivity));
    put("announced", patch.announced);
    put("hiddenAt", patch.hiddenAt === undefined ? undefined : String(patch.hiddenAt));
    await Promise.all(ops);
    await this.touch(accountId);
  }

  nextVersion(accountId: string): Promise<number> {
    return this.presence.hincrby(key(accountId), "v", 1);
  }

  private async touch(accountId: string): Promise<void> {
    if (this.ttlSeconds) await this.presence.expire(key(accountId), this.ttlSeconds);
  }
}

function parse(hash: Record<string, string> | null | undefined): PresenceRecord {
  const h = hash ?? {};
  let connections = 0;
  for (const field of Object.keys(h)) if (field.startsWith(CONNECTION_PREFIX)) connections += 1;
  const status = ChosenStatusSchema.safeParse(h.status);
  const announced = VisibleStatusSchema.safeParse(h.announced);
  const activity = parseJson(ActivitySchema, h.activity);
  const partyActivity = parseJson(PartyActivitySchema, h.party);
  return {
    connections,
    version: Number(h.v ?? 0) || 0,
    ...(status.success ? { status: status.data } : {}),
    ...(h.text ? { text: h.text } : {}),
    ...(activity ? { activity } : {}),
    ...(partyActivity ? { partyActivity } : {}),
    ...(announced.success ? { announced: announced.data } : {}),
    ...(h.hiddenAt ? { hiddenAt: Number(h.hiddenAt) } : {}),
  };
}

/** A JSON field as the schema reads it; undefined if absent or not valid (an older or foreign write). */
function parseJson<T>(schema: z.ZodType<T>, field: string | undefined): T | undefined {
  if (!field) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(field));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
