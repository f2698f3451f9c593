import { batched, byKey } from "../../db/batched";
import type { PrismaClient } from "../../db/database";
import type { FriendGraph, FriendSummary } from "./friend-graph";
import type { EdgeState, Pair } from "./friend-state";
import type { PublicAccount } from "../identity";
import { PUBLIC_ACCOUNT_SELECT } from "../accounts/account-names.repo";

export type { FriendSummary } from "./friend-graph";

export interface PairTransaction {
  readonly pair: Pair;
  /** Friends plus outgoing requests: what the friend cap limits. */
  countTowardsCap(accountId: string): Promise<number>;
  write(mine: EdgeState | null | undefined, theirs: EdgeState | null | undefined): Promise<void>;
}

export interface EdgeRow {
  otherId: string;
  username: string;
  usernameKey: string;
  displayName: string;
  state: EdgeState;
  since: Date;
  lastSeenAt: Date | null;
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export class FriendsRepo implements FriendGraph {
  /** Concurrent friendIds calls (every presence change and leave) share one statement. */
  private readonly friendIdsLoader = batched<string, string[]>(async (accountIds) => {
    const rows = await this.prisma.friendEdge.findMany({
      where: { accountId: { in: [...accountIds] }, state: "FRIEND" },
      select: { accountId: true, otherId: true },
    });
    return byKey(accountIds, rows, (r) => r.accountId, (ids: string[], r) => (ids.push(r.otherId), ids), () => []);
  });

  constructor(private readonly prisma: PrismaClient) {}

  findAccountByUsernameKey(usernameKey: string): Promise<PublicAccount | null> {
    return this.prisma.account.findUnique({ where: { usernameKey }, select: PUBLIC_ACCOUNT_SELECT });
  }

  findAccount(id: string): Promise<PublicAccount | null> {
    return this.prisma.account.findUnique({ where: { id }, select: PUBLIC_ACCOUNT_SELECT });
  }

  /**
   * Runs `fn` with both accounts' rows locked (in id order, so two operations on one pair, or on
   * pairs sharing an account, serialise instead of racing). Returns null if either account is gone.
   * FOR NO KEY UPDATE, not FOR UPDATE: foreign-key checks of rows referencing these accounts (a
   * notification insert) take KEY SHARE locks, which FOR UPDATE would deadlock with.
   */
  async inPairTransaction<T>(
    actorId: string,
    targetId: string,
    now: Date,
    fn: (tx: PairTransaction) => Promise<T>,
  ): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM accounts WHERE id IN (${actorId}::uuid, ${targetId}::uuid) ORDER BY id FOR NO KEY UPDATE`;
      if (locked.length !== 2) return null;
      const edges = await tx.friendEdge.findMany({
        where: {
          OR: [
            { accountId: actorId, otherId: targetId },
            { accountId: targetId, otherId: actorId },
          ],
        },
        select: { accountId: true, state: true },
      });
      const pair: Pair = {
        mine: edges.find((e) => e.accountId === actorId)?.state ?? null,
        theirs: edges.find((e) => e.accountId === targetId)?.state ?? null,
      };
      return fn({
        pair,
        countTowardsCap: (accountId) =>
          tx.friendEdge.count({ where: { accountId, state: { in: ["FRIEND", "INVITE_SENT"] } } }),
        write: async (mine, theirs) => {
          await writeEdge(tx, actorId, targetId, mine, now);
          await writeEdge(tx, targetId, actorId, theirs, now);
        },
      });
    });
  }

  /** Both directed edges of a pair, seen from `actorId`. */
  async pair(actorId: string, otherId: string): Promise<Pair> {
    const edges = await this.prisma.friendEdge.findMany({
      where: {
        OR: [
          { accountId: actorId, otherId },
          { accountId: otherId, otherId: actorId },
        ],
      },
      select: { accountId: true, state: true },
    });
    return {
      mine: edges.find((e) => e.accountId === actorId)?.state ?? null,
      theirs: edges.find((e) => e.accountId === otherId)?.state ?? null,
    };
  }

  /** One page of `accountId`'s edges in `states`, ordered by the other player's username. */
  async listEdges(
    accountId: string,
    states: EdgeState[],
    after: { key: string; id: string } | undefined,
    limit: number,
  ): Promise<EdgeRow[]> {
    const rows = await this.prisma.friendEdge.findMany({
      where: {
        accountId,
        state: { in: states },
        ...(after
          ? {
              OR: [
                { other: { usernameKey: { gt: after.key } } },
                { other: { usernameKey: after.key }, otherId: { gt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ other: { usernameKey: "asc" } }, { otherId: "asc" }],
      take: limit,
      select: {
        otherId: true,
        state: true,
        updatedAt: true,
        other: { select: { username: true, usernameKey: true, displayName: true, lastSeenAt: true } },
      },
    });
    return rows.map((r) => ({
      otherId: r.otherId,
      username: r.other.username,
      usernameKey: r.other.usernameKey,
      displayName: r.other.displayName,
      state: r.state,
      since: r.updatedAt,
      lastSeenAt: r.other.lastSeenAt,
    }));
  }

  /** Every friend of `accountId` (bounded by the friend cap). */
  async friends(accountId: string): Promise<FriendSummary[]> {
    const rows = await this.prisma.friendEdge.findMany({
      where: { accountId, state: "FRIEND" },
      select: { other: { select: { id: true, username: true, displayName: true, lastSeenAt: true } } },
    });
    return rows.map((r) => r.other);
  }

  /** Accounts `accountId` blocked, and accounts that blocked `accountId`. */
  async blockedEitherWay(accountId: string): Promise<string[]> {
    const rows = await this.prisma.friendEdge.findMany({
      where: { state: "BLOCKED", OR: [{ accountId }, { otherId: accountId }] },
      select: { accountId: true, otherId: true },
    });
    return rows.map((r) => (r.accountId === accountId ? r.otherId : r.accountId));
  }

  /** Accounts with an edge towards `accountId` other than a block. */
  async relatedIds(accountId: string): Promise<string[]> {
    const rows = await this.prisma.friendEdge.findMany({
      where: { otherId: accountId, state: { not: "BLOCKED" } },
      select: { accountId: true },
    });
    return rows.map((r) => r.accountId);
  }

  friendIds(accountId: string): Promise<string[]> {
    return this.friendIdsLoader.load(accountId);
  }
}

async function writeEdge(
  tx: Tx,
  accountId: string,
  otherId: string,
  state: EdgeState | null | undefined,
  now: Date,
): Promise<void> {
  if (state === undefined) return;
  if (state === null) {
    await tx.friendEdge.deleteMany({ where: { accountId, otherId } });
    return;
  }
  await tx.friendEdge.upsert({
    where: { accountId_otherId: { accountId, otherId } },
    create: { accountId, otherId, state, createdAt: now, updatedAt: now },
    update: { state, updatedAt: now },
  });
}
