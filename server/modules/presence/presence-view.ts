import type { Presence } from "../../../shared/schemas/presence";
import type { PresenceRecord } from "./presence.store";

/** What friends see: offline when no connection is live or the player chose invisible. */
export function visiblePresence(record: PresenceRecord, lastSeenAt: Date | null): Presence {
  if (record.connections === 0 || record.status === "invisible") {
    return lastSeenAt ? { status: "offline", lastSeenAt: lastSeenAt.toISOString() } : { status: "offline" };
  }
  // A search, a match or a custom game lobby shows in place of the party.
  const kind = record.activity?.kind;
  const activity = kind === "queue" || kind === "match" || kind === "gameLobby" ? record.activity : (record.partyActivity ?? record.activity);
  return {
    status: record.status ?? "online",
    ...(activity ? { activity } : {}),
    ...(record.text ? { text: record.text } : {}),
  };
}
