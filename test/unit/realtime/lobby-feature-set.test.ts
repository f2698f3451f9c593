import { LocalPresence } from "@colyseus/core";
import { LobbyClientMessage } from "../../../shared/schemas/lobby";
import { createLogger } from "../../../server/lib/logger";
import type { JoinSnapshot } from "../../../server/modules/lobby/join-snapshot";
import type { AccountEventKind, FeatureRouter, LobbyFeature, LobbyRoomContext, StartCause } from "../../../server/realtime/lobby/feature";
import { LobbyFeatureSet } from "../../../server/realtime/lobby/feature-set";
import type { LobbyClient } from "../../../server/realtime/lobby/lobby-client";
import type { MessageRouter } from "../../../server/realtime/message-router";

/** A feature that records what the set asked of it; its state is `${name}:${sessionId}`. */
class Probe implements LobbyFeature<string, AccountEventKind> {
  readonly calls: string[];
  constructor(
    readonly name: string,
    readonly events: readonly AccountEventKind[],
    calls: string[],
    private readonly onClose: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.calls = calls;
  }
  register(_router: FeatureRouter<string>): void {}
  open(client: LobbyClient): string {
    return `${this.name}:${client.sessionId}`;
  }
  async start(_client: LobbyClient, state: string, _join: JoinSnapshot, cause: StartCause): Promise<void> {
    this.calls.push(`start ${state} ${cause}`);
    await Promise.resolve();
    this.calls.push(`started ${state}`);
  }
  async close(_client: LobbyClient, state: string, draining: boolean): Promise<void> {
    this.calls.push(`close ${state} draining=${draining}`);
    await this.onClose();
  }
  onAccountEvent(_client: LobbyClient, state: string, event: { kind: string }): void {
    this.calls.push(`event ${state} ${event.kind}`);
  }
}

function setup(makeFeatures: (room: LobbyRoomContext) => LobbyFeature<string, AccountEventKind>[]) {
  const clients: LobbyClient[] = [];
  const handlers = new Map<string, (client: unknown, message: unknown) => unknown>();
  const router: Pick<MessageRouter, "on"> = { on: (type, _schema, handler) => void handlers.set(type, handler as never) };
  let context!: LobbyRoomContext;
  const set = new LobbyFeatureSet(
    (room) => {
      context = room;
      return makeFeatures(room);
    },
    { presence: new LocalPresence(), clients },
    router,
    createLogger("silent"),
  );
  const connect = (sessionId: string): LobbyClient => {
    const client = { sessionId } as LobbyClient;
    client.userData = { closedByServer: false, reconnectDeadline: undefined, features: set.open(client, Promise.resolve(undefined)) };
    clients.push(client);
    return client;
  };
  return { set, connect, handlers, context: () => context };
}

const join = {} as JoinSnapshot;

test("features start one after another in list order, each with its own state", async () => {
  const calls: string[] = [];
  const { set, connect } = setup(() => [new Probe("a", [], calls), new Probe("b", [], calls)]);
  await set.start(connect("s1"), join, "reconnect");
  expect(calls).toEqual(["start a:s1 reconnect", "started a:s1", "start b:s1 reconnect", "started b:s1"]);
});

test("an account event reaches only the features that list its kind", () => {
  const calls: string[] = [];
  const { set, connect } = setup(() => [new Probe("a", ["deliver"], calls), new Probe("b", ["chat", "blocks_changed"], calls)]);
  const clients = [connect("s1"), connect("s2")];
  set.dispatch(clients, { kind: "blocks_changed" });
  set.dispatch(clients, { kind: "party_channel", channelId: "party:x", member: true });
  expect(calls).toEqual(["event b:s1 blocks_changed", "event b:s2 blocks_changed"]);
});

test("close waits for each feature before the next, and reads draining as each starts", async () => {
  const calls: string[] = [];
  let draining = false;
  let release!: () => void;
  const first = new Probe("a", [], calls, () => new Promise<void>((resolve) => (release = resolve)));
  const { set, connect } = setup(() => [first, new Probe("b", [], calls)]);
  const closing = set.close(connect("s1"), () => draining);
  await Promise.resolve();
  expect(calls).toEqual(["close a:s1 draining=false"]);
  draining = true;
  release();
  await closing;
  expect(calls).toEqual(["close a:s1 draining=false", "close b:s1 draining=true"]);
});

test("a feature sees its own state of the room's connections, not those the server is closing", () => {
  const calls: string[] = [];
  const b = new Probe("b", [], calls);
  const { connect, context } = setup(() => [new Probe("a", [], calls), b]);
  connect("s1");
  const closing = connect("s2");
  closing.userData!.closedByServer = true;
  expect([...context().states(b)]).toEqual(["b:s1"]);
  expect(context().stateOf(b, closing)).toBe("b:s2");
});

test("a handler gets the connection's state of the feature that registered it", async () => {
  class Echo extends Probe {
    override register(router: FeatureRouter<string>): void {
      router.on(LobbyClientMessage.PartyLeave, (_client, state) => state);
    }
  }
  const { connect, handlers } = setup(() => [new Probe("a", [], []), new Echo("b", [], [])]);
  expect(await handlers.get(LobbyClientMessage.PartyLeave)!(connect("s1"), {})).toBe("b:s1");
  expect(() => handlers.get(LobbyClientMessage.PartyLeave)!({ sessionId: "no-join" }, {})).toThrow("lobby client without b state");
});
