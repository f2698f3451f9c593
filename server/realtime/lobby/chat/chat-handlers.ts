import { ErrorCode } from "../../../../shared/codes";
import { LobbyClientMessage } from "../../../../shared/schemas/lobby";
import type { Clock } from "../../../lib/clock";
import { AppError } from "../../../lib/errors";
import type { Limiter } from "../../../lib/rate-limit/limiter";
import { TokenBucket } from "../../../lib/token-bucket";
import type { ChatService } from "../../../modules/chat/chat.service";
import type { FeatureRouter } from "../feature";
import type { ChatConnection } from "./chat-connection";
import type { ChatStreams } from "./chat-streams";

export interface ChatJoinLimits {
  clock: Clock;
  /**
   * chat.join reads and sends history (up to 200 messages on a catch-up): a connection may make a
   * burst of them (every channel again after a reconnect), then `perSecond` (CHAT_JOIN_BURST, CHAT_JOINS_PER_SECOND).
   */
  joins: { burst: number; perSecond: number };
  /**
   * chat.join per account, on every process together (CHAT_JOINS_PER_ACCOUNT_PER_MINUTE): many
   * connections of one account do not multiply the per-connection budget.
   */
  joinsPerAccount: Limiter;
}

/** The chat client messages: chat.join / chat.leave go through the room's streams, the rest straight to the chat service. */
export function registerChatHandlers(router: FeatureRouter<ChatConnection>, chat: ChatService, streams: ChatStreams, limits: ChatJoinLimits): void {
  router.on(LobbyClientMessage.ChatJoin, (_client, state, m) => {
    spendJoin(state, limits);
    // The account's budget is spent in the channel's turn, so a chat.leave sent after it still comes after it.
    return streams.serialized(state, m.channelId, async () => {
      await spendAccountJoin(state, limits);
      return streams.joinNow(state, m.channelId, m.afterSeq);
    });
  });
  router.on(LobbyClientMessage.ChatLeave, (_client, state, m) => streams.leave(state, m.channelId));
  router.on(LobbyClientMessage.ChatSend, (_client, state, m) => {
    if (m.channelId.startsWith("public:") && !state.joined?.has(m.channelId)) {
      throw new AppError(ErrorCode.NotChannelMember, "Join the channel before sending to it.");
    }
    return chat.send(state.who, m.channelId, m.text);
  });
  router.on(LobbyClientMessage.ChatDm, (_client, state, m) => chat.sendDirect(state.who, m.to, m.text));
  router.on(LobbyClientMessage.ChatRead, (_client, state, m) => chat.markRead(state.who.accountId, m.channelId, m.seq));
  router.on(LobbyClientMessage.ChatReport, (_client, state, m) => chat.report(state.who, m.messageId, m.reason, m.note));
}

/** A client's chat.join past its burst is refused (the party feature's own joins are not counted). */
function spendJoin(state: ChatConnection, limits: ChatJoinLimits): void {
  const budget = (state.joinBudget ??= new TokenBucket(limits.joins.burst, limits.joins.perSecond, limits.clock));
  if (budget.tryTake()) return;
  const retryAfterMs = budget.msUntilNext();
  throw new AppError(ErrorCode.RateLimited, `Too many channel joins: try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { details: { retryAfterMs } });
}

async function spendAccountJoin(state: ChatConnection, limits: ChatJoinLimits): Promise<void> {
  const result = await limits.joinsPerAccount.consume(state.who.accountId);
  if (result.allowed) return;
  const retryAfterMs = Math.max(1, Math.ceil(result.resetMs));
  throw new AppError(ErrorCode.RateLimited, `Too many channel joins on this account: try again in ${Math.ceil(retryAfterMs / 1000)} s.`, { details: { retryAfterMs } });
}
