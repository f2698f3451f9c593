import { formatPartyCode } from "../../../shared/party-codes";
import type { GameLobbySummary, GameLobbyView } from "../../../shared/schemas/game-lobby";
import type { GameLobbyActivity } from "../../../shared/schemas/presence";
import type { GameLobbyRow, GameLobbySummaryRow } from "./game-lobby.repo";

/** The first free slot, team by team (a joiner's seat). */
export function freeSlot(l: GameLobbyRow): { team: number; slot: number } | null {
  for (let team = 0; team < l.teamCount; team++) {
    for (let slot = 0; slot < l.teamSize; slot++) if (seatIsFree(l, team, slot)) return { team, slot };
  }
  return null;
}

export const seatIsFree = (l: GameLobbyRow, team: number, slot: number): boolean =>
  team < l.teamCount && slot < l.teamSize && !l.members.some((m) => m.team === team && m.slot === slot);

/**
 * Why the host cannot start yet (null: they can): at least two teams with a player (every slot
 * filled with requireFullTeams), and every player but the host ready.
 */
export function startProblem(l: GameLobbyRow): string | null {
  const teamsWithPlayers = new Set(l.members.map((m) => m.team)).size;
  if (teamsWithPlayers < 2) return "At least two teams need a player.";
  if (l.requireFullTeams && l.members.length < l.teamCount * l.teamSize) return "This lobby starts only with every slot filled.";
  if (l.members.some((m) => !m.ready && m.accountId !== l.hostId)) return "Every player must be ready.";
  return null;
}

export function viewOf(l: GameLobbyRow): GameLobbyView {
  return {
    id: l.id,
    name: l.name,
    mode: l.mode,
    region: l.region,
    hostId: l.hostId,
    visibility: l.visibility,
    hasPassword: l.passwordHash !== null,
    code: formatPartyCode(l.code),
    teamCount: l.teamCount,
    teamSize: l.teamSize,
    requireFullTeams: l.requireFullTeams,
    settings: l.settings,
    members: [...l.members]
      .sort((a, b) => a.team - b.team || a.slot - b.slot)
      .map((m) => ({ id: m.accountId, username: m.username, displayName: m.displayName, team: m.team, slot: m.slot, ready: m.ready || m.accountId === l.hostId })),
    canStart: startProblem(l) === null,
    version: l.version,
  };
}

export function summaryOf(r: GameLobbySummaryRow): GameLobbySummary {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    region: r.region,
    host: { id: r.hostId, username: r.hostUsername, displayName: r.hostDisplayName },
    hasPassword: r.hasPassword,
    players: r.players,
    maxPlayers: r.maxPlayers,
    settings: r.settings,
    createdAt: r.createdAt.toISOString(),
  };
}

/** What the browser shows of the lobby now; null once it is not listed (private). */
export function listingOf(l: GameLobbyRow): GameLobbySummary | null {
  if (l.visibility !== "public") return null;
  const host = l.members.find((m) => m.accountId === l.hostId);
  return summaryOf({
    ...l,
    hostUsername: host?.username ?? "",
    hostDisplayName: host?.displayName ?? "",
    hasPassword: l.passwordHash !== null,
    players: l.members.length,
    maxPlayers: l.teamCount * l.teamSize,
  });
}

/** What a seated player's friends see in their presence. */
export function activityOf(l: GameLobbyRow): GameLobbyActivity {
  const open = l.visibility === "public" && l.passwordHash === null;
  const maxSize = l.teamCount * l.teamSize;
  return {
    kind: "gameLobby",
    ...(open ? { lobbyId: l.id, name: l.name } : {}),
    mode: l.mode,
    size: l.members.length,
    maxSize,
    joinable: open && l.members.length < maxSize,
  };
}
