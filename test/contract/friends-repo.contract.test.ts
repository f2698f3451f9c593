import crypto from "node:crypto";
import { LocalPresence } from "@colyseus/core";
import type { Database } from "../../server/db/database";
import { systemClock } from "../../server/lib/clock";
import { CursorCodec } from "../../server/lib/cursor";
import { AppError, ErrorCode } from "../../server/lib/errors";
import { NotificationsRepo } from "../../server/modules/notifications/notifications.repo";
import { NotificationsService } from "../../server/modules/notifications/notifications.service";
import { PresenceRepo } from "../../server/modules/presence/presence.repo";
import { PresenceService } from "../../server/modules/presence/presence.service";
import type { EdgeState } from "../../server/modules/social/friend-state";
import { FriendsRepo } from "../../server/modules/social/friends.repo";
import { FriendsService } from "../../server/modules/social/friends.service";
import { PresenceAccountEventBus } from "../../server/backplane/presence-account-event-bus";
import { PresenceProcessRegistry } from "../../server/backplane/presence-process-registry";
import { PresenceApiStore } from "../../server/backplane/presence-api-store";
import { createAccount, DATABASE_STORES, type StoreUnderTest } from "./database-stores";

/**
 * FriendsRepo on PostgreSQL and on the embedded PGlite store. The pair transaction is the heart of
 * the friend graph: both directed edges read and written under the pair's row locks, so that two
 * operations on one pair, or on pairs sharing an account, serialise.
 *
 * PGlite runs every transaction exclusively (one at a time for the whole database), so the
 * serialisation tests pass there by construction; on PostgreSQL they exercise the row locks.
 */
const NOW = new Date("2026-06-01T12:00:00.000Z");
const LATER = new Date("2026-06-02T08:30:00.000Z");

/** The friend graph's services wired as in services.ts, on real stores (LocalPresence backplane). */
function friendsService(db: Database, friendLimit = 500) {
  const backplane = new LocalPresence();
  const store = new PresenceApiStore(backplane);
  const bus = new PresenceAccountEventBus(backplane);
  const cursors = new CursorCodec("contract-test-cursor-secret-0123456789abcdef");
  const repo = new FriendsRepo(db.prisma);
  const notifications = new NotificationsService(new NotificationsRepo(db.prisma), bus, store, cursors, systemClock);
  const presence = new PresenceService({
    store,
    repo: new PresenceRepo(db.prisma),
    friends: repo,
    bus,
    notifications,
    clock: systemClock,
    processId: "contract",
    registry: new PresenceProcessRegistry(backplane),
    onlineNotificationDebounceMs: 60_000,
  });
  return new FriendsService({ repo, presence, notifications, bus, cursors, clock: systemClock, friendLimit });
}

