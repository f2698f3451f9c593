import { matchMaker } from "@colyseus/core";
import type { Identity } from "../../modules/identity";
import type { SpectatorSeats } from "../../modules/matches/spectating.service";
import type { SpectatorAuth } from "./spectate.room";
import { spectateRoomId } from "./spectator-feeds";

/** Seats in the spectate room of a match, on whichever process holds it. */
export class ColyseusSpectatorSeats implements SpectatorSeats {
  async reserve(matchId: string, who: Identity): ReturnType<SpectatorSeats["reserve"]> {
    const room = await matchMaker.getRoomById(spectateRoomId(matchId));
    if (!room) return "gone";
    if (room.locked || room.clients >= room.maxClients) return "full";
    const auth: SpectatorAuth = { accountId: who.accountId, username: who.username, displayName: who.displayName, matchId, spectator: true };
    try {
      return { ...(await matchMaker.reserveSeatFor(room, {}, auth)) };
    } catch {
      // Refused by the room: it filled (reserved seats count) or closed meanwhile.
      return (await matchMaker.getRoomById(spectateRoomId(matchId))) ? "full" : "gone";
    }
  }
}
