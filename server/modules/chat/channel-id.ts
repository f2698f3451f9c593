import { PUBLIC_CHANNEL_NAME } from "../../../shared/schemas/chat";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type ParsedChannel =
  | { kind: "public"; name: string }
  | { kind: "dm"; members: [string, string] }
  | { kind: "party"; partyId: string };

/** Parses a channel id; null when it is not well-formed. */
export function parseChannelId(id: string): ParsedChannel | null {
  const [kind, ...rest] = id.split(":");
  if (kind === "public" && rest.length === 1 && PUBLIC_CHANNEL_NAME.test(rest[0]!)) return { kind, name: rest[0]! };
  if (kind === "party" && rest.length === 1 && UUID.test(rest[0]!)) return { kind, partyId: rest[0]! };
  if (kind === "dm" && rest.length === 2 && UUID.test(rest[0]!) && UUID.test(rest[1]!) && rest[0]! < rest[1]!) {
    return { kind, members: [rest[0]!, rest[1]!] };
  }
  return null;
}
