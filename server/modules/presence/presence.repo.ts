import type { PrismaClient } from "../../db/database";
import { findUsernames } from "../accounts/usernames.repo";
import type { ChosenStatus } from "../../../shared/schemas/presence";

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

  async setLastSeen(accountId: string, at: Date): Promise<void> {
    await this.prisma.account.updateMany({ where: { id: accountId }, data: { lastSeenAt: at } });
  }

  async lastSeen(accountId: string): Promise<Date | null> {
    const row = await this.prisma.account.findUnique({ where: { id: accountId }, select: { lastSeenAt: true } });
    return row?.lastSeenAt ?? null;
  }

  usernames(ids: string[]): Promise<Map<string, string>> {
    return findUsernames(this.prisma, ids);
  }
}
