import { matchMaker } from "@colyseus/core";
import type { LobbyServer } from "../../server/lobby-server";
import type { StatsWindow } from "./process-stats";

/**
 * Times the steps of a presence change inside the server, without touching server code: the
 * service call as a whole, and (reaching into the service's dependencies) the database and
 * presence-store calls it makes. Only names that exist are wrapped, so a refactor of the service
 * drops a timing rather than breaking the benchmark.
 */
export function instrumentLobby(server: LobbyServer, stats: StatsWindow): void {
  stats.describe(() => ({ rooms: matchMaker.stats.local.roomCount, clients: matchMaker.stats.local.ccu }));
  instrumentChat(server, stats);
  const presence = server.services.presence;
  stats.timeMethod(presence, "setStatus", "presence.setStatus (whole change)");
  const deps = (presence as unknown as { d?: Record<string, Record<string, unknown>> }).d;
  if (!deps) return;
  const wrap = (holder: string, method: string, label: string) => {
    const target = deps[holder];
    if (target && typeof target[method] === "function") stats.timeMethod(target, method, label);
  };
  wrap("repo", "savePreference", "db: save status (UPDATE accounts)");
  wrap("friends", "friendIds", "db: friend ids (SELECT friend_edges)");
  wrap("store", "read", "store: read presence hash");
  wrap("store", "update", "store: update presence hash");
  wrap("store", "nextVersion", "store: next version (HINCRBY)");
}

/**
 * The steps of a chat message inside the server, the same way: the whole ChatService.send
 * (moderation, the mute check, the insert with its seq, the publish), and gap fills (a
 * connection's cursor fetching messages it saw out of order; 0 when publishes arrive in order).
 */
function instrumentChat(server: LobbyServer, stats: StatsWindow): void {
  const chat = server.services.chat as unknown as Record<string, unknown> | undefined;
  if (!chat) return;
  if (typeof chat.send === "function") stats.timeMethod(chat, "send", "chat.send (whole message)");
  if (typeof chat.gap === "function") stats.timeMethod(chat, "gap", "chat.gap (cursor gap fill)");
  const deps = (chat as { d?: Record<string, Record<string, unknown>> }).d;
  if (!deps) return;
  const wrap = (holder: string, method: string, label: string) => {
    const target = deps[holder];
    if (target && typeof target[method] === "function") stats.timeMethod(target, method, label);
  };
  wrap("repo", "activeMute", "db: active mute (SELECT chat_mutes)");
  wrap("repo", "append", "db: append (tx: UPDATE last_seq + INSERT)");
  wrap("topics", "publish", "topics.publish (LocalPresence: includes the fan-out)");
}
