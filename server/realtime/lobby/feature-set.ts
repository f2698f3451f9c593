import { LobbyClientMessageSchemas } from "../../../shared/schemas/lobby-client-messages";
import type { Presence } from "@colyseus/core";
import type { Logger } from "../../lib/logger";
import type { JoinSnapshot } from "../../modules/lobby/join-snapshot";
import type { AccountEvent } from "../../backplane/presence-account-event-bus";
import type { MessageRouter } from "../message-router";
import type { AccountEventKind, AnyLobbyFeature, FeatureRouter, LobbyFeature, LobbyFeatureList, LobbyRoomContext, StartCause } from "./feature";
import { closedByServer, type LobbyClient } from "./lobby-client";

/** What the feature set needs of its room. */
export interface FeatureRoom {
  readonly presence: Presence;
  readonly clients: Iterable<LobbyClient>;
}

/**
 * The features of one lobby room, and the one dispatch of each lifecycle step to all of them
 * (the room calls this, never a feature by name). Each connection's feature states are kept in
 * `client.userData.features`, by position in the list.
 */
export class LobbyFeatureSet {
  private readonly features: readonly AnyLobbyFeature[];
  private readonly slots = new Map<AnyLobbyFeature, number>();
  /** The features consuming each account event kind, with their slot. */
  private readonly consumers = new Map<AccountEventKind, [AnyLobbyFeature, number][]>();

  constructor(list: LobbyFeatureList, room: FeatureRoom, router: Pick<MessageRouter, "on">, logger: Logger) {
    const context: LobbyRoomContext = {
      presence: room.presence,
      logger,
      // A feature's slot holds what its own open() returned.
      states: <S>(feature: LobbyFeature<S, AccountEventKind>) => this.statesOf(room, this.slotOf(feature)) as Iterable<S>,
      clients: () => this.liveClients(room),
      stateOf: <S>(feature: LobbyFeature<S, AccountEventKind>, client: LobbyClient) => client.userData?.features[this.slotOf(feature)] as S | undefined,
    };
    this.features = list(context);
    this.features.forEach((feature, slot) => {
      this.slots.set(feature, slot);
      for (const kind of feature.events) {
        const list = this.consumers.get(kind);
        if (list) list.push([feature, slot]);
        else this.consumers.set(kind, [[feature, slot]]);
      }
      feature.register(routerFor(router, feature.name, slot));
    });
  }

  /** Every feature's state of a new connection, in list order (becomes `userData.features`). */
  open(client: LobbyClient, join: Promise<JoinSnapshot | undefined>): unknown[] {
    return this.features.map((feature) => feature.open(client, join));
  }

  beforeSnapshot(client: LobbyClient): void {
    const states = client.userData?.features;
    if (states) this.features.forEach((feature, slot) => feature.beforeSnapshot?.(states[slot]));
  }

  async start(client: LobbyClient, join: JoinSnapshot, cause: StartCause): Promise<void> {
    const states = client.userData?.features;
    if (!states) return;
    for (const [slot, feature] of this.features.entries()) await feature.start(client, states[slot], join, cause);
  }

  /** Every feature's drop, at once; resolves when all are done. */
  async drop(client: LobbyClient): Promise<void> {
    const states = client.userData?.features;
    if (states) await Promise.all(this.features.map((feature, slot) => feature.drop?.(client, states[slot])));
  }

  /** Every feature's close, one after another; `draining` is read as each one starts. */
  async close(client: LobbyClient, draining: () => boolean): Promise<void> {
    const states = client.userData?.features;
    if (!states) return;
    for (const [slot, feature] of this.features.entries()) await feature.close?.(client, states[slot], draining());
  }

  /** An account event, for the account's live connections in the room, to the features that consume its kind. */
  dispatch(clients: Iterable<LobbyClient>, event: Exclude<AccountEvent, { kind: "sessions_ended" }>): void {
    const consumers = this.consumers.get(event.kind);
    if (!consumers) return;
    for (const client of clients) {
      const states = client.userData?.features;
      if (!states) continue;
      for (const [feature, slot] of consumers) feature.onAccountEvent?.(client, states[slot], event);
    }
  }

  /** After the backplane lost messages. */
  async resync(): Promise<void> {
    await Promise.all(this.features.map((feature) => feature.resync?.()));
  }

  private slotOf(feature: AnyLobbyFeature): number {
    const slot = this.slots.get(feature);
    if (slot === undefined) throw new Error(`lobby feature ${feature.name} is not in this room's list`);
    return slot;
  }

  private *statesOf(room: FeatureRoom, slot: number): Iterable<unknown> {
    for (const client of this.liveClients(room)) yield client.userData!.features[slot];
  }

  private *liveClients(room: FeatureRoom): Iterable<LobbyClient> {
    for (const client of room.clients) {
      if (client.userData && !closedByServer(client)) yield client;
    }
  }
}

/** The room's router as one feature sees it: each handler gets the connection's state for that feature. */
function routerFor(router: Pick<MessageRouter, "on">, name: string, slot: number): FeatureRouter<unknown> {
  return {
    on(type, handler) {
      router.on(type, LobbyClientMessageSchemas[type], (raw, message) => {
        const client = raw as LobbyClient;
        const states = client.userData?.features;
        if (!states) throw new Error(`lobby client without ${name} state`);
        return handler(client, states[slot], message as never);
      });
    },
  };
}
