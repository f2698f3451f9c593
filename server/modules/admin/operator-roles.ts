import type { AccountRole, OperatorRole } from "../../../shared/schemas/admin";

/** The account roles as the database spells them. */
export type AccountRoleDb = "PLAYER" | "VIEWER" | "MODERATOR" | "ADMIN";

/** Each role can do everything the roles below it can. */
const RANK: Record<AccountRole, number> = { player: 0, viewer: 1, moderator: 2, admin: 3 };

export const accountRoleOf = (role: AccountRoleDb): AccountRole => role.toLowerCase() as AccountRole;
export const dbRoleOf = (role: AccountRole): AccountRoleDb => role.toUpperCase() as AccountRoleDb;

/** The operator role of an account, or undefined for a player. */
export function operatorRoleOf(role: AccountRoleDb): OperatorRole | undefined {
  const r = accountRoleOf(role);
  return r === "player" ? undefined : r;
}

export const hasRole = (role: AccountRole, least: AccountRole): boolean => RANK[role] >= RANK[least];

/**
 * Whether `actor` may act on (kick, mute, ban, unban, disable, enable, change the role of) an
 * account with role `target`: only on roles below its own, so a moderator cannot sanction another
 * moderator or an admin. Admins may act on every account, other admins included, so a rogue or
 * lost admin can be removed; nobody acts on itself (checked by the caller).
 */
export const mayActOn = (actor: OperatorRole, target: AccountRole): boolean => actor === "admin" || RANK[target] < RANK[actor];

/** Whether `actor` may give an account `role`: a role below its own; admins may give any role. */
export const mayAssign = (actor: OperatorRole, role: AccountRole): boolean => actor === "admin" || RANK[role] < RANK[actor];
