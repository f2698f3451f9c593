import { ManualClock } from "../../../server/lib/clock";
import { autoMuteDurationMs, DEFAULT_FLOOD, FloodGuard } from "../../../server/modules/chat/flood-guard";

describe("flood guard", () => {
  let clock: ManualClock;
  let guard: FloodGuard;
  beforeEach(() => {
    clock = new ManualClock();
    guard = new FloodGuard(DEFAULT_FLOOD, clock);
  });

  test("a burst of 5, then one per second", () => {
    for (let i = 0; i < 5; i++) expect(guard.check("a", `m${i}`)).toEqual({ ok: true });
    const refused = guard.check("a", "m5");
    expect(refused).toMatchObject({ ok: false, reason: "rate", mute: false });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBe(1000);
    clock.advance(1000);
    expect(guard.check("a", "m6")).toEqual({ ok: true });
    expect(guard.check("a", "m7")).toMatchObject({ ok: false, reason: "rate" });
  });

  test("players have separate buckets", () => {
    for (let i = 0; i < 5; i++) guard.check("a", `m${i}`);
    expect(guard.check("b", "hello")).toEqual({ ok: true });
  });

  test("repeating the same text (any case) within the cooldown is refused", () => {
    expect(guard.check("a", "Buy gold")).toEqual({ ok: true });
    clock.advance(2000);
    expect(guard.check("a", "buy GOLD")).toMatchObject({ ok: false, reason: "repeat", retryAfterMs: 28_000 });
    clock.advance(28_000);
    expect(guard.check("a", "buy gold")).toEqual({ ok: true });
  });

  test("three violations within a minute ask for a mute, then the count starts over", () => {
    for (let i = 0; i < 5; i++) guard.check("a", `m${i}`);
    expect(guard.check("a", "x1")).toMatchObject({ ok: false, mute: false });
    expect(guard.check("a", "x2")).toMatchObject({ ok: false, mute: false });
    expect(guard.check("a", "x3")).toMatchObject({ ok: false, mute: true });
    expect(guard.check("a", "x4")).toMatchObject({ ok: false, mute: false });
  });

  test("violations older than the window do not count", () => {
    for (let i = 0; i < 5; i++) guard.check("a", `m${i}`);
    guard.check("a", "x1");
    guard.check("a", "x2");
    clock.advance(61_000);
    for (let i = 0; i < 5; i++) guard.check("a", `n${i}`);
    expect(guard.check("a", "x3")).toMatchObject({ ok: false, mute: false });
  });

  test("automatic mutes escalate: 1 minute, then doubling", () => {
    expect([0, 1, 2, 3].map(autoMuteDurationMs)).toEqual([60_000, 120_000, 240_000, 480_000]);
  });
});
