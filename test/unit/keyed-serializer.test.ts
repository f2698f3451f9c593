import { KeyedSerializer } from "../../server/lib/keyed-serializer";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

test("tasks of one key run one at a time in submission order; other keys are not held up", async () => {
  const s = new KeyedSerializer();
  const order: string[] = [];
  const gate = deferred();
  const first = s.run("a", async () => {
    await gate.promise;
    order.push("a1");
  });
  const second = s.run("a", async () => void order.push("a2"));
  await s.run("b", async () => void order.push("b1"));
  expect(order).toEqual(["b1"]);
  gate.resolve();
  await Promise.all([first, second]);
  expect(order).toEqual(["b1", "a1", "a2"]);
});

test("a failing task rejects its caller only; the next one still runs", async () => {
  const s = new KeyedSerializer();
  const failed = s.run("a", async () => {
    throw new Error("boom");
  });
  const next = s.run("a", async () => 42);
  await expect(failed).rejects.toThrow("boom");
  await expect(next).resolves.toBe(42);
});
