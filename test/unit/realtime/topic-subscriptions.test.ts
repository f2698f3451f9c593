import { LocalPresence } from "@colyseus/core";
import { TopicSubscriptions } from "../../../server/realtime/topic-subscriptions";

const channelOf = (topic: string) => `t:${topic}`;

function setup() {
  const presence = new LocalPresence();
  const got: [string, number][] = [];
  const subs = new TopicSubscriptions<number>(presence, channelOf, (topic, event) => got.push([topic, event]));
  const listeners = (topic: string) => presence.subscriptions.listenerCount(channelOf(topic));
  return { presence, got, subs, listeners };
}

test("one Presence subscriber per topic however many connections add it; dropped with the last", async () => {
  const { presence, got, subs, listeners } = setup();
  await subs.add("a");
  await subs.add("a");
  await subs.add("b");
  expect(listeners("a")).toBe(1);
  presence.publish(channelOf("a"), 1);
  expect(got).toEqual([["a", 1]]);

  subs.remove("a");
  presence.publish(channelOf("a"), 2);
  expect(listeners("a")).toBe(1);
  subs.remove("a");
  presence.publish(channelOf("a"), 3);
  presence.publish(channelOf("b"), 4);
  expect(listeners("a")).toBe(0);
  expect(got).toEqual([
    ["a", 1],
    ["a", 2],
    ["b", 4],
  ]);
});

test("a removed topic can be added again; removing an unknown topic changes nothing", async () => {
  const { presence, got, subs, listeners } = setup();
  subs.remove("x");
  await subs.add("x");
  subs.remove("x");
  subs.remove("x");
  await subs.add("x");
  expect(listeners("x")).toBe(1);
  presence.publish(channelOf("x"), 7);
  expect(got).toEqual([["x", 7]]);
});

test("clear() unsubscribes every topic", async () => {
  const { presence, got, subs, listeners } = setup();
  await subs.add("a");
  await subs.add("b");
  subs.clear();
  presence.publish(channelOf("a"), 1);
  expect([listeners("a"), listeners("b"), got.length]).toEqual([0, 0, 0]);
});

test("a subscription the backplane refused is refused to every caller until it is removed", async () => {
  const presence = new LocalPresence();
  const refused = new Error("backplane down");
  const failing = Object.assign(Object.create(presence) as LocalPresence, { subscribe: () => Promise.reject(refused) });
  const subs = new TopicSubscriptions<number>(failing, channelOf, () => undefined);
  await expect(subs.add("a")).rejects.toBe(refused);
  await expect(subs.add("a")).rejects.toBe(refused);
});
