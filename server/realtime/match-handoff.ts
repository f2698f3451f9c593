import { matchMaker } from "@colyseus/core";
import { RoomName } from "../../shared/rooms";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import type { MatchFoundMessage } from "../../shared/schemas/matchmaking";
import type { AccountEventBus } from "../modules/events/account-events";
import type { BackfillHandoff, BackfillHold, BackfillOffer } from "../modules/matchmaking/backfill.service";
import type { FormedMatch, MatchHandoff } from "../modules/matchmaking/matchmaking.service";
import type { MatchAuth, MatchRoomOptions } from "./rooms/match.room";

/**
 * Creates the match room (on whichever process the driver picks), reserves a seat per player and
 * sends each reservation through the player's account channel to their lobby connection. For a
 * backfill, asks the running match room (on whichever process holds it) to hold a leaver's seat.
 */
export class ColyseusMatchHandoff implements MatchHandoff, BackfillHandoff {
  constructor(private readonly bus: AccountEventBus) {}

  async start(match: FormedMatch): Promise<void> {
    const options: MatchRoomOptions = {
      matchId: match.id,
      mode: match.mode.id,
      teams: match.teams,
      deadline: match.deadline,
      settings: match.settings ?? {},
      backfillPercent: match.backfillPercent ?? null,
    };
    const room = await matchMaker.createRoom(RoomName.Match, options);
    const seats = await Promise.all(
      match.teams.flatMap((team, index) =>
        team.map(async (player) => {
          const auth: MatchAuth = { accountId: player.accountId, username: player.username, displayName: player.displayName, matchId: match.id };
          return { player, team: index, reservation: await matchMaker.reserveSeatFor(room, {}, auth) };
        }),
      ),
    );
    await Promise.all(
      seats.map(({ player, team, reservation }) => {
        const found: MatchFoundMessage = {
          matchId: match.id,
          mode: match.mode.id,
          region: match.region,
          team,
          deadline: new Date(match.deadline).toISOString(),
          reservation: { ...reservation },
        };
        return this.bus.publish(player.accountId, { kind: "deliver", type: LobbyServerMessage.MatchFound, payload: found });
      }),
    );
  }

  async hold(offer: BackfillOffer): Promise<BackfillHold> {
    // A room on another process answers through the driver's IPC, within Colyseus' short remote-call
    // timeout (it throws past it). A room that no longer exists anywhere cannot take anyone.
    if (!(await matchMaker.getRoomById(offer.roomId))) return "closed";
    const held: unknown = await matchMaker.remoteRoomCall(offer.roomId, "holdBackfill", [offer.requestId, offer.player, offer.deadline]);
    return held === "held" || held === "busy" ? held : "closed";
  }

  async seat(offer: BackfillOffer): Promise<void> {
    const room = await matchMaker.getRoomById(offer.roomId);
    if (!room) throw new Error(`match room ${offer.roomId} is gone`);
    const auth: MatchAuth = { accountId: offer.player.accountId, username: offer.player.username, displayName: offer.player.displayName, matchId: offer.matchId, backfill: offer.requestId };
    const reservation = await matchMaker.reserveSeatFor(room, {}, auth);
    const found: MatchFoundMessage = {
      matchId: offer.matchId,
      mode: offer.mode,
      region: offer.region,
      team: offer.team,
      deadline: new Date(offer.deadline).toISOString(),
      reservation: { ...reservation },
      backfill: true,
    };
    await this.bus.publish(offer.player.accountId, { kind: "deliver", type: LobbyServerMessage.MatchFound, payload: found });
  }
}
