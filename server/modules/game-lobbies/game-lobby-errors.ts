import { AppError, ErrorCode } from "../../lib/errors";

export const lobbyNotFound = () => new AppError(ErrorCode.GameLobbyNotFound, "No such lobby (or it cannot be joined).");
export const notInLobby = () => new AppError(ErrorCode.NotInGameLobby, "You are not in a game lobby.");
export const alreadyInLobby = () => new AppError(ErrorCode.AlreadyInGameLobby, "You are already in a game lobby: leave it first.");
export const notHost = () => new AppError(ErrorCode.NotGameLobbyHost, "Only the lobby's host can do that.");
export const notMember = () => new AppError(ErrorCode.NotGameLobbyMember, "That player is not in your lobby.");
export const slotTaken = () => new AppError(ErrorCode.GameLobbySlotTaken, "That slot is taken or does not exist.");
export const playersBusy = () => new AppError(ErrorCode.InMatch, "A player is searching or in a match.");
