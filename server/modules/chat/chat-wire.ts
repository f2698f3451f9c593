import type { ChatMessage } from "../../../shared/schemas/chat";
import type { MessageRow } from "./chat.repo";

export function toWire(row: MessageRow): ChatMessage {
  return {
    id: row.id.toString(),
    channelId: row.channelId,
    seq: Number(row.seq),
    sender: row.sender,
    text: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}
