import type { PrismaClient } from "../../db/database";
import { Prisma } from "../../db/generated/client";
import { preparedAs } from "../../db/prepared-statements";
import type { SqlRunner } from "../../db/sql-runner";
import { WriteTracker } from "../../db/write-tracker";
import { findNames, UNKNOWN_NAMES, type AccountNames } from "../accounts/account-names.repo";
import type { PublicAccount } from "../identity";
import type { JoinPolicy } from "../../../shared/schemas/presence";

const POLICY_TO_DB = { friends: "FRIENDS", ask: "ASK", nobody: "NOBODY" } as const;
const POLICY_FROM_DB = { FRIENDS: "friends", ASK: "ask", NOBODY: "nobody" } as const;

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface PartyMemberRow {
  accountId: string;
  username: string;
  displayName: string;
  ready: boolean;
  joinedAt: Date;
  /** The member's own join policy (the account's setting). */
  joinPolicy: JoinPolicy;
}

export interface PartyJoinRequestRow {
  fromId: string;
  fromUsername: string;
  fromDisplayName: string;
  viaId: string;
  viaUsername: string;
  viaDisplayName: string;
  /** The requester's party when they asked (null: none). */
  fromPartyId: string | null;
  expiresAt: Date;
}

export interface PartyInviteRow {
  toId: string;
  toUsername: string;
  toDisplayName: string;
  fromId: string;
  expiresAt: Date;
}

export interface PartyRow {
  id: string;
  leaderId: string;
  version: number;
  /** Oldest member first. */
  members: PartyMemberRow[];
  /** Unexpired invites (as of the `now` the party was read at). */
  invites: PartyInviteRow[];
  /** Unexpired join requests, oldest first. */
  joinRequests: PartyJoinRequestRow[];
  /** The party's waiting or matched ticket, if any. */
  ticket: { mode: string; region: string; enqueuedAt: Date; status: "WAITING" | "MATCHED" } | null;
  /** The party's unexpired join code, if any. */
  joinCode: { code: string; expiresAt: Date } | null;
}

/** Writes on one locked party, inside its transaction. */
export interface PartyTransaction {
  party: PartyRow;
  addMember(accountId: string, joinedAt: Date): Promise<void>;
  removeMember(accountId: string): Promise<void>;
  setLeader(accountId: string): Promise<void>;
  setReady(accountId: string, ready: boolean): Promise<void>;
  upsertInvite(toId: string, fromId: string, createdAt: Date, expiresAt: Date): Promise<void>;
  deleteInvite(toId: string): Promise<void>;
  upsertJoinRequest(fromId: string, viaId: string, fromPartyId: string | null, createdAt: Date, expiresAt: Date): Promise<void>;
  deleteJoinRequest(fromId: string): Promise<void>;
  /** Replaces the party's join code (false: `code` is taken by another party; nothing changed). */
  setJoinCode(code: string, createdBy: string, createdAt: Date, expiresAt: Date): Promise<boolean>;
  deleteJoinCode(): Promise<void>;
  /** Bumps the version without another change (the party's state is re-sent). */
  touch(): Promise<void>;
  /** Deletes the party with its members and invites. */
  disband(): Promise<void>;
}

export class PartyRepo {
  constructor(
    private readonly prisma: PrismaClient,
    /** partyOf runs on every leave (and most party requests): straight on the driver. */
    private readonly sql: SqlRunner,
  ) {}

  async partyOf(accountId: string): Promise<string | null> {
    const rows = await this.sql.rows<{ party_id: string }>(
      Prisma.sql`${preparedAs("party_of")} SELECT party_id::text AS party_id FROM party_members WHERE account_id = ${accountId}::uuid`,
    );
    return rows[0]?.party_id ?? null;
  }

  async create(partyId: string, leaderId: string, now: Date): Promise<void> {
    await this.prisma.party.create({
      data: { id: partyId, leaderId, createdAt: now, members: { create: { accountId: leaderId, joinedAt: now, ready: true } } },
    });
  }

  async load(partyId: string, now: Date): Promise<PartyRow | null> {
    return readParty(this.prisma, partyId, now);
  }

