import { LobbyServerMessage } from "../../shared/schemas/lobby";
import { befriend, connect, inSnapshot, isStatus, leave, newAccount, settle, updatesAbout } from "../helpers/presence";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { startTestServer, type TestServer } from "../helpers/test-server";

// Updates that race a join: a friend changes its text over and over (through PresenceService, as
// the server would) while several connections of the watcher join. Whatever the interleaving,
// each connection gets the snapshot first, then only newer texts, in order, ending on the last.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, LOBBY_SESSION_SWEEP_SECONDS: "3600" });
});
afterAll(() => t.close());

const CHANGES = 40;
const JOINS = 6;

test("presence updates racing the join snapshot never come before it and never go backwards", async () => {
  const [watcher, friend] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(watcher, friend);
  const friendConn = await connect(friend);
  const who = { accountId: friend.id, username: friend.username, displayName: friend.username };

  const changing = (async () => {
    for (let i = 1; i <= CHANGES; i += 1) await t.server.services.presence.setStatus(who, { text: String(i) });
  })();
  const joins = await Promise.all(Array.from({ length: JOINS }, () => connect(watcher)));
  await changing;
  await settle(...joins);

  for (const conn of joins) {
    const types = conn.log.types();
    const snapshotAt = types.indexOf(LobbyServerMessage.PresenceSnapshot);
    expect(snapshotAt).toBeGreaterThanOrEqual(0);
    expect(types.slice(0, snapshotAt)).not.toContain(LobbyServerMessage.PresenceUpdate);
    const start = Number(inSnapshot(conn, friend)?.text ?? 0);
    const seen = updatesAbout(conn, friend).map((p) => Number(p.text));
    // Strictly increasing, all after the snapshot's, ending with the last change (unless the snapshot had it).
    expect(seen).toEqual([...seen].sort((x, y) => x - y).filter((n, i, all) => all.indexOf(n) === i));
    expect(seen.every((n) => n > start)).toBe(true);
    expect(seen.length > 0 ? seen[seen.length - 1] : start).toBe(CHANGES);
  }
  await leave(friendConn, ...joins);
});

test("a friend going offline while the watcher joins ends offline for every connection", async () => {
  const [watcher, friend] = await Promise.all([newAccount(t.url), newAccount(t.url)]);
  await befriend(watcher, friend);
  const friendConn = await connect(friend);
  const [joins] = await Promise.all([Promise.all(Array.from({ length: JOINS }, () => connect(watcher))), leave(friendConn)]);
  await settle(...joins);
  for (const conn of joins) {
    const last = updatesAbout(conn, friend).at(-1) ?? inSnapshot(conn, friend);
    expect(last).toMatchObject({ status: "offline" });
    expect(updatesAbout(conn, friend).filter(isStatus("offline")).length).toBeLessThanOrEqual(1);
  }
  await leave(...joins);
});
