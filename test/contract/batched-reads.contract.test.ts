import { PartyRepo } from "../../server/modules/parties/party.repo";
import { PresenceRepo } from "../../server/modules/presence/presence.repo";
import { FriendsRepo } from "../../server/modules/social/friends.repo";
import { MatchmakingRepo } from "../../server/modules/matchmaking/matchmaking.repo";
import crypto from "node:crypto";
import { createAccount, DATABASE_STORES, openPostgres, type StoreUnderTest } from "./database-stores";

// The per-player reads and writes of a leave (friends of, ticket of, last seen), made by
// many players in the same turn of the event loop, share one statement each, and each caller still
// gets exactly its own answer. On both stores; statements are counted on PostgreSQL.
describe.each(DATABASE_STORES)("batched per-player statements on %s", (name, open) => {
  let store: StoreUnderTest;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store?.close());

  test("friendIds of many accounts at once: each gets its own friends", async () => {
    const { db } = store;
    const accounts = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createAccount(db)));
    const [a, b, c, d] = accounts as [(typeof accounts)[0], (typeof accounts)[0], (typeof accounts)[0], (typeof accounts)[0]];
    const now = new Date();
    await db.prisma.friendEdge.createMany({
      data: [
        { accountId: a.id, otherId: b.id, state: "FRIEND", createdAt: now, updatedAt: now },
        { accountId: b.id, otherId: a.id, state: "FRIEND", createdAt: now, updatedAt: now },
        { accountId: a.id, otherId: c.id, state: "FRIEND", createdAt: now, updatedAt: now },
        { accountId: c.id, otherId: a.id, state: "FRIEND", createdAt: now, updatedAt: now },
        { accountId: d.id, otherId: a.id, state: "BLOCKED", createdAt: now, updatedAt: now },
      ],
    });
    const repo = new FriendsRepo(db.prisma);
    const { result, queries } = await db.queries.measure(() => Promise.all(accounts.map((x) => repo.friendIds(x.id))));
    expect(result.map((ids) => ids.sort())).toEqual([[b.id, c.id].sort(), [a.id], [a.id], [], [], []]);
    if (name === "PostgreSQL") expect(queries).toBe(1);
  });

  test("ticketOf of many accounts at once: a fixed number of statements, the right ticket (partyOf stays one read each)", async () => {
    const { db } = store;
    const accounts = await Promise.all([1, 2, 3].map(() => createAccount(db)));
    const [leader, member] = accounts as [(typeof accounts)[0], (typeof accounts)[0]];
    const parties = new PartyRepo(db.prisma, db.sql);
    const partyId = crypto.randomUUID();
    await parties.create(partyId, leader.id, new Date());
    await db.prisma.partyMember.create({ data: { accountId: member.id, partyId, joinedAt: new Date() } });
    expect(await Promise.all(accounts.map((x) => parties.partyOf(x.id)))).toEqual([partyId, partyId, null]);

    const tickets = new MatchmakingRepo(db.prisma, db.sql);
    const none = await db.queries.measure(() => Promise.all(accounts.map((x) => tickets.ticketOf(x.id))));
    expect(none.result).toEqual([null, null, null]);
    // Prisma reads a ticket's relations in statements of their own: still a fixed number per batch.
    if (name === "PostgreSQL") expect(none.queries).toBeLessThanOrEqual(3);
  });

  test("setLastSeen of many accounts at once is one statement and stores each account's own time", async () => {
    const { db } = store;
    const accounts = await Promise.all([1, 2, 3, 4].map(() => createAccount(db)));
    const repo = new PresenceRepo(db.prisma);
    const at = (i: number) => new Date(Date.UTC(2026, 5, 1, 12, 0, i));
    const { queries } = await db.queries.measure(() => Promise.all(accounts.map((x, i) => repo.setLastSeen(x.id, at(i)))));
    if (name === "PostgreSQL") expect(queries).toBe(1);
    for (const [i, x] of accounts.entries()) expect(await repo.lastSeen(x.id)).toEqual(at(i));
  });
});

test("the batches hold on PostgreSQL under a burst of 1,200 callers (past one batch's 500 keys)", async () => {
  const store = await openPostgres();
  try {
    const account = await createAccount(store.db);
    const repo = new FriendsRepo(store.db.prisma);
    const { result, queries } = await store.db.queries.measure(() => Promise.all(Array.from({ length: 1200 }, () => repo.friendIds(account.id))));
    expect(result.every((ids) => ids.length === 0)).toBe(true);
    expect(queries).toBe(3);
  } finally {
    await store.close();
  }
});
