import { matchMaker } from "@colyseus/core";
import { connect, type Connection, type Player } from "./factories";
import { createLobbyOn } from "./placement";
import type { TwoProcesses } from "./two-processes";

/** p1: the server in this Jest process; p2: the child process. */
export type Side = "p1" | "p2";

/**
 * Where a two-process test puts its players: each side's HTTP URL, and a lobby connection opened
 * on that side's process (checked: a connection on p1 is in a room of this process, on p2 not).
 * `procs` is read when called (it is assigned in beforeAll).
 */
export function twoProcessSides(procs: () => TwoProcesses) {
  const url = (side: Side): string => (side === "p1" ? procs().t.url : procs().child.url);
  const connectOn = async (side: Side, account: Player): Promise<Connection> => {
    const conn = await connect(account, { roomId: await createLobbyOn(side === "p1" ? undefined : procs().childProcessId) });
    expect(Boolean(matchMaker.getLocalRoomById(conn.room.roomId))).toBe(side === "p1");
    return conn;
  };
  return { url, connectOn };
}
