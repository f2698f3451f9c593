import type { Presence } from "../../../shared/schemas/presence";
import type { PresenceRecord } from "./presence.store";

/** What friends see: offline when no connection is live or the player chose invisible. */
export function visiblePresence(record: PresenceRecord, lastSeenAt: Date | null): Presence {
  if (record.connections === 0 || record.status === "invisible") {
    return lastSeenAt ? { status: "offline", lastSeenAt: lastSeenAt.toISOString() } : { status: "offline" };
  }
  return {
    status: record.status ?? "online",
    ...(record.activity ? { activity: record.activity } : {}),
    ...(record.text ? { text: record.text } : {}),
  };
}
