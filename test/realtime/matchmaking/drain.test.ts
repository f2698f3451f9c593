import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { createTestDatabase } from "../../helpers/database";
import { onlinePlayers } from "../../helpers/factories";
import { duelInPlay, seatedMatch } from "../../helpers/factories-match";
import { freshRegion, matchCancelled, matchFound, ok, PARTY_TEST_ENV } from "../../helpers/parties";
import { startTestServer } from "../../helpers/test-server";

// Draining (what SIGTERM runs): a match being played is called off without touching ratings,
// a match still forming hands its players back; everyone is told with SERVER_SHUTDOWN (4001).
test("a drained process calls off its matches without a result and closes them with 4001", async () => {
  const db = await createTestDatabase();
  const t = await startTestServer({ ...PARTY_TEST_ENV }, { db });
  const [sa, sb] = await duelInPlay(t);
  const [a, b] = [sa.account, sb.account];
  const fa = sa.found;

  await t.close();
  expect(await Promise.all([sa.closed, sb.closed])).toEqual([CloseCode.ServerShutdown, CloseCode.ServerShutdown]);
  const { Client } = await import("pg");
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ status: string; end_reason: string }>("SELECT status, end_reason FROM matches WHERE id = $1", [fa.matchId]);
    expect(rows).toEqual([{ status: "CANCELLED", end_reason: "server_shutdown" }]);
    const ratings = await pg.query("SELECT 1 FROM ratings WHERE account_id IN ($1, $2)", [a.id, b.id]);
    expect(ratings.rowCount).toBe(0);
  } finally {
    await pg.end();
    await db.drop();
  }
});

test("when the process hosting a match dies, survivors end it: forming matches requeue, played ones end without a result", async () => {
  const db = await createTestDatabase();
  const t = await startTestServer({ ...PARTY_TEST_ENV }, { db });
  try {
    const region = freshRegion();
    const conns = await onlinePlayers(t.url, 4);
    // Match 1 is played (both joined); match 2 is still forming (nobody joined).
    const [s0] = await seatedMatch(t, [conns[0]!, conns[1]!], { region });
    const f0 = s0.found;
    await ok(conns[2]!, M.QueueJoin, { mode: "duel", region });
    await ok(conns[3]!, M.QueueJoin, { mode: "duel", region });
    await t.server.services.matchmaking.tick();
    const f2 = await matchFound(conns[2]!);
    const from = conns[2]!.log.mark;

    await t.server.services.matchmaking.hostLost(t.server.services.processId);

    const { Client } = await import("pg");
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ id: string; status: string; end_reason: string }>("SELECT id, status, end_reason FROM matches WHERE id = ANY($1)", [[f0.matchId, f2.matchId]]);
      expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.end_reason]]))).toEqual({
        [f0.matchId]: ["CANCELLED", "host_lost"],
        [f2.matchId]: ["CANCELLED", "host_lost"],
      });
    } finally {
      await pg.end();
    }
    // The forming match's players are searching again.
    expect(await matchCancelled(conns[2]!, from)).toEqual({ matchId: f2.matchId, requeued: true });
    expect(await matchCancelled(conns[3]!)).toEqual({ matchId: f2.matchId, requeued: true });
  } finally {
    await t.close();
    await db.drop();
  }
});
