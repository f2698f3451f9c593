import type { PublicAccount } from "../../shared/schemas/social";

/** A player as every module names them: the account, its login handle and the name others see. */
export interface Identity {
  accountId: string;
  username: string;
  displayName: string;
}

/** A player as the wire shows them to others (PublicAccountSchema). */
export type { PublicAccount };

export const publicAccountOf = (who: Identity): PublicAccount => ({ id: who.accountId, username: who.username, displayName: who.displayName });

/** Just the identity of a member row, a session or the like (nothing else it carries). */
export const identityOf = (x: Identity): Identity => ({ accountId: x.accountId, username: x.username, displayName: x.displayName });
