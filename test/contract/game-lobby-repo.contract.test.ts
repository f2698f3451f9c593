import crypto from "node:crypto";
import type { Database } from "../../server/db/database";
import { MatchmakingRepo } from "../../server/modules/matchmaking/matchmaking.repo";
import { GameLobbyRepo, type NewGameLobby } from "../../server/modules/game-lobbies/game-lobby.repo";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * GameLobbyRepo on PostgreSQL and on the embedded PGlite store: lobbies and seats, the browser's
 * filtered keyset listing (text search, room, blocks), the locked transaction and its version,
 * and the match a started lobby becomes.
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe.each(DATABASE_STORES)("GameLobbyRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: GameLobbyRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new GameLobbyRepo(db.prisma, db.sql);
  });
  afterAll(() => store?.close());

  const newLobby = async (extra: Partial<NewGameLobby> = {}) => {
    const host = await createAccount(db);
    const lobby: NewGameLobby = {
      id: crypto.randomUUID(),
      name: "Evening games",
      mode: "duel",
      region: `region-${crypto.randomUUID().slice(0, 8)}`,
      hostId: host.id,
      visibility: "public",
      code: crypto.randomBytes(4).toString("hex").toUpperCase(),
      passwordHash: null,
      teamCount: 2,
      teamSize: 1,
      requireFullTeams: false,
      settings: { map: "canyon", rounds: 3, ranked: false },
      createdAt: NOW,
      ...extra,
    };
    expect(await repo.create(lobby, { team: 0, slot: 0 })).toBe(true);
    return { lobby, host };
  };

  test("create seats the host (ready) at version 1; a player holds one seat; a taken code is refused", async () => {
    const { lobby, host } = await newLobby();
    expect(await repo.lobbyOf(host.id)).toBe(lobby.id);
    expect(await repo.anySeated([crypto.randomUUID(), host.id])).toBe(true);
    expect(await repo.anySeated([crypto.randomUUID()])).toBe(false);
    expect(await repo.anySeated([])).toBe(false);
    expect(await repo.lobbyOfCode(lobby.code)).toBe(lobby.id);
    expect(await repo.load(lobby.id)).toEqual({
      ...lobby,
      version: 1,
      members: [{ accountId: host.id, username: host.username, displayName: host.displayName, team: 0, slot: 0, ready: true, joinedAt: NOW }],
    });
    const other = await createAccount(db);
    expect(await repo.create({ ...lobby, id: crypto.randomUUID(), hostId: other.id }, { team: 0, slot: 0 })).toBe(false);
    await expect(repo.create({ ...lobby, id: crypto.randomUUID(), code: "ZZZZZZZZ" }, { team: 0, slot: 0 })).rejects.toThrow();
    expect(await repo.load(crypto.randomUUID())).toBeNull();
  });

  test("the transaction bumps the version once per writing call and never for a read; close deletes the seats", async () => {
    const { lobby, host } = await newLobby();
    const guest = await createAccount(db);
    expect(await repo.inLobbyTransaction(lobby.id, async (tx) => tx.lobby.members.length)).toEqual({ result: 1, version: 1 });
    expect(await repo.inLobbyTransaction(lobby.id, (tx) => tx.seat(guest.id, 1, 0, at(1)))).toMatchObject({ version: 2 });
    await repo.inLobbyTransaction(lobby.id, async (tx) => {
      await tx.move(guest.id, -1, -1);
      await tx.move(host.id, 1, 0);
      await tx.move(guest.id, 0, 0);
      await tx.setReady(guest.id, true);
      await tx.configure({ name: "Renamed", visibility: "private", passwordHash: "hash", settings: { map: "docks" } });
    });
    const after = (await repo.load(lobby.id))!;
    expect(after).toMatchObject({ name: "Renamed", visibility: "private", passwordHash: "hash", settings: { map: "docks" }, version: 3 });
    expect(after.members.map((m) => [m.accountId, m.team, m.slot, m.ready])).toEqual([
      [host.id, 1, 0, true],
      [guest.id, 0, 0, true],
    ]);
    await repo.inLobbyTransaction(lobby.id, (tx) => tx.clearReady(host.id));
    expect((await repo.load(lobby.id))!.members.map((m) => m.ready)).toEqual([true, false]);
    await repo.inLobbyTransaction(lobby.id, (tx) => tx.close());
    expect(await repo.load(lobby.id)).toBeNull();
    expect(await repo.lobbyOf(guest.id)).toBeNull();
    expect(await repo.inLobbyTransaction(lobby.id, async () => 1)).toBeNull();
  });

  test("the listing filters by mode, region, room and text, hides private lobbies and blocked hosts, and pages newest first", async () => {
    const region = `list-${crypto.randomUUID().slice(0, 8)}`;
    const a = await newLobby({ region, name: "100% Fun_Zone", createdAt: at(1) });
    const b = await newLobby({ region, name: "Serious", mode: "squad", createdAt: at(2) });
    const hidden = await newLobby({ region, visibility: "private", createdAt: at(3) });
    const ids = async (f: Parameters<GameLobbyRepo["list"]>[0]) => (await repo.list({ region, ...f })).map((r) => r.id);
    expect(await ids({ limit: 10 })).toEqual([b.lobby.id, a.lobby.id]);
    expect(await ids({ limit: 10, includePrivate: true })).toEqual([hidden.lobby.id, b.lobby.id, a.lobby.id]);
    expect(await ids({ limit: 10, mode: "squad" })).toEqual([b.lobby.id]);
    // LIKE's wildcards in the search are literal.
    expect(await ids({ limit: 10, q: "100% fun_" })).toEqual([a.lobby.id]);
    expect(await ids({ limit: 10, q: "_" })).toEqual([a.lobby.id]);
    expect(await ids({ limit: 1, after: { createdAt: at(2), id: b.lobby.id } })).toEqual([a.lobby.id]);
    const guest = await createAccount(db);
    await repo.inLobbyTransaction(b.lobby.id, (tx) => tx.seat(guest.id, 1, 0, at(5)));
    expect(await ids({ limit: 10, hasRoom: true })).toEqual([a.lobby.id]);
    const [summary] = await repo.list({ ids: [b.lobby.id], limit: 1 });
    expect(summary).toEqual({
      id: b.lobby.id,
      name: "Serious",
      mode: "squad",
      region,
      hostId: b.host.id,
      hostUsername: b.host.username,
      hostDisplayName: b.host.displayName,
      hasPassword: false,
      players: 2,
      maxPlayers: 2,
      visibility: "public",
      settings: b.lobby.settings,
      createdAt: at(2),
    });
    // A block either way hides the host's lobbies from the viewer.
    const viewer = await createAccount(db);
    await db.prisma.friendEdge.create({ data: { accountId: a.host.id, otherId: viewer.id, state: "BLOCKED", createdAt: NOW, updatedAt: NOW } });
    expect(await ids({ limit: 10, viewerId: viewer.id })).toEqual([b.lobby.id]);
    expect(await repo.blockedWithAny(viewer.id, [a.host.id])).toBe(true);
    expect(await repo.blockedWithAny(a.host.id, [b.host.id, viewer.id])).toBe(true);
    expect(await repo.blockedWithAny(viewer.id, [b.host.id])).toBe(false);
    expect(await repo.blockedWithAny(viewer.id, [])).toBe(false);
  });

  test("a started lobby's match is stored pending, unrated or rated, with the lobby id", async () => {
    const { lobby, host } = await newLobby();
    const guest = await createAccount(db);
    await repo.inLobbyTransaction(lobby.id, (tx) => tx.seat(guest.id, 1, 0, at(1)));
    const matchId = crypto.randomUUID();
    await repo.inLobbyTransaction(lobby.id, async (tx) => {
      await tx.createMatch({
        id: matchId,
        mode: "duel",
        region: lobby.region,
        rated: false,
        createdAt: NOW,
        participants: [
          { accountId: host.id, team: 0, mu: 25, sigma: 8 },
          { accountId: guest.id, team: 1, mu: 30, sigma: 4 },
        ],
      });
      await tx.close();
    });
    const match = await db.prisma.match.findUniqueOrThrow({ where: { id: matchId }, include: { participants: { orderBy: { team: "asc" } } } });
    expect(match).toMatchObject({ status: "PENDING", rated: false, lobbyId: lobby.id });
    expect(match.participants.map((p) => [p.accountId, p.team, p.muBefore])).toEqual([
      [host.id, 0, 25],
      [guest.id, 1, 30],
    ]);
    expect(await repo.load(lobby.id)).toBeNull();
    // Called off before it started: nobody has a ticket to go back to, so both are "unticketed".
    const out = await new MatchmakingRepo(db.prisma, db.sql).cancelPending(matchId, [], NOW, "join_deadline");
    expect({ ...out, unticketed: [...out!.unticketed].sort() }).toEqual({ requeued: [], dropped: [], unticketed: [host.id, guest.id].sort() });
  });
});
