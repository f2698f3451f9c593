import { CloseCode } from "../../shared/codes";

/**
 * Close codes that mean the network went away: the same ones on which @colyseus/sdk retries
 * (GOING_AWAY 1001, NO_STATUS 1005, ABNORMAL 1006 — also what a heartbeat termination gives —
 * and MAY_TRY_RECONNECT 4010). After any other code the seat is not held: the client left, broke
 * a limit (1009 too big, 4002 flood or error), or the server ended the connection (4001, 41xx).
 */
const NETWORK_LOSS: ReadonlySet<number> = new Set([1001, 1005, 1006, CloseCode.MayTryReconnect]);

export function holdsSeatAfter(code: number | undefined, reconnectSeconds: number): boolean {
  return reconnectSeconds > 0 && code !== undefined && NETWORK_LOSS.has(code);
}

/** When a seat held from `droppedAt` stops accepting the reconnect (epoch ms, injected clock). */
export function reconnectDeadline(droppedAt: number, reconnectSeconds: number): number {
  return droppedAt + reconnectSeconds * 1000;
}
