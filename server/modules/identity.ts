/** A player as every module names them: the account and the username shown to others. */
export interface Identity {
  accountId: string;
  username: string;
}