describe.each(DATABASE_STORES)("FriendsRepo on %s", (_name, open) => {
  let store: StoreUnderTest;
  let db: Database;
  let repo: FriendsRepo;

  beforeAll(async () => {
    store = await open();
    db = store.db;
    repo = new FriendsRepo(db.prisma);
  });
  afterAll(async () => {
    await store?.close();
  });

  const edgeRow = (accountId: string, otherId: string) =>
    db.prisma.friendEdge.findUnique({ where: { accountId_otherId: { accountId, otherId } }, select: { state: true, createdAt: true, updatedAt: true } });

  /** Writes a pair's edges directly through a pair transaction. */
  const setPair = (a: string, b: string, mine: EdgeState | null | undefined, theirs: EdgeState | null | undefined, at = NOW) =>
    repo.inPairTransaction(a, b, at, (tx) => tx.write(mine, theirs));

  describe("inPairTransaction", () => {
    test("strangers have no edges; the callback's value is returned", async () => {
      const [a, b] = [await createAccount(db), await createAccount(db)];
      const result = await repo.inPairTransaction(a.id, b.id, NOW, async (tx) => ({ seen: tx.pair }));
      expect(result).toEqual({ seen: { mine: null, theirs: null } });
    });

    test("writes both directed edges at once, read back from either side", async () => {
      const [a, b] = [await createAccount(db), await createAccount(db)];
      await setPair(a.id, b.id, "INVITE_SENT", "INVITE_RECEIVED");
      expect(await repo.inPairTransaction(a.id, b.id, NOW, async (tx) => tx.pair)).toEqual({ mine: "INVITE_SENT", theirs: "INVITE_RECEIVED" });
      expect(await repo.inPairTransaction(b.id, a.id, NOW, async (tx) => tx.pair)).toEqual({ mine: "INVITE_RECEIVED", theirs: "INVITE_SENT" });
      expect(await repo.pair(a.id, b.id)).toEqual({ mine: "INVITE_SENT", theirs: "INVITE_RECEIVED" });
      expect(await edgeRow(a.id, b.id)).toEqual({ state: "INVITE_SENT", createdAt: NOW, updatedAt: NOW });
    });

    test("undefined keeps an edge, null deletes it; an update keeps createdAt and moves updatedAt", async () => {
      const [a, b] = [await createAccount(db), await createAccount(db)];
      await setPair(a.id, b.id, "FRIEND", "FRIEND");
      await setPair(a.id, b.id, "BLOCKED", undefined, LATER);
      expect(await edgeRow(a.id, b.id)).toEqual({ state: "BLOCKED", createdAt: NOW, updatedAt: LATER });
      expect(await edgeRow(b.id, a.id)).toEqual({ state: "FRIEND", createdAt: NOW, updatedAt: NOW });
      await setPair(a.id, b.id, undefined, null, LATER);
      expect(await repo.pair(a.id, b.id)).toEqual({ mine: "BLOCKED", theirs: null });
      // Deleting an edge that does not exist is not an error.
      await setPair(a.id, b.id, undefined, null, LATER);
      expect(await repo.pair(b.id, a.id)).toEqual({ mine: null, theirs: "BLOCKED" });
    });

    test("returns null without calling back when either account does not exist", async () => {
      const a = await createAccount(db);
      const ghost = "00000000-0000-4000-8000-000000000000";
      const fn = jest.fn(async () => "ran");
      expect(await repo.inPairTransaction(a.id, ghost, NOW, fn)).toBeNull();
      expect(await repo.inPairTransaction(ghost, a.id, NOW, fn)).toBeNull();
      expect(fn).not.toHaveBeenCalled();
    });

    test("an error inside the callback rolls back both edges", async () => {
      const [a, b] = [await createAccount(db), await createAccount(db)];
      await setPair(a.id, b.id, "INVITE_SENT", "INVITE_RECEIVED");
      await expect(
        repo.inPairTransaction(a.id, b.id, LATER, async (tx) => {
          await tx.write("FRIEND", "FRIEND");
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await repo.pair(a.id, b.id)).toEqual({ mine: "INVITE_SENT", theirs: "INVITE_RECEIVED" });
    });

    test("countTowardsCap counts friends and outgoing requests only, including this transaction's writes", async () => {
      const a = await createAccount(db);
      const others = await Promise.all(Array.from({ length: 5 }, () => createAccount(db)));
      const states: Array<[EdgeState, EdgeState]> = [
        ["FRIEND", "FRIEND"],
        ["INVITE_SENT", "INVITE_RECEIVED"],
        ["INVITE_RECEIVED", "INVITE_SENT"],
        ["BLOCKED", "FRIEND"],
      ];
      for (const [i, [mine, theirs]] of states.entries()) await setPair(a.id, others[i]!.id, mine, theirs);
      const counts = await repo.inPairTransaction(a.id, others[4]!.id, NOW, async (tx) => {
        const before = await tx.countTowardsCap(a.id);
        await tx.write("INVITE_SENT", "INVITE_RECEIVED");
        return { before, after: await tx.countTowardsCap(a.id), theirs: await tx.countTowardsCap(others[4]!.id) };
      });
      expect(counts).toEqual({ before: 2, after: 3, theirs: 0 });
    });

    test("concurrent transactions on one pair, from both sides, serialise: no update is lost", async () => {
      const [a, b] = [await createAccount(db), await createAccount(db)];
      // A counter kept in the a->b edge: each transaction reads it and writes the next value.
      const cycle: Array<EdgeState | null> = [null, "INVITE_SENT", "FRIEND", "BLOCKED"];
      const next = (s: EdgeState | null) => cycle[(cycle.indexOf(s) + 1) % cycle.length] as EdgeState | null;
      const runs = 12;
      const seen = await Promise.all(
        Array.from({ length: runs }, (_, i) =>
          i % 2 === 0
            ? repo.inPairTransaction(a.id, b.id, NOW, async (tx) => {
                await tx.write(next(tx.pair.mine), undefined);
                return tx.pair.mine;
              })
            : repo.inPairTransaction(b.id, a.id, NOW, async (tx) => {
                await tx.write(undefined, next(tx.pair.theirs));
                return tx.pair.theirs;
              }),
        ),
      );
      // Serialised, the 12 transactions saw the counter at 0..11: each value of the cycle 3 times.
      for (const state of cycle) expect(seen.filter((s) => s === state)).toHaveLength(runs / cycle.length);
      expect((await repo.pair(a.id, b.id)).mine).toBe(cycle[runs % cycle.length]);
    });

    test("pairs sharing an account serialise: a cap check cannot be raced", async () => {
      const a = await createAccount(db);
      const targets = await Promise.all(Array.from({ length: 10 }, () => createAccount(db)));
      const cap = 4;
      const results = await Promise.all(
        targets.map((t) =>
          repo.inPairTransaction(a.id, t.id, NOW, async (tx) => {
            if ((await tx.countTowardsCap(a.id)) >= cap) return "refused";
            await tx.write("INVITE_SENT", "INVITE_RECEIVED");
            return "sent";
          }),
        ),
      );
      expect(results.filter((r) => r === "sent")).toHaveLength(cap);
      expect(await db.prisma.friendEdge.count({ where: { accountId: a.id, state: "INVITE_SENT" } })).toBe(cap);
    });

    test("pair locks never deadlock with writes whose foreign keys reference both accounts (a notification)", async () => {
      // A foreign-key check takes KEY SHARE locks on the referenced accounts, one at a time and not
      // in id order. A pair lock that conflicts with KEY SHARE (plain FOR UPDATE) deadlocks with it.
      const [a, b] = [await createAccount(db), await createAccount(db)];
      const notifications = new NotificationsRepo(db.prisma);
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 16; i++) {
        work.push(
          repo.inPairTransaction(a.id, b.id, NOW, async (tx) => {
            await tx.write(i % 2 ? "INVITE_SENT" : "FRIEND", i % 2 ? "INVITE_RECEIVED" : "FRIEND");
            await new Promise((resolve) => setTimeout(resolve, 2));
          }),
          notifications.insert({
            id: crypto.randomUUID(),
            recipientId: i % 2 ? a.id : b.id,
            actorId: i % 2 ? b.id : a.id,
            type: "friend_request",
            dedupeKey: null,
            createdAt: NOW,
          }),
        );
      }
      const results = await Promise.allSettled(work);
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason).slice(0, 300))).toEqual([]);
    });
  });

  describe("listEdges", () => {
    test("pages by username (case-insensitive), in the requested states only, with every field", async () => {
      const a = await createAccount(db);
      const tag = a.id.slice(0, 4);
      const names = ["delta", "Alpha", "charlie", "Echo", "bravo", "golf", "Foxtrot"].map((n) => `${n}_${tag}`);
      const others = [];
      for (const name of names) others.push(await createAccount(db, name));
      const states: EdgeState[] = ["FRIEND", "INVITE_SENT", "INVITE_RECEIVED", "FRIEND", "FRIEND", "BLOCKED", "INVITE_SENT"];
      for (const [i, o] of others.entries()) {
        const theirs: EdgeState | undefined = { FRIEND: "FRIEND", INVITE_SENT: "INVITE_RECEIVED", INVITE_RECEIVED: "INVITE_SENT", BLOCKED: undefined }[states[i]!] as EdgeState | undefined;
        await setPair(a.id, o.id, states[i], theirs, new Date(NOW.getTime() + i * 1000));
      }
      await db.prisma.account.update({ where: { id: others[1]!.id }, data: { lastSeenAt: LATER } });

      const listed = ["FRIEND", "INVITE_SENT", "INVITE_RECEIVED"] as EdgeState[];
      const pages: string[][] = [];
      let after: { key: string; id: string } | undefined;
      for (;;) {
        const page = await repo.listEdges(a.id, listed, after, 2);
        if (page.length === 0) break;
        pages.push(page.map((r) => r.username));
        const last = page[page.length - 1]!;
        after = { key: last.usernameKey, id: last.otherId };
      }
      const expected = names.filter((_, i) => states[i] !== "BLOCKED").sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase()));
      expect(pages.flat()).toEqual(expected);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);

      const [alpha] = await repo.listEdges(a.id, listed, undefined, 1);
      expect(alpha).toEqual({
        otherId: others[1]!.id,
        username: `Alpha_${tag}`,
        usernameKey: `alpha_${tag}`,
        displayName: `Alpha_${tag}`,
        state: "INVITE_SENT",
        since: new Date(NOW.getTime() + 1000),
        lastSeenAt: LATER,
      });
      expect((await repo.listEdges(a.id, ["BLOCKED"], undefined, 10)).map((r) => r.username)).toEqual([`golf_${tag}`]);
      expect((await repo.listEdges(a.id, ["INVITE_RECEIVED"], undefined, 10)).map((r) => r.username)).toEqual([`charlie_${tag}`]);
    });

    test("the keyset continues after the last row of a page even when that account is gone", async () => {
      const a = await createAccount(db);
      const tag = a.id.slice(0, 4);
      const others = [];
      for (const n of ["k1", "k2", "k3", "k4"]) others.push(await createAccount(db, `${n}_${tag}`));
      for (const o of others) await setPair(a.id, o.id, "FRIEND", "FRIEND");
      const first = await repo.listEdges(a.id, ["FRIEND"], undefined, 2);
      const last = first[1]!;
      await db.prisma.account.delete({ where: { id: last.otherId } });
      const second = await repo.listEdges(a.id, ["FRIEND"], { key: last.usernameKey, id: last.otherId }, 2);
      expect(second.map((r) => r.username)).toEqual([`k3_${tag}`, `k4_${tag}`]);
    });
  });

  describe("queries", () => {
    test("friends and friendIds list FRIEND edges only, with names and last-seen times", async () => {
      const a = await createAccount(db);
      const [f1, f2, pending, blocked] = await Promise.all(Array.from({ length: 4 }, () => createAccount(db)));
      await setPair(a.id, f1!.id, "FRIEND", "FRIEND");
      await setPair(a.id, f2!.id, "FRIEND", "FRIEND");
      await setPair(a.id, pending!.id, "INVITE_SENT", "INVITE_RECEIVED");
      await setPair(a.id, blocked!.id, "BLOCKED", undefined);
      await db.prisma.account.update({ where: { id: f2!.id }, data: { lastSeenAt: LATER } });

      const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
      expect((await repo.friends(a.id)).sort(byId)).toEqual(
        [
          { id: f1!.id, username: f1!.username, displayName: f1!.displayName, lastSeenAt: null },
          { id: f2!.id, username: f2!.username, displayName: f2!.displayName, lastSeenAt: LATER },
        ].sort(byId),
      );
      expect((await repo.friendIds(a.id)).sort()).toEqual([f1!.id, f2!.id].sort());
      expect(await repo.friendIds(pending!.id)).toEqual([]);
    });

    test("relatedIds: everyone with a friendship or pending request towards the account, never a block", async () => {
      const a = await createAccount(db);
      const [friend, asked, askedBy, blockedByA, blockerOfA, stranger] = await Promise.all(Array.from({ length: 6 }, () => createAccount(db)));
      await setPair(a.id, friend!.id, "FRIEND", "FRIEND");
      await setPair(a.id, asked!.id, "INVITE_SENT", "INVITE_RECEIVED");
      await setPair(a.id, askedBy!.id, "INVITE_RECEIVED", "INVITE_SENT");
      await setPair(a.id, blockedByA!.id, "BLOCKED", undefined);
      await setPair(a.id, blockerOfA!.id, undefined, "BLOCKED");
      expect((await repo.relatedIds(a.id)).sort()).toEqual([friend!.id, asked!.id, askedBy!.id].sort());
      expect(await repo.relatedIds(stranger!.id)).toEqual([]);
    });

    test("blockedEitherWay: accounts the player blocked and accounts that blocked the player (as a set)", async () => {
      const a = await createAccount(db);
      const [blockedByA, blockerOfA, mutual, friend] = await Promise.all(Array.from({ length: 4 }, () => createAccount(db)));
      await setPair(a.id, blockedByA!.id, "BLOCKED", undefined);
      await setPair(a.id, blockerOfA!.id, undefined, "BLOCKED");
      await setPair(a.id, mutual!.id, "BLOCKED", "BLOCKED");
      await setPair(a.id, friend!.id, "FRIEND", "FRIEND");
      // A mutual block is listed once per direction; callers (FriendsService) make a Set of it.
      expect(new Set(await repo.blockedEitherWay(a.id))).toEqual(new Set([blockedByA!.id, blockerOfA!.id, mutual!.id]));
    });

    test("finds accounts by id and by username key; unknown ones are null", async () => {
      const a = await createAccount(db, `Finder_${Date.now() % 100000}`);
      expect(await repo.findAccount(a.id)).toEqual(a);
      expect(await repo.findAccountByUsernameKey(a.username.toLowerCase())).toEqual(a);
      expect(await repo.findAccountByUsernameKey(a.username)).toBeNull();
      expect(await repo.findAccount("00000000-0000-4000-8000-000000000000")).toBeNull();
    });

    test("deleting an account removes its edges in both directions", async () => {
      const [a, b, c] = await Promise.all(Array.from({ length: 3 }, () => createAccount(db)));
      await setPair(a!.id, b!.id, "FRIEND", "FRIEND");
      await setPair(c!.id, b!.id, "BLOCKED", undefined);
      await db.prisma.account.delete({ where: { id: b!.id } });
      expect(await db.prisma.friendEdge.count({ where: { OR: [{ accountId: b!.id }, { otherId: b!.id }] } })).toBe(0);
      expect(await repo.friendIds(a!.id)).toEqual([]);
    });
  });

  describe("through FriendsService (the pair transaction's callers)", () => {
    const account = (x: { id: string; username: string }) => ({ id: x.id, username: x.username, displayName: x.username });

    test("two players asking each other at the same moment end up friends, never an error", async () => {
      const service = friendsService(db);
      const pairs = await Promise.all(Array.from({ length: 5 }, async () => [await createAccount(db), await createAccount(db)] as const));
      const results = await Promise.allSettled(
        pairs.flatMap(([a, b]) => [service.sendRequest(account(a), b.username), service.sendRequest(account(b), a.username)]),
      );
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      for (const [a, b] of pairs) expect(await repo.pair(a.id, b.id)).toEqual({ mine: "FRIEND", theirs: "FRIEND" });
    });

    test("ten identical requests at once: one request, one notification, no error", async () => {
      const service = friendsService(db);
      const [a, b] = [await createAccount(db), await createAccount(db)];
      const results = await Promise.all(Array.from({ length: 10 }, () => service.sendRequest(account(a), b.username)));
      expect(results.every((r) => r.state === "outgoing")).toBe(true);
      expect(await repo.pair(a.id, b.id)).toEqual({ mine: "INVITE_SENT", theirs: "INVITE_RECEIVED" });
      expect(await db.prisma.notification.count({ where: { recipientId: b.id, type: "friend_request" } })).toBe(1);
    });

    test("the friend cap holds under concurrent requests", async () => {
      const limit = 3;
      const service = friendsService(db, limit);
      const a = await createAccount(db);
      const targets = await Promise.all(Array.from({ length: 8 }, () => createAccount(db)));
      const results = await Promise.allSettled(targets.map((t) => service.sendRequest(account(a), t.username)));
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(limit);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(AppError);
        expect((r.reason as AppError).code).toBe(ErrorCode.FriendLimitReached);
      }
      expect(await db.prisma.friendEdge.count({ where: { accountId: a.id, state: "INVITE_SENT" } })).toBe(limit);
    });
  });
});
