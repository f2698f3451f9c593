import { ClientDelivery } from "../../../server/realtime/client-delivery";
import { newChatConnection } from "../../../server/realtime/lobby/chat/chat-connection";
import { ChatStreams } from "../../../server/realtime/lobby/chat/chat-streams";
import type { ChatService } from "../../../server/modules/chat/chat.service";
import type { Logger } from "../../../server/lib/logger";
import type { LobbyClient } from "../../../server/realtime/lobby/lobby-client";
import { TopicSubscriptions } from "../../../server/realtime/topic-subscriptions";
import { LocalPresence } from "@colyseus/core";

/**
 * What a lobby connection keeps is per connection times 20k: no collection, promise or closure
 * it does not use (see bench/lib/heap-connections.ts for the measurement).
 */
function streams(): ChatStreams {
  // stop() uses none of the chat service.
  return new ChatStreams({} as ChatService, {} as Logger, new TopicSubscriptions(new LocalPresence(), (id: string) => `c:${id}`, () => undefined), () => []);
}
const who = { accountId: "a", username: "alice", displayName: "alice" };
const client = {} as LobbyClient;

test("a new connection's chat state holds no collection until one is needed", () => {
  const state = newChatConnection(who, client, new Promise(() => undefined));
  expect([state.cursors, state.joined, state.channelOps, state.hiddenLoaded]).toEqual([undefined, undefined, undefined, undefined]);
  expect(state.hidden.size).toBe(0);
  // Shared by every connection that hides nobody.
  expect(newChatConnection(who, client, new Promise(() => undefined)).hidden).toBe(state.hidden);
});

test("the DM positions replace the join's promise once it settles; no positions share one empty map", async () => {
  const some = newChatConnection(who, client, Promise.resolve(new Map([["dm:a:b", 4]])));
  const none = newChatConnection(who, client, Promise.resolve(new Map()));
  const other = newChatConnection(who, client, Promise.resolve(new Map()));
  const failed = newChatConnection(who, client, Promise.resolve(undefined));
  await Promise.resolve();
  expect(some.dmBase).toEqual(new Map([["dm:a:b", 4]]));
  expect(none.dmBase).toBeInstanceOf(Map);
  expect(none.dmBase).toBe(other.dmBase);
  expect(failed.dmBase).toBeUndefined();
});

test("stop() of a connection that never joined a channel leaves nothing behind", () => {
  const state = newChatConnection(who, client, Promise.resolve(undefined));
  streams().stop(state);
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
