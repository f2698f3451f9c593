import { Bot, type BotOptions, type BotStats } from "./bot";

export interface RunBotsOptions extends Omit<BotOptions, "username"> {
  count: number;
  /** Usernames are `<prefix>_<n>`: the same names log in again next time. */
  prefix: string;
  log?: (line: string) => void;
}

export interface BotsRun {
  bots: Bot[];
  /** Resolves when every bot is done (its match count reached) or stopped. */
  finished: Promise<void>;
  stop(): Promise<BotStats>;
  totals(): BotStats;
}

/** Signs the bots in (a few at a time: login is rate limited per IP), makes a ring of friends, then plays. */
export async function runBots(o: RunBotsOptions): Promise<BotsRun> {
  const log = o.log ?? (() => undefined);
  const bots = Array.from({ length: o.count }, (_, i) => new Bot({ ...o, username: `${o.prefix}_${i + 1}`.slice(0, 20) }));
  for (let i = 0; i < bots.length; i += 5) await Promise.all(bots.slice(i, i + 5).map((b) => b.signIn()));
  log(`${bots.length} bots signed in`);
  for (const [i, b] of bots.entries()) if (bots.length > 1) await b.befriend(bots[(i + 1) % bots.length]!.o.username);
  for (const b of bots) await b.connect();
  log(`${bots.length} bots in the lobby, queueing for ${o.mode} in ${o.region}`);
  const finished = Promise.all(bots.map((b) => b.play())).then(() => undefined);
  const totals = (): BotStats =>
    bots.reduce<BotStats>(
      (t, b) => ({
        matches: t.matches + b.stats.matches,
        wins: t.wins + b.stats.wins,
        chats: t.chats + b.stats.chats,
        serverErrors: t.serverErrors + b.stats.serverErrors,
        refusals: t.refusals + b.stats.refusals,
      }),
      { matches: 0, wins: 0, chats: 0, serverErrors: 0, refusals: 0 },
    );
  return {
    bots,
    finished,
    totals,
    async stop() {
      await Promise.all(bots.map((b) => b.stop()));
      await finished.catch(() => undefined);
      return totals();
    },
  };
}
