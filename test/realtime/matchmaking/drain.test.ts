import { CloseCode } from "../../../shared/codes";
import { LobbyClientMessage as M } from "../../../shared/schemas/lobby";
import { createTestDatabase } from "../../helpers/database";
import { closeCode, freshRegion, matchFound, ok, PARTY_TEST_ENV, phaseIs, roomState } from "../../helpers/parties";
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
