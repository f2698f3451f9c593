import type { Client } from "@colyseus/core";
import type { LobbyAuth } from "../room-auth";

/**
 * What the room keeps on each connection (client.userData). Made once at the join with every
 * field and changed in place (a reconnect's new client gets the same object): one hidden class.
 */
export interface LobbyUserData {
  /** The server is closing it (ended session, ...): nothing more is done for it. */
  closedByServer: boolean;
  /** Set while a dropped connection's seat is held (epoch ms on the injected clock). */
  reconnectDeadline: number | undefined;
  /** Each lobby feature's state of the connection, in the order of the room's features. */
  readonly features: unknown[];
}

/**
 * A lobby connection, typed the Colyseus way (`Client<{ auth, userData, messages }>`). The
 * server→client message map belongs here as `messages` once shared/ has one: `client.send` then
 * checks every payload against it.
 */
export type LobbyClient = Client<{ auth: LobbyAuth; userData: LobbyUserData }>;

/** Who a connection is, as the services take it. */
export interface LobbyIdentity {
  accountId: string;
  username: string;
}

/** onAuth ran before any join, so every lobby client carries its LobbyAuth. */
export const authOf = (client: LobbyClient): LobbyAuth => client.auth as LobbyAuth;

export const whoOf = (client: LobbyClient): LobbyIdentity => {
  const auth = authOf(client);
  return { accountId: auth.accountId, username: auth.username };
};

export const closedByServer = (client: LobbyClient): boolean => client.userData?.closedByServer === true;
