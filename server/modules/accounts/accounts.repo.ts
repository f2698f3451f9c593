import type { PrismaClient } from "../../db/database";

export interface AccountProfile {
  id: string;
  username: string;
  createdAt: Date;
}

export class AccountsRepo {
  constructor(private readonly prisma: PrismaClient) {}

  findProfile(id: string): Promise<AccountProfile | null> {
    return this.prisma.account.findUnique({ where: { id }, select: { id: true, username: true, createdAt: true } });
  }

  /** Deletes the account; everything it owns goes with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const res = await this.prisma.account.deleteMany({ where: { id } });
    return res.count === 1;
  }
}
