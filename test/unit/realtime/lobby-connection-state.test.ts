import type { Client } from "@colyseus/core";
import { ClientDelivery } from "../../../server/realtime/client-delivery";
import { LobbyChat, type LobbyChatDeps } from "../../../server/realtime/rooms/lobby-chat";
import { TopicSubscriptions } from "../../../server/realtime/topic-subscriptions";
import { LocalPresence } from "@colyseus/core";

/**
 * What a lobby connection keeps is per connection times 20k: no collection, promise or closure
 * it does not use (see bench/lib/heap-connections.ts for the measurement).
 */
function chat(): LobbyChat {
  // newConnection uses none of the chat service.
  const deps = { chat: {}, logger: {}, topicChannel: (id: string) => `c:${id}` } as unknown as LobbyChatDeps;
  return new LobbyChat(deps, new TopicSubscriptions(new LocalPresence(), deps.topicChannel, () => undefined), () => []);
}
const who = { accountId: "a", username: "alice" };
const client = {} as Client;

test("a new connection's chat state holds no collection until one is needed", () => {
  const state = chat().newConnection(who, client, new Promise(() => undefined));
  expect([state.cursors, state.joined, state.channelOps, state.hiddenLoaded]).toEqual([undefined, undefined, undefined, undefined]);
  expect(state.hidden.size).toBe(0);
  // Shared by every connection that hides nobody.
  expect(chat().newConnection(who, client, new Promise(() => undefined)).hidden).toBe(state.hidden);
});

test("the DM positions replace the join's promise once it settles; no positions share one empty map", async () => {
  const lobby = chat();
  const some = lobby.newConnection(who, client, Promise.resolve(new Map([["dm:a:b", 4]])));
  const none = lobby.newConnection(who, client, Promise.resolve(new Map()));
  const other = lobby.newConnection(who, client, Promise.resolve(new Map()));
  const failed = lobby.newConnection(who, client, Promise.resolve(undefined));
  await Promise.resolve();
  expect(some.dmBase).toEqual(new Map([["dm:a:b", 4]]));
  expect(none.dmBase).toBeInstanceOf(Map);
  expect(none.dmBase).toBe(other.dmBase);
  expect(failed.dmBase).toBeUndefined();
});

test("stop() of a connection that never joined a channel leaves nothing behind", () => {
  const lobby = chat();
  const state = lobby.newConnection(who, client, Promise.resolve(undefined));
  lobby.stop(state);
  expect([state.cursors, state.joined, state.channelOps]).toEqual([undefined, undefined, undefined]);
});

test("ClientDelivery: one shared send function, a per-connection target, retargeted on reconnect", () => {
  const sent: [string, string][] = [];
  const sendTo = (target: { id: string }, type: string) => void sent.push([target.id, type]);
  const delivery = new ClientDelivery({ id: "old" }, sendTo);
  delivery.deliver({ kind: "deliver", type: "queued", payload: {} });
  delivery.open(new Map());
  delivery.retarget({ id: "new" });
  delivery.deliver({ kind: "deliver", type: "after", payload: {} });
  expect(sent).toEqual([
    ["old", "queued"],
    ["new", "after"],
  ]);
});
