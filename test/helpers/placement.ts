import { matchMaker } from "@colyseus/core";
import { requestFromIPC } from "@colyseus/core/IPC";
import { RoomName } from "../../shared/rooms";

/**
 * Deterministic placement for multi-process tests. Matchmaking puts a new lobby instance on the
 * process with the fewest rooms (by stats persisted with a delay), so a test that needs a player on
 * a given process creates an instance there and joins it by id.
 */

/** Colyseus' matchmaking channel of a process (MatchMaker's getProcessChannel). */
const processChannel = (processId: string): string => `p:${processId}`;

/** Process ids of the other servers sharing this process' Redis (from Colyseus' process stats). */
export async function otherProcessIds(): Promise<string[]> {
  const all = await matchMaker.stats.fetchAll();
  return all.map((s) => s.processId).filter((id) => id !== matchMaker.processId);
}

/** Creates an empty lobby instance on `processId` (this process or another) and returns its room id. */
export async function createLobbyOn(processId: string = matchMaker.processId): Promise<string> {
  if (processId === matchMaker.processId) return (await matchMaker.handleCreateRoom(RoomName.Lobby, {})).roomId;
  // What matchMaker.createRoom does once it has picked another process.
  const listing = await requestFromIPC<{ roomId: string }>(matchMaker.presence, processChannel(processId), undefined, [RoomName.Lobby, {}], 5_000);
  return listing.roomId;
}
