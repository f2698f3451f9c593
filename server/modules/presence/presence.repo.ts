import { batched } from "../../db/batched";
import type { PrismaClient } from "../../db/database";
import { findNames, type AccountNames } from "../accounts/account-names.repo";
import type { ChosenStatus } from "../../../shared/schemas/presence";
import { preparedAs } from "../../db/prepared-statements";

const TO_DB = { online: "ONLINE", away: "AWAY", busy: "BUSY", invisible: "INVISIBLE" } as const;

/** The persisted side of presence: the chosen status and text, and when friends last saw them. */
export class PresenceRepo {
  constructor(private readonly prisma: PrismaClient) {}

  async savePreference(accountId: string, status: ChosenStatus, text: string | undefined): Promise<void> {
    await this.prisma.account.updateMany({
      where: { id: accountId },
      data: { presenceStatus: TO_DB[status], presenceText: text ?? null },
    });
  }

  /** Concurrent calls (many players leaving at once) are written in one statement. */
  setLastSeen(accountId: string, at: Date): Promise<void> {
    return this.lastSeenWriter.load({ accountId, at });
  }

  private readonly lastSeenWriter = batched<{ accountId: string; at: Date }, void>(async (changes) => {
    const ids = changes.map((c) => c.accountId);
    const ats = changes.map((c) => c.at);
    await this.prisma.$executeRaw`
      ${preparedAs("set_last_seen")} UPDATE accounts a SET last_seen_at = v.at, updated_at = v.at
      FROM unnest(${ids}::uuid[], ${ats}::timestamptz[]) AS v(id, at)
      WHERE a.id = v.id`;
    return changes.map(() => undefined);
  });

  async lastSeen(accountId: string): Promise<Date | null> {
    const row = await this.prisma.account.findUnique({ where: { id: accountId }, select: { lastSeenAt: true } });
    return row?.lastSeenAt ?? null;
  }

  names(ids: string[]): Promise<Map<string, AccountNames>> {
    return findNames(this.prisma, ids);
  }
}
