import type { Client } from "@colyseus/core";
import type { LobbyServerMessages } from "../../../shared/schemas/lobby-server-messages";
import type { LobbyAuth } from "../room-auth";
import { identityOf, type Identity } from "../../modules/identity";

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
 * A lobby connection, typed the Colyseus way (`Client<{ auth, userData, messages }>`): `messages`
 * is shared/'s server -> client map, so `client.send` takes only a known type with its payload.
 */
export type LobbyClient = Client<{ auth: LobbyAuth; userData: LobbyUserData; messages: LobbyServerMessages }>;

/** Who a connection is, as the services take it. */
export type LobbyIdentity = Identity;

/** onAuth ran before any join, so every lobby client carries its LobbyAuth. */
export const authOf = (client: LobbyClient): LobbyAuth => client.auth as LobbyAuth;

export const whoOf = (client: LobbyClient): LobbyIdentity => {
  const auth = authOf(client);
  return identityOf(auth);
};

export const closedByServer = (client: LobbyClient): boolean => client.userData?.closedByServer === true;
