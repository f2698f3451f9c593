import type { ChatService } from "../../../modules/chat/chat.service";
import type { ChannelCursor } from "../../channel-cursor";
import type { ChatConnection } from "./chat-connection";
import { reachable } from "./chat-streams";

/** Most messages read per channel by one resync; a cursor further behind fills the rest itself. */
const RESYNC_READ_MAX = 200;

/**
 * Brings every open chat stream of a room's connections up to the channel's newest stored
 * message, after the backplane lost messages (its subscriber reconnected: whatever was published
 * meanwhile never arrived). One lastSeq read per channel of the room, one range read per channel
 * that some connection is behind in; the cursors skip what they already have, so nothing is
 * doubled, and emit in seq order, so nothing is reordered.
 */
export async function resyncCursors(chat: ChatService, connections: Iterable<ChatConnection>): Promise<void> {
  const byChannel = new Map<string, ChannelCursor[]>();
  for (const state of connections) {
    if (!state.cursors || !reachable(state)) continue;
    for (const [channelId, cursor] of state.cursors) {
      if (!cursor.isOpen) continue;
      const list = byChannel.get(channelId);
      if (list) list.push(cursor);
      else byChannel.set(channelId, [cursor]);
    }
  }
  for (const [channelId, cursors] of byChannel) {
    const upto = await chat.lastSeq(channelId);
    const behind = cursors.filter((c) => (c.position as number) < upto);
    if (behind.length === 0) continue;
    const from = Math.max(Math.min(...behind.map((c) => c.position as number)), upto - RESYNC_READ_MAX);
    const missed = await chat.gap(channelId, from, upto);
    for (const cursor of behind) for (const m of missed) cursor.offer(m);
  }
}
