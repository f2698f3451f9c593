import { matchMaker } from "@colyseus/core";
import { RoomName } from "../../shared/rooms";
import { LobbyServerMessage } from "../../shared/schemas/lobby";
import type { MatchFoundMessage } from "../../shared/schemas/matchmaking";
import type { AccountEventBus } from "../modules/events/account-events";
import type { FormedMatch, MatchHandoff } from "../modules/matchmaking/matchmaking.service";
import type { MatchAuth, MatchRoomOptions } from "./rooms/match.room";

/**
 * Creates the match room (on whichever process the driver picks), reserves a seat per player and
 * sends each reservation through the player's account channel to their lobby connection.
 */
export class ColyseusMatchHandoff implements MatchHandoff {
  constructor(private readonly bus: AccountEventBus) {}

  async start(match: FormedMatch): Promise<void> {
    const options: MatchRoomOptions = { matchId: match.id, mode: match.mode.id, teams: match.teams, deadline: match.deadline, settings: match.settings ?? {} };
    const room = await matchMaker.createRoom(RoomName.Match, options);
    const seats = await Promise.all(
      match.teams.flatMap((team, index) =>
        team.map(async (player) => {
          const auth: MatchAuth = { accountId: player.accountId, username: player.username, matchId: match.id };
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
}
