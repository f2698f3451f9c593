import crypto from "node:crypto";
import { LocalPresence, type Presence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis } from "ioredis";
import type { PresenceRecord } from "../../server/modules/presence/presence.store";
import { PresenceApiStore } from "../../server/backplane/presence-api-store";
import { testRedisUrl } from "../helpers/redis";

/**
 * The PresenceStore port on both backplanes the server runs with: LocalPresence (one process) and
 * RedisPresence (several processes). One suite, both implementations. "Two stores on one backplane"
 * stands for two server processes sharing Redis (or two rooms sharing one LocalPresence).
 */
interface Backplane {
  /** A new Presence client on the shared backplane (a second process, for Redis). */
  connect(): Presence;
  /** The TTL the server gives idle hashes on this backplane (see lobby-server.ts). */
  ttlSeconds: number | undefined;
  close(): Promise<void>;
}

const PRESENCE_TTL_SECONDS = 30 * 24 * 3600;

function localBackplane(): Backplane {
  const shared = new LocalPresence();
  return {
    connect: () => shared,
    ttlSeconds: undefined,
    close: async () => {
      // LocalPresence keeps expiry timers for plain keys; none are set here, but stay tidy.
      shared.shutdown();
    },
  };
}

async function redisBackplane(url: string): Promise<Backplane> {
  const clients: RedisPresence[] = [];
  return {
    connect: () => {
      const p = new RedisPresence(url);
      clients.push(p);
      return p;
    },
    ttlSeconds: PRESENCE_TTL_SECONDS,
    close: async () => {
      for (const p of clients) p.shutdown();
    },
  };
}

const newAccountId = (): string => crypto.randomUUID();
const EMPTY: PresenceRecord = { connections: 0, version: 0 };

let redisUrl: string;
beforeAll(async () => {
  redisUrl = await testRedisUrl();
});

