import type { PrismaClient } from "../../db/database";

export class AccountsRepo {
  constructor(private readonly prisma: PrismaClient) {}

  /** Deletes the account; everything it owns goes with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const res = await this.prisma.account.deleteMany({ where: { id } });
    return res.count === 1;
  }
}
