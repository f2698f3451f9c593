import type { PrismaClient } from "../../db/database";

/** Usernames of the accounts among `ids` that exist, by id (one query). */
export async function findUsernames(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.account.findMany({ where: { id: { in: [...ids] } }, select: { id: true, username: true } });
  return new Map(rows.map((r) => [r.id, r.username]));
}
