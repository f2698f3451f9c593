import { createLogger } from "../../../server/lib/logger";
import { ChatPublisher } from "../../../server/modules/chat/chat-publisher";

const silent = createLogger("silent");
const never = () => new Promise<void>(() => undefined);

/** A backplane stand-in that records what it took: down (never answers) until `up` is set. */
function backplane() {
  const taken: string[] = [];
  const state = { up: false };
  const waiters: (() => void)[] = [];
  return {
    state,
    taken,
    send: (what: string) => () => {
      if (!state.up) return never();
      taken.push(what);
      for (const w of waiters.splice(0)) w();
      return Promise.resolve();
    },
    /** Resolves once something was taken. */
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

test("a publish that never settles is deferred: the caller is answered, and the newest message is published once the backplane answers", async () => {
  const bus = backplane();
  const publisher = new ChatPublisher(50, silent);
  // Settles although the backplane never answers (the bound).
  await publisher.publish("public:general", bus.send("m1"));
  expect(publisher.deferredCount).toBe(1);
  // Deferred stream: later messages only replace the one to publish, without waiting.
  await publisher.publish("public:general", bus.send("m2"));
  await publisher.publish("public:general", bus.send("m3"));
  expect(publisher.deferredCount).toBe(1);
  const taken = bus.next();
  bus.state.up = true;
  await taken;
  expect(bus.taken).toEqual(["m3"]);
  await new Promise<void>((resolve) => {
    const check = () => (publisher.deferredCount === 0 ? resolve() : setTimeout(check, 10));
    check();
  });
  // Back to live publishing.
  await publisher.publish("public:general", bus.send("m4"));
  expect(bus.taken).toEqual(["m3", "m4"]);
  publisher.stop();
});

test("a failed publish of one stream does not hold up another stream that works", async () => {
  const publisher = new ChatPublisher(50, silent);
  const taken: string[] = [];
  await publisher.publish("dm:a:b", () => Promise.reject(new Error("refused")));
  await publisher.publish("public:trade", async () => void taken.push("t1"));
  expect(taken).toEqual(["t1"]);
  expect(publisher.deferredCount).toBe(1);
  publisher.stop();
});