describe.each([
  ["LocalPresence", async () => localBackplane()],
  ["RedisPresence", async () => redisBackplane(redisUrl)],
])("PresenceApiStore on %s", (_name, open) => {
  let backplane: Backplane;
  let store: PresenceApiStore;
  /** A second store on the same backplane: another process (Redis) or another room (local). */
  let other: PresenceApiStore;

  beforeAll(async () => {
    backplane = await open();
    store = new PresenceApiStore(backplane.connect(), backplane.ttlSeconds);
    other = new PresenceApiStore(backplane.connect(), backplane.ttlSeconds);
  });
  afterAll(async () => {
    await backplane?.close();
  });

  test("an account never seen reads as offline, version 0, nothing chosen", async () => {
    expect(await store.read(newAccountId())).toEqual(EMPTY);
  });

  describe("connections", () => {
    test("each distinct connection counts once; the same connection added twice still counts once", async () => {
      const id = newAccountId();
      await store.addConnection(id, "c1", "proc-a");
      await store.addConnection(id, "c2", "proc-a");
      await store.addConnection(id, "c2", "proc-a");
      await store.addConnection(id, "c3", "proc-b");
      expect((await store.read(id)).connections).toBe(3);
    });

    test("removing connections one by one keeps the account online until the last is gone", async () => {
      const id = newAccountId();
      for (const c of ["c1", "c2", "c3"]) await store.addConnection(id, c, "proc-a");
      await store.removeConnection(id, "c2");
      expect((await store.read(id)).connections).toBe(2);
      await store.removeConnection(id, "c1");
      expect((await store.read(id)).connections).toBe(1);
      await store.removeConnection(id, "c3");
      expect((await store.read(id)).connections).toBe(0);
    });

    test("removing is idempotent: twice, or a connection never added, changes nothing and never throws", async () => {
      const id = newAccountId();
      await store.addConnection(id, "c1", "proc-a");
      await store.addConnection(id, "c2", "proc-a");
      await store.removeConnection(id, "c1");
      await store.removeConnection(id, "c1");
      await store.removeConnection(id, "never-added");
      await store.removeConnection(newAccountId(), "c1");
      expect((await store.read(id)).connections).toBe(1);
    });

    test("connections registered by two processes add up, and either process can remove any of them", async () => {
      const id = newAccountId();
      await store.addConnection(id, "on-a", "proc-a");
      await other.addConnection(id, "on-b", "proc-b");
      expect((await store.read(id)).connections).toBe(2);
      expect((await other.read(id)).connections).toBe(2);
      await other.removeConnection(id, "on-a");
      expect((await store.read(id)).connections).toBe(1);
    });

    test("connection ids are per account: the same id on two accounts are two connections", async () => {
      const [a, b] = [newAccountId(), newAccountId()];
      await store.addConnection(a, "same", "proc-a");
      await store.addConnection(b, "same", "proc-a");
      await store.removeConnection(a, "same");
      expect((await store.read(a)).connections).toBe(0);
      expect((await store.read(b)).connections).toBe(1);
    });

    test("connection changes leave status, text, activity and version alone", async () => {
      const id = newAccountId();
      await store.update(id, { status: "busy", text: "raiding", activity: { kind: "queue", mode: "ranked" } });
      const v = await store.nextVersion(id);
      await store.addConnection(id, "c1", "proc-a");
      await store.removeConnection(id, "c1");
      expect(await store.read(id)).toEqual({ connections: 0, version: v, status: "busy", text: "raiding", activity: { kind: "queue", mode: "ranked" } });
    });
  });

  describe("update: a patch", () => {
    test("sets every field, and read returns them typed (activity parsed, hiddenAt a number)", async () => {
      const id = newAccountId();
      const activity = { kind: "match", mode: "duel", matchId: "m-1", joinable: true } as const;
      await store.update(id, { status: "away", text: "brb", activity, announced: "away", hiddenAt: 1_780_000_000_123 });
      expect(await store.read(id)).toEqual({
        connections: 0,
        version: 0,
        status: "away",
        text: "brb",
        activity,
        announced: "away",
        hiddenAt: 1_780_000_000_123,
      });
    });

    test("undefined keeps a field, null deletes it", async () => {
      const id = newAccountId();
      await store.update(id, { status: "busy", text: "focus", activity: { kind: "lobby" }, announced: "busy" });
      await store.update(id, { text: null });
      expect(await store.read(id)).toEqual({ connections: 0, version: 0, status: "busy", activity: { kind: "lobby" }, announced: "busy" });
      await store.update(id, { activity: null });
      expect(await store.read(id)).toEqual({ connections: 0, version: 0, status: "busy", announced: "busy" });
      await store.update(id, {});
      expect(await store.read(id)).toEqual({ connections: 0, version: 0, status: "busy", announced: "busy" });
    });

    test("an empty text deletes the text, like null", async () => {
      const id = newAccountId();
      await store.update(id, { text: "something" });
      await store.update(id, { text: "" });
      expect((await store.read(id)).text).toBeUndefined();
    });

    test("a later value replaces an earlier one field by field", async () => {
      const id = newAccountId();
      await store.update(id, { status: "online", activity: { kind: "lobby" } });
      await store.update(id, { status: "invisible", activity: { kind: "party", partyId: "p1", size: 3, maxSize: 4, joinable: false } });
      expect(await store.read(id)).toMatchObject({ status: "invisible", activity: { kind: "party", partyId: "p1", size: 3, maxSize: 4, joinable: false } });
    });

    test("the party activity is a field of its own: set, replaced and cleared without touching the activity", async () => {
      const id = newAccountId();
      const party = { kind: "party", partyId: "p1", size: 2, maxSize: 4, joinable: true, joinBy: "join" } as const;
      await store.update(id, { activity: { kind: "queue", mode: "duel" }, partyActivity: party });
      expect(await other.read(id)).toMatchObject({ activity: { kind: "queue", mode: "duel" }, partyActivity: party });
      await store.update(id, { partyActivity: { ...party, size: 4, joinable: false, joinBy: undefined } });
      expect((await store.read(id)).partyActivity).toEqual({ kind: "party", partyId: "p1", size: 4, maxSize: 4, joinable: false });
      await store.update(id, { partyActivity: null });
      const cleared = await store.read(id);
      expect(cleared.partyActivity).toBeUndefined();
      expect(cleared.activity).toEqual({ kind: "queue", mode: "duel" });
    });

    test("a change made through one process is read by the other", async () => {
      const id = newAccountId();
      await store.update(id, { status: "busy", text: "hello" });
      expect(await other.read(id)).toMatchObject({ status: "busy", text: "hello" });
    });

    test("values that are not valid (an old format, a bad write) are left out rather than trusted", async () => {
      const id = newAccountId();
      const raw = backplane.connect();
      const key = `lobby:presence:${id}`;
      await raw.hset(key, "status", "sleeping");
      await raw.hset(key, "announced", "dancing");
      await raw.hset(key, "activity", "{not json");
      await raw.hset(key, "text", "kept");
      expect(await store.read(id)).toEqual({ connections: 0, version: 0, text: "kept" });
      await raw.hset(key, "activity", JSON.stringify({ kind: "spaceship" }));
      expect((await store.read(id)).activity).toBeUndefined();
    });
  });

  describe("readMany", () => {
    test("returns one record per requested id, in a map; unknown ids read as empty", async () => {
      const [a, b, unknown] = [newAccountId(), newAccountId(), newAccountId()];
      await store.addConnection(a, "c1", "proc-a");
      await store.update(a, { status: "away" });
      await store.update(b, { status: "busy", text: "x" });
      const records = await store.readMany([a, b, unknown]);
      expect([...records.keys()]).toEqual([a, b, unknown]);
      expect(records.get(a)).toEqual({ connections: 1, version: 0, status: "away" });
      expect(records.get(b)).toEqual({ connections: 0, version: 0, status: "busy", text: "x" });
      expect(records.get(unknown)).toEqual(EMPTY);
    });

    test("agrees with read for every id, and an empty list gives an empty map", async () => {
      const ids = Array.from({ length: 25 }, newAccountId);
      await Promise.all(ids.map((id, i) => (i % 2 ? store.update(id, { status: "busy" }) : store.addConnection(id, `c${i}`, "p"))));
      const many = await store.readMany(ids);
      for (const id of ids) expect(many.get(id)).toEqual(await store.read(id));
      expect((await store.readMany([])).size).toBe(0);
    });
  });

  describe("nextVersion", () => {
    test("counts 1, 2, 3 per account, independently of other accounts", async () => {
      const [a, b] = [newAccountId(), newAccountId()];
      expect(await store.nextVersion(a)).toBe(1);
      expect(await store.nextVersion(a)).toBe(2);
      expect(await store.nextVersion(b)).toBe(1);
      expect(await store.nextVersion(a)).toBe(3);
      expect((await store.read(a)).version).toBe(3);
    });

    test("is atomic: 100 concurrent increments from two processes hand out 1..100 exactly once", async () => {
      const id = newAccountId();
      const versions = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? store : other).nextVersion(id)));
      expect([...versions].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect((await store.read(id)).version).toBe(100);
    });

    test("survives patches and connection changes made at the same time", async () => {
      const id = newAccountId();
      await Promise.all([
        ...Array.from({ length: 20 }, () => store.nextVersion(id)),
        ...Array.from({ length: 20 }, (_, i) => other.update(id, { status: i % 2 ? "away" : "busy", text: `t${i}` })),
        ...Array.from({ length: 20 }, (_, i) => store.addConnection(id, `c${i}`, "p")),
      ]);
      const record = await store.read(id);
      expect(record.version).toBe(20);
      expect(record.connections).toBe(20);
    });
  });
});

describe("PresenceApiStore on RedisPresence: expiry", () => {
  test("hashes get the configured TTL when touched by addConnection and update", async () => {
    const presence = new RedisPresence(redisUrl);
    const redis = new Redis(redisUrl);
    try {
      const store = new PresenceApiStore(presence, PRESENCE_TTL_SECONDS);
      const [a, b] = [newAccountId(), newAccountId()];
      await store.addConnection(a, "c1", "p");
      await store.update(b, { status: "away" });
      for (const id of [a, b]) {
        const ttl = await redis.ttl(`lobby:presence:${id}`);
        expect(ttl).toBeGreaterThan(PRESENCE_TTL_SECONDS - 60);
        expect(ttl).toBeLessThanOrEqual(PRESENCE_TTL_SECONDS);
      }
    } finally {
      presence.shutdown();
      redis.disconnect();
    }
  });
});
