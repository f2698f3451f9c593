/** A player as every module names them: the account, its login handle and the name others see. */
export interface Identity {
  accountId: string;
  username: string;
  displayName: string;
}

/** A player as the wire shows them to others (PublicAccountSchema). */
export interface PublicAccount {
  id: string;
  username: string;
  displayName: string;
}

export const publicAccountOf = (who: Identity): PublicAccount => ({ id: who.accountId, username: who.username, displayName: who.displayName });
