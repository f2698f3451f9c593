import type { Room } from "@colyseus/core";

/**
 * Colyseus keeps a room's seat reservations in two private maps (0.18: `_reservedSeats`, whose
 * entries are `[joinOptions, authData, consumed, ...]`, and `_reservedSeatTimeouts`, each seat's
 * real-time expiry timer). A joined client's seat is non-enumerable there: only unconsumed seats
 * are listed. These helpers give seats up before their real-time expiry.
 */
type SeatMaps = {
  _reservedSeats: Record<string, [unknown, { accountId?: string } | undefined, ...unknown[]]>;
  _reservedSeatTimeouts: Record<string, ReturnType<typeof setTimeout>>;
};

const mapsOf = (room: Room): SeatMaps => room as unknown as SeatMaps;

/** Gives up every unconsumed seat, or only `accountId`'s. */
export function releaseUnconsumedSeats(room: Room, accountId?: string): void {
  const { _reservedSeats: seats, _reservedSeatTimeouts: timers } = mapsOf(room);
  for (const [sessionId, seat] of Object.entries(seats)) {
    if (accountId !== undefined && seat[1]?.accountId !== accountId) continue;
    clearTimeout(timers[sessionId]);
    delete timers[sessionId];
    delete seats[sessionId];
  }
}

/** Stops every seat's expiry timer (a disposed room's timers would hold the process open). */
export function clearSeatTimers(room: Room): void {
  const timers = mapsOf(room)._reservedSeatTimeouts;
  for (const sessionId of Object.keys(timers)) clearTimeout(timers[sessionId]);
}
