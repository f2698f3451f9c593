import { matchMaker } from "@colyseus/core";
import { LobbyClient } from "../../shared/client/lobby-client";
import { createLobbyOn } from "../helpers/placement";
import { REALTIME_TEST_ENV } from "../helpers/realtime";
import { GOOD_PASSWORD, uniqueUsername } from "../helpers/test-server";
import { startTwoProcesses, type TwoProcesses } from "../helpers/two-processes";
import { checkUnhandledMessages } from "../helpers/protocol-check";

// A join admitted by one process (its matchmake request) whose seat is in a room on another
// process gives its slot back as soon as that process has opened the connection: with one slot
// and no queue, players admitted here one after another all get in.
let procs: TwoProcesses;
beforeAll(async () => {
  procs = await startTwoProcesses({ ...REALTIME_TEST_ENV, JOIN_MAX_IN_FLIGHT: "1", JOIN_QUEUE_MAX: "0" });
});
afterAll(() => procs.close());

const inFlight = async (): Promise<number> =>
  (await procs.t.server.metrics.admissionInFlight.get()).values.find((v) => v.labels.gate === "join")?.value ?? 0;

test("the other process hands the slot back: three players admitted here, seated there, one slot", async () => {
  const released: string[] = [];
  const channel = `lobby:join-admission:${procs.t.server.services.processId}`;
  let onRelease: () => void = () => undefined;
  const listener = (ticket: string) => {
    released.push(ticket);
    onRelease();
  };
  await matchMaker.presence.subscribe(channel, listener);
  try {
    for (let i = 0; i < 3; i++) {
      const client = new LobbyClient(procs.t.url, { busyRetry: { retries: 0 } });
      await client.register({ username: uniqueUsername("ja"), password: GOOD_PASSWORD });
      // A fresh room there each time (a room is gone once its last player left).
      const roomId = await createLobbyOn(procs.childProcessId);
      const handedBack = new Promise<void>((resolve) => (onRelease = resolve));
      const session = await client.joinLobbyById(roomId, checkUnhandledMessages);
      expect(session.room.roomId).toBe(roomId);
      await handedBack;
      expect(await inFlight()).toBe(0);
      await session.room.leave();
    }
    expect(released).toHaveLength(3);
  } finally {
    matchMaker.presence.unsubscribe(channel, listener);
  }
});
