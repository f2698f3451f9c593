import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { createTestDatabase } from "../../helpers/database";
import { closeCode, freshRegion, matchCancelled, matchFound, ok, PARTY_TEST_ENV, phaseIs, roomState } from "../../helpers/parties";
import { connect, newAccount } from "../../helpers/presence";
import { startTestServer } from "../../helpers/test-server";

// Draining (what SIGTERM runs): a match being played is called off without touching ratings,
// a match still forming hands its players back; everyone is told with SERVER_SHUTDOWN (4001).
test("a drained process calls off its matches without a result and closes them with 4001", async () => {
  const db = await createTestDatabase();
  const t = await startTestServer({ ...PARTY_TEST_ENV }, { db });
  const region = freshRegion();
  const [a, b] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  const [ca, cb] = await Promise.all([connect(a), connect(b)]);
  await ok(ca, M.QueueJoin, { mode: "duel", region });
  await ok(cb, M.QueueJoin, { mode: "duel", region });
  expect(await t.server.services.matchmaking.tick()).toHaveLength(1);
  const [fa, fb] = await Promise.all([matchFound(ca), matchFound(cb)]);
  const ra = await a.client.colyseus.consumeSeatReservation(fa.reservation as never);
  const rb = await b.client.colyseus.consumeSeatReservation(fb.reservation as never);
  await roomState(ra, phaseIs("playing"));
  const closed = Promise.all([closeCode(ra), closeCode(rb)]);

  await t.close();
  expect(await closed).toEqual([CloseCode.ServerShutdown, CloseCode.ServerShutdown]);
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
    const players = await Promise.all([0, 1, 2, 3].map(() => newAccount(t.url)));
    const conns = await Promise.all(players.map((p) => connect(p)));
    // Match 1 is played (both joined); match 2 is still forming (nobody joined).
    await ok(conns[0]!, M.QueueJoin, { mode: "duel", region });
    await ok(conns[1]!, M.QueueJoin, { mode: "duel", region });
    await t.server.services.matchmaking.tick();
    const [f0, f1] = await Promise.all([matchFound(conns[0]!), matchFound(conns[1]!)]);
    const r0 = await players[0]!.client.colyseus.consumeSeatReservation(f0.reservation as never);
    await players[1]!.client.colyseus.consumeSeatReservation(f1.reservation as never);
    await roomState(r0, phaseIs("playing"));
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
