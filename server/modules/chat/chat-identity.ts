/** The player a chat call acts for. */
export interface Identity {
  accountId: string;
  username: string;
}
