import type { PrismaClient } from "../../db/database";

/** How a player is named: the login handle and the name others see. */
export interface AccountNames {
  username: string;
  displayName: string;
}

/** What to show for an account that no longer exists. */
export const UNKNOWN_NAMES: AccountNames = { username: "", displayName: "" };

/** Select this (Prisma) to read an account as PublicAccountSchema shows it. */
export const PUBLIC_ACCOUNT_SELECT = { id: true, username: true, displayName: true } as const;

/** Names of the accounts among `ids` that exist, by id (one query). */
export async function findNames(prisma: PrismaClient, ids: readonly string[]): Promise<Map<string, AccountNames>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.account.findMany({ where: { id: { in: [...ids] } }, select: PUBLIC_ACCOUNT_SELECT });
  return new Map(rows.map((r) => [r.id, { username: r.username, displayName: r.displayName }]));
}