  async invitesFor(accountId: string, now: Date): Promise<{ partyId: string; from: PublicAccount; expiresAt: Date; size: number }[]> {
    const rows = await this.prisma.partyInvite.findMany({
      where: { toId: accountId, expiresAt: { gt: now } },
      orderBy: { createdAt: "asc" },
      select: { partyId: true, fromId: true, expiresAt: true, party: { select: { _count: { select: { members: true } } } } },
    });
    const senders = await this.names(rows.map((r) => r.fromId));
    return rows.map((r) => ({
      partyId: r.partyId,
      from: { id: r.fromId, ...(senders.get(r.fromId) ?? UNKNOWN_NAMES) },
      expiresAt: r.expiresAt,
      size: r.party._count.members,
    }));
  }

  async findInvite(partyId: string, toId: string, now: Date): Promise<{ fromId: string } | null> {
    return this.prisma.partyInvite.findFirst({ where: { partyId, toId, expiresAt: { gt: now } }, select: { fromId: true } });
  }

  async deleteInvite(partyId: string, toId: string): Promise<boolean> {
    const { count } = await this.prisma.partyInvite.deleteMany({ where: { partyId, toId } });
    return count > 0;
  }

  /** The party an unexpired join code opens, if any. */
  async partyOfJoinCode(code: string, now: Date): Promise<string | null> {
    const row = await this.prisma.partyJoinCode.findFirst({ where: { code, expiresAt: { gt: now } }, select: { partyId: true } });
    return row?.partyId ?? null;
  }

  async joinPolicy(accountId: string): Promise<JoinPolicy> {
    const row = await this.prisma.account.findUnique({ where: { id: accountId }, select: { joinPolicy: true } });
    return POLICY_FROM_DB[row?.joinPolicy ?? "ASK"];
  }

  /** The join policy of each account (accounts not found are left out), in one read. */
  async joinPolicies(accountIds: string[]): Promise<Map<string, JoinPolicy>> {
    const rows = await this.prisma.account.findMany({ where: { id: { in: accountIds } }, select: { id: true, joinPolicy: true } });
    return new Map(rows.map((r) => [r.id, POLICY_FROM_DB[r.joinPolicy]]));
  }

  async setJoinPolicy(accountId: string, policy: JoinPolicy): Promise<void> {
    await this.prisma.account.updateMany({ where: { id: accountId }, data: { joinPolicy: POLICY_TO_DB[policy] } });
  }

  /** Join requests past their expiry (the parties' views already leave them out). */
  async deleteExpiredJoinRequests(now: Date): Promise<number> {
    const { count } = await this.prisma.partyJoinRequest.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }

  async deleteExpiredInvites(now: Date): Promise<number> {
    const { count } = await this.prisma.partyInvite.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }

  names(ids: string[]): Promise<Map<string, AccountNames>> {
    return findNames(this.prisma, ids);
  }

