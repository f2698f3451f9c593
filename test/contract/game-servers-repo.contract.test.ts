import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { GameServersRepo } from "../../server/modules/fleet/game-servers.repo";
import { DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/** GameServersRepo on PostgreSQL and on the embedded PGlite store. */
const NOW = new Date("2026-12-01T12:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe.each(DATABASE_STORES)("GameServersRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: GameServersRepo;
  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new GameServersRepo(db.prisma);
  });
  afterAll(() => store?.close());

  const server = (keyId: string, lastHeartbeatAt = at(0)) => ({
    id: crypto.randomUUID(),
    keyId,
    address: `gs-${crypto.randomBytes(3).toString("hex")}.example.com:7777`,
    region: "eu",
    modes: ["duel", "squad"],
    capacity: 4,
    version: "1.0.0",
    registeredAt: at(0),
    lastHeartbeatAt,
  });

  test("registered servers beat, drain and leave, each only through the key that registered it", async () => {
    const [key, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const s = await repo.register(server(key));
    expect(s).toMatchObject({ load: 0, state: "ACTIVE", modes: ["duel", "squad"] });
    expect(await repo.beat(s.id, other, 1, at(1))).toBeNull();
    expect(await repo.beat(s.id, key, 3, at(2))).toMatchObject({ load: 3, lastHeartbeatAt: at(2) });
    expect(await repo.setState(s.id, "DRAINING", other)).toBeNull();
    expect((await repo.setState(s.id, "DRAINING", key))?.state).toBe("DRAINING");
    expect((await repo.setState(s.id, "ACTIVE"))?.state).toBe("ACTIVE");
    expect(await repo.remove(s.id, other)).toBe(false);
    expect(await repo.remove(s.id, key)).toBe(true);
    expect(await repo.beat(s.id, key, 0, at(3))).toBeNull();
  });

  test("the silent are removed and answered; a server that beat since stays; a key's servers go with it", async () => {
    const key = crypto.randomUUID();
    const [silent, beating] = [await repo.register(server(key, at(-100))), await repo.register(server(key, at(-100)))];
    await repo.beat(beating.id, key, 0, at(0));
    const gone = await repo.removeSilent(at(-10));
    expect(gone.map((g) => g.id)).toContain(silent.id);
    expect(gone.map((g) => g.id)).not.toContain(beating.id);
    expect((await repo.list(10_000)).map((s) => s.id)).toEqual(expect.arrayContaining([beating.id]));
    expect((await repo.list(10_000)).map((s) => s.id)).not.toContain(silent.id);
    expect(await repo.removeOfKey(key)).toBe(1);
    expect((await repo.list(10_000)).map((s) => s.id)).not.toContain(beating.id);
  });
});
