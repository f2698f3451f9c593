import { ErrorCode } from "../codes";
import { Limits } from "../limits";
import type { WsErrorMessage } from "../schemas/lobby";

/**
 * A lobby or match message the server refused (its `error` message), or one the SDK refused
 * itself before sending (`local: true`: nothing reached the server, so nothing counted there).
 */
export class LobbyRefusalError extends Error {
  readonly code: string;
  readonly type: string | undefined;
  readonly details: WsErrorMessage["details"];
  constructor(
    error: WsErrorMessage,
    readonly local = false,
  ) {
    super(error.message);
    this.name = "LobbyRefusalError";
    this.code = error.code;
    this.type = error.type;
    this.details = error.details;
  }
  /** Milliseconds to wait before trying again, when the refusal says (`details.retryAfterMs`). */
  get retryAfterMs(): number | undefined {
    const v = this.details?.retryAfterMs;
    return typeof v === "number" ? v : undefined;
  }
}

export const localRefusal = (type: string, code: string, message: string, details?: WsErrorMessage["details"]): LobbyRefusalError =>
  new LobbyRefusalError({ code, message, type, ...(details ? { details } : {}) }, true);

const encoder = new TextEncoder();
export const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** An upper bound of the msgpack size of `value` (numbers counted at 9 bytes, headers at their largest). */
export function packedSizeBound(value: unknown): number {
  if (value === undefined || value === null || typeof value === "boolean") return 1;
  if (typeof value === "number") return 9;
  if (typeof value === "string") return 5 + utf8Bytes(value);
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + packedSizeBound(v), 5);
  if (typeof value === "object") {
    let n = 5;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) n += 5 + utf8Bytes(k) + packedSizeBound(v);
    return n;
  }
  return 9;
}

/**
 * The bound of a whole frame of a room message or request: protocol byte, request id, type,
 * payload. A frame over Limits.wsMaxPayloadBytes would make the server close the connection
 * (1009), so the SDK refuses it before sending.
 */
export const frameSizeBound = (type: string, payload: unknown): number => 1 + 9 + 5 + utf8Bytes(type) + packedSizeBound(payload);

/**
 * Keeps a connection under the server's message rate (Limits.wsMaxMessagesPerSecond in any
 * second closes it with 4002): at most `max` messages in any rolling second; the rest wait.
 */
export class MessagePacer {
  private readonly sent: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly max: number = Limits.wsMaxMessagesPerSecond - 2,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 1000,
  ) {}

  /** Resolves when one more message may go out (in call order). */
  slot(): Promise<void> {
    const next = this.chain.then(() => this.take());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.sent.length > 0 && t - this.sent[0]! >= this.windowMs) this.sent.shift();
      if (this.sent.length < this.max) {
        this.sent.push(t);
        return;
      }
      await new Promise<void>((resolve) => setTimeout(resolve, this.sent[0]! + this.windowMs - t + 1));
    }
  }
}

export interface ChatGuardOptions {
  /** Defaults as the server's CHAT_FLOOD_BURST (5) and CHAT_FLOOD_PER_SECOND (1). */
  burst?: number;
  perSecond?: number;
  /** As CHAT_REPEAT_COOLDOWN_SECONDS (30 s). */
  repeatCooldownMs?: number;
}

/** Roughly the server's cleaning: enough to measure (the server's own cleaning only removes more). */
const roughClean = (text: string): string => text.replace(/\s+/gu, " ").trim();

/**
 * Refuses locally the chat the server would refuse for its size, and what its flood control would
 * refuse (those refusals count toward the automatic mute: three within a minute mute the player).
 * The server keeps the last word; this only keeps a well-behaved client from getting there.
 */
export class ChatGuard {
  private tokens: number;
  private refilledAt: number;
  private lastText: string | undefined;
  private lastTextAt = 0;
  private readonly burst: number;
  private readonly perSecond: number;
  private readonly repeatCooldownMs: number;

  constructor(
    o: ChatGuardOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.burst = o.burst ?? 5;
    this.perSecond = o.perSecond ?? 1;
    this.repeatCooldownMs = o.repeatCooldownMs ?? 30_000;
    this.tokens = this.burst;
    this.refilledAt = now();
  }

  /** Throws a local LobbyRefusalError, or takes a token for the message. */
  check(type: string, text: string): void {
    if (text.length > Limits.chatMaxInputChars) throw localRefusal(type, ErrorCode.InvalidMessage, `text: is too long (${Limits.chatMaxInputChars} UTF-16 units at most)`);
    const cleaned = roughClean(text);
    if (cleaned.length === 0) throw localRefusal(type, ErrorCode.ChatMessageEmpty, "The message is empty.");
    if (Array.from(cleaned).length > Limits.chatMaxCodePoints || utf8Bytes(cleaned) > Limits.chatMaxBytes) {
      throw localRefusal(type, ErrorCode.ChatMessageTooLong, `The message is too long (${Limits.chatMaxCodePoints} characters at most).`);
    }
    const now = this.now();
    const key = cleaned.toLowerCase();
    if (key === this.lastText && now - this.lastTextAt < this.repeatCooldownMs) {
      throw localRefusal(type, ErrorCode.ChatRepeated, "You just sent that.", { retryAfterMs: this.lastTextAt + this.repeatCooldownMs - now });
    }
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) {
      throw localRefusal(type, ErrorCode.ChatRateLimited, "You are sending messages too fast.", {
        retryAfterMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000),
      });
    }
    this.tokens -= 1;
    this.lastText = key;
    this.lastTextAt = now;
  }
}