  /**
   * Runs `fn` with the party row locked, bumping its version when `fn` wrote anything. Null if the
   * party is gone. FOR NO KEY UPDATE: member and invite inserts take KEY SHARE locks on it.
   */
  async inPartyTransaction<T>(partyId: string, now: Date, fn: (tx: PartyTransaction) => Promise<T>): Promise<{ result: T; version: number } | null> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM parties WHERE id = ${partyId}::uuid FOR NO KEY UPDATE`;
      if (locked.length === 0) return null;
      const party = (await readParty(tx, partyId, now))!;
      const writes = new WriteTracker();
      const w = writes.track;
      let gone = false;
      const result = await fn({
        party,
        addMember: w((accountId: string, joinedAt: Date) => tx.partyMember.create({ data: { partyId, accountId, joinedAt } })),
        removeMember: w((accountId: string) => tx.partyMember.deleteMany({ where: { partyId, accountId } })),
        setLeader: w((accountId: string) => tx.party.update({ where: { id: partyId }, data: { leaderId: accountId } })),
        setReady: w((accountId: string, ready: boolean) => tx.partyMember.updateMany({ where: { partyId, accountId }, data: { ready } })),
        upsertInvite: w((toId: string, fromId: string, createdAt: Date, expiresAt: Date) =>
          tx.partyInvite.upsert({
            where: { partyId_toId: { partyId, toId } },
            create: { partyId, toId, fromId, createdAt, expiresAt },
            update: { fromId, createdAt, expiresAt },
          }),
        ),
        deleteInvite: w((toId: string) => tx.partyInvite.deleteMany({ where: { partyId, toId } })),
        upsertJoinRequest: w((fromId: string, viaId: string, fromPartyId: string | null, createdAt: Date, expiresAt: Date) =>
          tx.partyJoinRequest.upsert({
            where: { partyId_fromId: { partyId, fromId } },
            create: { partyId, fromId, viaId, fromPartyId, createdAt, expiresAt },
            update: { viaId, fromPartyId, createdAt, expiresAt },
          }),
        ),
        deleteJoinRequest: w((fromId: string) => tx.partyJoinRequest.deleteMany({ where: { partyId, fromId } })),
        setJoinCode: async (code: string, createdBy: string, createdAt: Date, expiresAt: Date) => {
          // A taken code is a conflict on the primary key: checked first (a failed insert would
          // abort the transaction), under the party's lock; the unique key still guards a race.
          if (await tx.partyJoinCode.findUnique({ where: { code }, select: { code: true } })) return false;
          writes.wrote = true;
          await tx.partyJoinCode.deleteMany({ where: { partyId } });
          await tx.partyJoinCode.create({ data: { code, partyId, createdBy, createdAt, expiresAt } });
          return true;
        },
        deleteJoinCode: w(() => tx.partyJoinCode.deleteMany({ where: { partyId } })),
        touch: w(async () => undefined),
        disband: async () => {
          gone = true;
          await tx.party.delete({ where: { id: partyId } });
        },
      });
      if (gone || !writes.wrote) return { result, version: party.version };
      const bumped = await tx.party.update({ where: { id: partyId }, data: { version: { increment: 1 } }, select: { version: true } });
      return { result, version: bumped.version };
    });
  }
}

async function readParty(db: Tx | PrismaClient, partyId: string, now: Date): Promise<PartyRow | null> {
  const row = await db.party.findUnique({
    where: { id: partyId },
    select: {
      id: true,
      leaderId: true,
      version: true,
      members: {
        orderBy: [{ joinedAt: "asc" }, { accountId: "asc" }],
        select: { accountId: true, ready: true, joinedAt: true, account: { select: { username: true, displayName: true, joinPolicy: true } } },
      },
      invites: { where: { expiresAt: { gt: now } }, orderBy: { createdAt: "asc" }, select: { toId: true, fromId: true, expiresAt: true, to: { select: { username: true, displayName: true } } } },
      joinCode: { select: { code: true, expiresAt: true } },
      joinRequests: {
        where: { expiresAt: { gt: now } },
        orderBy: [{ createdAt: "asc" }, { fromId: "asc" }],
        select: { fromId: true, viaId: true, fromPartyId: true, expiresAt: true, from: { select: { username: true, displayName: true } }, via: { select: { username: true, displayName: true } } },
      },
    },
  });
  if (!row) return null;
  const ticket = await db.matchTicket.findFirst({
    where: { partyId },
    orderBy: { enqueuedAt: "desc" },
    select: { mode: true, region: true, enqueuedAt: true, status: true },
  });
  return {
    id: row.id,
    leaderId: row.leaderId,
    version: row.version,
    members: row.members.map((m) => ({
      accountId: m.accountId,
      username: m.account.username,
      displayName: m.account.displayName,
      ready: m.ready,
      joinedAt: m.joinedAt,
      joinPolicy: POLICY_FROM_DB[m.account.joinPolicy],
    })),
    invites: row.invites.map((i) => ({ toId: i.toId, toUsername: i.to.username, toDisplayName: i.to.displayName, fromId: i.fromId, expiresAt: i.expiresAt })),
    joinRequests: row.joinRequests.map((r) => ({
      fromId: r.fromId,
      fromUsername: r.from.username,
      fromDisplayName: r.from.displayName,
      viaId: r.viaId,
      viaUsername: r.via.username,
      viaDisplayName: r.via.displayName,
      fromPartyId: r.fromPartyId,
      expiresAt: r.expiresAt,
    })),
    ticket,
    joinCode: row.joinCode && row.joinCode.expiresAt > now ? row.joinCode : null,
  };
}
