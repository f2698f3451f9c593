import type { PrismaClient } from "../../db/database";
import { isRecordNotFound } from "../../db/db-errors";
import type { PublicAccount } from "../identity";
import { PUBLIC_ACCOUNT_SELECT } from "./account-names.repo";

/** What others see of an account: its display name. */
export class ProfileRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /** The account as others now see it; null if it no longer exists. */
  async setDisplayName(accountId: string, displayName: string): Promise<PublicAccount | null> {
    try {
      return await this.prisma.account.update({ where: { id: accountId }, data: { displayName }, select: PUBLIC_ACCOUNT_SELECT });
    } catch (err) {
      if (isRecordNotFound(err)) return null;
      throw err;
    }
  }
}
