import { runBots, type BotsRun } from "../../bots/run-bots";
import { captureLogs, type LogCapture } from "../helpers/log-capture";
import { until } from "../helpers/until";
import { startTestServer, uniqueUsername, type TestServer } from "../helpers/test-server";

/** A few bots (bots/) against a real server: they play to a result, and nothing goes wrong on either side. */

let t: TestServer;
let logs: LogCapture;
/** Every run this file started: stopped before the server closes, even when the test failed midway. */
const runs: BotsRun[] = [];
const started = async (run: Promise<BotsRun>): Promise<BotsRun> => {
  const r = await run;
  runs.push(r);
  return r;
};
beforeAll(async () => {
  logs = captureLogs("info");
  t = await startTestServer(
    { MATCH_TICK_MS: "100", MATCH_TARGET_SCORE: "3", MATCH_SCORE_COOLDOWN_MS: "50" },
    { start: { logger: logs.logger } },
  );
});
afterAll(async () => {
  await Promise.all(runs.map((r) => r.stop()));
  await t.close();
});

test("four bots sign in, befriend each other, chat and each play a duel to its result", async () => {
  const run = await started(runBots({
    url: t.url,
    count: 4,
    prefix: uniqueUsername("b").slice(0, 12),
    password: "bot-password-123",
    mode: "duel",
    region: "eu",
    channel: "public:general",
    chatEverySeconds: 6,
    matches: 1,
  }));
  await run.finished;
  // Each bot has a friend on either side of the ring.
  for (const bot of run.bots) {
    await until(async () => (await bot.client.api.friends()).items.filter((f) => f.state === "friend").length === 2);
  }
  const totals = await run.stop();
  expect(run.bots.map((b) => b.stats.matches)).toEqual([1, 1, 1, 1]);
  expect(totals.wins).toBe(2);
  expect(totals.serverErrors).toBe(0);
  expect(logs.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);

  // Run again with the same names: the bots log in instead of registering.
  const again = await started(runBots({ ...run.bots[0]!.o, count: 2, prefix: run.bots[0]!.o.username.replace(/_1$/, ""), matches: 1, chatEverySeconds: 0 }));
  await again.finished;
  expect((await again.stop()).serverErrors).toBe(0);
  // Four sign-ins, a ring of friends, four matches played to 3 points, then two more: about 20 s
  // on a quiet machine, near 30 s with the rest of the suite beside it.
}, 90_000);
