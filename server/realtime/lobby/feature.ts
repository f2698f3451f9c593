import type { Presence } from "@colyseus/core";
import type { z } from "zod";
import type { LobbyClientMessageSchemas, LobbyClientMessageType } from "../../../shared/schemas/lobby-client-messages";
import type { Logger } from "../../lib/logger";
import type { JoinSnapshot } from "../../modules/lobby/join-snapshot";
import type { AccountEvent } from "../../backplane/presence-account-event-bus";
import type { LobbyClient } from "./lobby-client";

export type AccountEventKind = AccountEvent["kind"];
export type AccountEventOf<K extends AccountEventKind> = Extract<AccountEvent, { kind: K }>;

/** Why a feature (re)starts a connection: its join, its reconnect, or a refresh after the backplane lost events. */
export type StartCause = "join" | "reconnect" | "refresh";

/**
 * The lobby's MessageRouter as one feature sees it: a handler gets the connection and the feature's
 * state of it. A message is validated with its type's schema in shared/ (LobbyClientMessageSchemas),
 * the one table the server, the SDK and the tests share.
 */
export interface FeatureRouter<S> {
  on<K extends LobbyClientMessageType>(type: K, handler: (client: LobbyClient, state: S, message: z.output<(typeof LobbyClientMessageSchemas)[K]>) => unknown): void;
}

/** What a feature's instance for one lobby room may use of the room. */
export interface LobbyRoomContext {
  readonly presence: Presence;
  readonly logger: Logger;
  /**
   * The feature's state of every connection of the room that is not being closed by the server
   * (joining or joined; a held seat is not in the room until it reconnects).
   */
  states<S>(feature: LobbyFeature<S, AccountEventKind>): Iterable<S>;
  /** The room's connections that are not being closed by the server. */
  clients(): Iterable<LobbyClient>;
  /** The feature's state of one connection; undefined before its join opened it. */
  stateOf<S>(feature: LobbyFeature<S, AccountEventKind>, client: LobbyClient): S | undefined;
}

/**
 * One lobby feature (social, chat, parties, ...), in one room: the lobby room only loops over its
 * features, each hook in the order of the list (see features.ts). `S` is what the feature keeps per
 * connection (one per connection, 20k per process: see the memory notes in social and chat);
 * `K` the account event kinds it consumes.
 */
export interface LobbyFeature<S = undefined, K extends AccountEventKind = never> {
  readonly name: string;
  /** Account event kinds delivered to this feature, for each live connection of the account in the room. */
  readonly events: readonly K[];
  /** Its client messages, on the room's router (once per room). */
  register(router: FeatureRouter<S>): void;
  /**
   * The connection's state, at its join (before anything is awaited). `join` settles with the
   * join's snapshot once it is read (after the account's channel was subscribed), or undefined if
   * that read failed.
   */
  open(client: LobbyClient, join: Promise<JoinSnapshot | undefined>): S;
  /** The snapshot a join or reconnect will start from is about to be read. */
  beforeSnapshot?(state: S): void;
  /**
   * After the join, a reconnect (`client` is then the new transport client) or a refresh after
   * the backplane lost events: the feature's opening messages, from the snapshot. Awaited in
   * order, feature after feature: the join's messages come in the order of the list.
   */
  start(client: LobbyClient, state: S, join: JoinSnapshot, cause: StartCause): Promise<void>;
  /** The connection dropped; its seat may be held for a reconnect. Called for every feature at once; never rejects. */
  drop?(client: LobbyClient, state: S): Promise<void>;
  /**
   * The connection is gone for good (consented leave, reconnect window over, server close).
   * Awaited in order, feature after feature. `draining`: the process is shutting down (the player
   * reconnects to another one). Never rejects.
   */
  close?(client: LobbyClient, state: S, draining: boolean): Promise<void> | void;
  /** An account event of one of `events`, for one live connection of the account. */
  onAccountEvent?(client: LobbyClient, state: S, event: AccountEventOf<K>): void;
  /** The backplane's subscriber reconnected (what was published meanwhile was lost). Never rejects. */
  resync?(): Promise<void>;
}

/** Any feature, whatever its state and events (a room's list holds several kinds). */
export type AnyLobbyFeature = LobbyFeature<unknown, AccountEventKind>;

/** Makes the features of one room, in order (see features.ts). */
export type LobbyFeatureList = (room: LobbyRoomContext) => readonly AnyLobbyFeature[];
