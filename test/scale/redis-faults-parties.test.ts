import { ErrorCode } from "../../shared/codes";
import { LobbyClientMessage as M } from "../../shared/schemas/lobby";
import type { PartyInviteMessage, PartySnapshotMessage } from "../../shared/schemas/party";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import { attempt, type Outcome } from "../helpers/chat";
import { captureLogs, type LogCapture } from "../helpers/log-capture";
import { freshRegion, hasMembers, matchFound, ok, PARTY_TEST_ENV, partyUpdate } from "../helpers/parties";
import { befriend, connect, leave, newAccount, type Connection } from "../helpers/presence";
import { testRedisUrl } from "../helpers/redis";
import { until } from "../helpers/until";
import { TcpProxy } from "../helpers/tcp-proxy";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Parties and matchmaking with Redis behind a proxy that cuts or blackholes it, then restores it.
// A request during the outage is answered or refused with service_unavailable (never
// internal_error); what was acknowledged is not lost (an invite reaches its player, a queued ticket
// is matched without queueing again); everything works once Redis is back, without a restart.
let redis: TcpProxy;
let t: TestServer;
let logs: LogCapture;

beforeAll(async () => {
  redis = await TcpProxy.start({ host: "127.0.0.1", port: 6379 });
  logs = captureLogs("info");
  t = await startTestServer(
    { ...PARTY_TEST_ENV, REDIS_URL: redis.rewrite(await testRedisUrl()), REDIS_COMMAND_TIMEOUT_MS: "1000" },
    { start: { logger: logs.logger } },
  );
}, 30_000);
afterAll(async () => {
  await redis.restore();
  await t.close();
  await redis.close();
});

const readyz = async (): Promise<number> => (await fetch(`${t.url}/readyz`)).status;

type Kind = "blackhole" | "cut";

/** Runs `during` once the process reports Redis out (`kind`), restores it, waits until it reports it back. */
async function outage<T>(kind: Kind, during: () => Promise<T>): Promise<T> {
  await until(async () => (await readyz()) === 200);
  if (kind === "cut") await redis.cut();
  else redis.blackhole();
  let result: T;
  try {
    await until(async () => (await readyz()) === 503);
    result = await during();
  } finally {
    await redis.restore();
  }
  await until(async () => (await readyz()) === 200);
  return result;
}

/** Refusal codes other than service_unavailable among these outcomes (expected: none). */
const unexpected = (...outcomes: Outcome<unknown>[]): string[] =>
  outcomes.flatMap((o) => o.errors.map((e) => e.code)).filter((code) => code !== ErrorCode.ServiceUnavailable);

async function pair(): Promise<[Connection, Connection]> {
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(a, b);
  return [await connect(a), await connect(b)];
}

describe.each<Kind>(["blackhole", "cut"])("Redis %s", (kind) => {
  test("parties: an invite acknowledged during the outage reaches the friend; the party forms once Redis is back", async () => {
    const [ca, cb] = await pair();
    const from = cb.log.mark;
    const [created, invited] = await outage(kind, async () => {
      const create = await attempt(ca, M.PartyCreate, {});
      const invite = create.errors.length === 0 ? await attempt(ca, M.PartyInvite, { accountId: cb.account.id }) : create;
      return [create, invite] as const;
    });
    expect(unexpected(created, invited)).toEqual([]);
    if (created.errors.length > 0) await ok(ca, M.PartyCreate);
    let partyId: string;
    if (invited.errors.length === 0) {
      // Acknowledged: it arrives, live or in the party snapshot of the refresh after the outage.
      const live = cb.log.waitFor<PartyInviteMessage>(LobbyServerMessage.PartyInvite, (i) => i.from.id === ca.account.id, from);
      const snapshot = cb.log
        .waitFor<PartySnapshotMessage>(LobbyServerMessage.PartySnapshot, (s) => s.invites.some((i) => i.from.id === ca.account.id), from)
        .then((s) => s.invites.find((i) => i.from.id === ca.account.id)!);
      partyId = (await Promise.race([live, snapshot])).partyId;
    } else {
      await ok(ca, M.PartyInvite, { accountId: cb.account.id });
      partyId = (await cb.log.waitFor<PartyInviteMessage>(LobbyServerMessage.PartyInvite, (i) => i.from.id === ca.account.id, from)).partyId;
    }
    await ok(cb, M.PartyAccept, { partyId });
    const everyone = [ca.account, cb.account];
    await Promise.all([ca, cb].map((c) => partyUpdate(c, hasMembers(...everyone))));
    await leave(ca, cb);
  }, 30_000);

  test("matchmaking: tickets acknowledged during the outage are matched once Redis is back, without queueing again", async () => {
    const [ca, cb] = await pair();
    const region = freshRegion();
    const mm = t.server.services.matchmaking;
    const joins = await outage(kind, async () => {
      const out = [await attempt(ca, M.QueueJoin, { mode: "duel", region }), await attempt(cb, M.QueueJoin, { mode: "duel", region })];
      // A tick now may form the match; its hand-off needs Redis (room creation, seat messages):
      // failed, the match is called off and the tickets go back in line.
      await mm.tick().catch(() => undefined);
      return out;
    });
    expect(unexpected(...joins)).toEqual([]);
    const from = [ca.log.mark, cb.log.mark];
    for (const [i, join] of joins.entries()) if (join.errors.length > 0) await ok([ca, cb][i]!, M.QueueJoin, { mode: "duel", region });
    await until(async () => (await mm.tick()).length > 0);
    const [fa, fb] = await Promise.all([matchFound(ca, from[0]), matchFound(cb, from[1])]);
    expect(fa.matchId).toBe(fb.matchId);
    await leave(ca, cb);
  }, 30_000);
});

test("nothing the outages caused was logged as an unhandled or internal error", () => {
  const bad = logs.lines().filter((l) => /unhandled|uncaught/i.test(String(l.msg)) || (Number(l.level) >= 50 && /internal/i.test(String(l.msg))));
  expect(bad).toEqual([]);
});
