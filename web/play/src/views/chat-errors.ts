import { ErrorCode } from "../../../../shared/codes";
import { Limits } from "../../../../shared/limits";
import type { WsErrorMessage } from "../../../../shared/schemas/lobby";

type Refusal = Pick<WsErrorMessage, "code" | "message" | "details">;

const seconds = (ms: unknown) => Math.max(1, Math.ceil(Number(ms) / 1000));

/** The server's chat refusals (or the SDK's local ones, which carry the same codes), said plainly. */
export function chatErrorText(err: Refusal): string {
  const d = err.details ?? {};
  switch (err.code) {
    case ErrorCode.Muted:
      return `You are muted until ${new Date(String(d.expiresAt)).toLocaleTimeString()}${d.reason ? ` (${String(d.reason)})` : ""}. Party chat still works.`;
    case ErrorCode.ChatMessageTooLong:
      return `That message is too long: at most ${Limits.chatMaxCodePoints} characters.`;
    case ErrorCode.ChatMessageEmpty:
      return "That message is empty.";
    case ErrorCode.ChatRateLimited:
      return `You are sending too fast: wait ${seconds(d.retryAfterMs)} s. Repeated floods mute you for a while.`;
    case ErrorCode.ChatRepeated:
      return `You just sent that: wait ${seconds(d.retryAfterMs)} s to repeat it.`;
    case ErrorCode.RateLimited:
      return `Too many requests: wait ${seconds(d.retryAfterMs)} s.`;
    case ErrorCode.DmNotAllowed:
      return "This player does not accept messages from you.";
    case ErrorCode.NotChannelMember:
      return "You are not in that channel any more.";
    default:
      return err.message;
  }
}
