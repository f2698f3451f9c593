/**
 * Fakes only `Date` (every timer, tick and performance API stays real), so code that reads
 * Date.now() — like the in-memory rate limiter — sees time move without the test sleeping.
 */
export async function withFakeDate<T>(fn: (advance: (ms: number) => void) => Promise<T>): Promise<T> {
  jest.useFakeTimers({
    doNotFake: [
      "hrtime",
      "nextTick",
      "performance",
      "queueMicrotask",
      "requestAnimationFrame",
      "cancelAnimationFrame",
      "requestIdleCallback",
      "cancelIdleCallback",
      "setImmediate",
      "clearImmediate",
      "setInterval",
      "clearInterval",
      "setTimeout",
      "clearTimeout",
    ],
    now: Date.now(),
  });
  try {
    return await fn((ms) => jest.setSystemTime(Date.now() + ms));
  } finally {
    jest.useRealTimers();
  }
}
