import { departures, lobbyListings, localRoom, REALTIME_TEST_ENV } from "../helpers/realtime";
import { castOf, expectClosedBy, expectStillOpen, leaveAll, NO_SWEEP, revocationCases, REVOCATION_TIMEOUT_MS } from "../helpers/revocation-cases";
import { CloseCode } from "../../shared/codes";
import { startTestServer, type TestServer } from "../helpers/test-server";
import { until } from "../helpers/until";

// One process, LocalPresence: the revocation event goes from the HTTP route to the room in memory.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ...REALTIME_TEST_ENV, ...NO_SWEEP });
});
afterAll(() => t.close());

revocationCases(() => t);

test(
  "the closed connection leaves the room: its seat and its count are gone",
  async () => {
    const { alice1, alice2, bob } = await castOf(t);
    const room = localRoom(alice1.room.roomId);
    const countBefore = room.clients.length;
    const departed = departures(room, [alice1.room.sessionId, alice2.room.sessionId]);

    await alice1.client.http.logoutAll(alice1.client.accessToken);
    await expectClosedBy(alice1, CloseCode.SessionRevoked);
    await expectClosedBy(alice2, CloseCode.SessionRevoked);
    await expectStillOpen(bob);

    // The clients saw the close frame; the room drops them once the server's side of each socket
    // has closed too (the closing handshake's reply), a moment later.
    await until(() => room.clients.length === countBefore - 2, { timeoutMs: 10_000 });
    expect([...room.clients].map((c) => c.sessionId)).toEqual([bob.room.sessionId]);
    // The listing's count drops once the room is done with them (their presence went offline first).
    await departed;
    const listing = (await lobbyListings()).find((l) => l.roomId === room.roomId);
    expect(listing?.clients).toBe(countBefore - 2);
    await leaveAll(bob);
  },
  REVOCATION_TIMEOUT_MS,
);
