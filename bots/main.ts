/**
 * npm run bots -- --count 20 --mode duel: headless players through the SDK (shared/client) that
 * sign in, befriend each other, chat politely, queue and play matches until stopped (Ctrl-C).
 */
import { parseArgs } from "node:util";
import { runBots } from "./run-bots";

const HELP = `Usage: npm run bots -- [options]

  --url <url>            lobby server (default http://localhost:2567)
  --count <n>            number of bots (default 4; an even number fills duels)
  --mode <mode>          game mode to queue for, one of the server's GAME_MODES (default duel)
  --region <region>      region to queue in, one of MATCH_REGIONS (default eu)
  --prefix <name>        usernames are <prefix>_<n>; existing ones log in (default bot)
  --password <pw>        the bots' password (default bot-password-123)
  --channel <id>         public channel to chat in (default public:general)
  --chat-every <s>       seconds between a bot's chat lines, at least 6; 0 = silent (default 30)
  --matches <n>          matches per bot, then it stops (default 0 = until Ctrl-C)
  --duration <s>         stop after this many seconds (default 0 = until Ctrl-C)
  --help                 this text

The bots keep to the server's limits: 18 messages a second at most, chat well under the flood
limit and never the same line twice, one score per cooldown, register/login a few at a time.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: "string", default: "http://localhost:2567" },
      count: { type: "string", default: "4" },
      mode: { type: "string", default: "duel" },
      region: { type: "string", default: "eu" },
      prefix: { type: "string", default: "bot" },
      password: { type: "string", default: "bot-password-123" },
      channel: { type: "string", default: "public:general" },
      "chat-every": { type: "string", default: "30" },
      matches: { type: "string", default: "0" },
      duration: { type: "string", default: "0" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a whole number, got "${v}"`);
    return n;
  };
  const log = (line: string) => console.log(`[bots] ${line}`);
  const run = await runBots({
    url: values.url,
    count: Math.max(1, int("count", values.count)),
    mode: values.mode,
    region: values.region,
    prefix: values.prefix,
    password: values.password,
    channel: values.channel,
    chatEverySeconds: int("chat-every", values["chat-every"]),
    matches: int("matches", values.matches),
    log,
  });
  const report = setInterval(() => log(JSON.stringify(run.totals())), 10_000);
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    log(`stopping (${why})`);
    const totals = await run.stop();
    log(`done: ${JSON.stringify(totals)}`);
    process.exit(totals.serverErrors > 0 ? 1 : 0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  const duration = int("duration", values.duration);
  if (duration > 0) setTimeout(() => void stop(`${duration} s`), duration * 1000);
  await run.finished;
  await stop("every bot played its matches");
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
