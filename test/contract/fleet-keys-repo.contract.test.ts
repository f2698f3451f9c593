import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { FleetKeysRepo, type NewFleetKey } from "../../server/modules/fleet/fleet-keys.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/** FleetKeysRepo on PostgreSQL and on the embedded PGlite store. */
const NOW = new Date("2026-12-01T12:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe.each(DATABASE_STORES)("FleetKeysRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: FleetKeysRepo;
  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new FleetKeysRepo(db.prisma);
  });
  afterAll(() => store?.close());

  const newKey = (createdById: string, createdAt: Date, over: Partial<NewFleetKey> = {}): NewFleetKey => ({
    id: crypto.randomUUID(),
    name: "eu fleet",
    prefix: crypto.randomBytes(4).toString("hex"),
    secretHash: crypto.randomBytes(32).toString("hex"),
    modes: ["duel"],
    regions: [],
    createdById,
    createdAt,
    ...over,
  });

  test("created keys are listed newest first with their maker's names; a deleted maker's name is empty", async () => {
    const maker = await createAccount(db);
    const older = await repo.create(newKey(maker.id, at(0)));
    const newer = await repo.create(newKey(crypto.randomUUID(), at(10), { modes: [], regions: ["eu", "na"] }));
    const listed = (await repo.list(1000)).filter((k) => k.id === older.id || k.id === newer.id);
    expect(listed).toEqual([
      { ...newer, createdBy: { username: "", displayName: "" } },
      { ...older, createdBy: { username: maker.username, displayName: maker.displayName } },
    ]);
    expect(older).toEqual({ id: older.id, name: "eu fleet", prefix: older.prefix, modes: ["duel"], regions: [], createdById: maker.id, createdAt: at(0), revokedAt: null });
    expect(await repo.get(crypto.randomUUID())).toBeNull();
  });

  test("a live key is found by its hash until revoked; revoking keeps the first time and answers null for no such key", async () => {
    const maker = await createAccount(db);
    const key = newKey(maker.id, at(0));
    await repo.create(key);
    expect((await repo.findLive(key.secretHash))?.id).toBe(key.id);
    expect(await repo.findLive(crypto.randomBytes(32).toString("hex"))).toBeNull();
    expect((await repo.revoke(key.id, at(5)))?.revokedAt).toEqual(at(5));
    expect((await repo.revoke(key.id, at(9)))?.revokedAt).toEqual(at(5));
    expect(await repo.findLive(key.secretHash)).toBeNull();
    expect(await repo.revoke(crypto.randomUUID(), at(5))).toBeNull();
  });

  test("a secret hash is unique", async () => {
    const maker = await createAccount(db);
    const key = newKey(maker.id, at(0));
    await repo.create(key);
    await expect(repo.create({ ...newKey(maker.id, at(1)), secretHash: key.secretHash })).rejects.toThrow();
  });
});
