import { LobbyServerMessage } from "../../../shared/schemas/lobby";
import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { AccountEventBus } from "../events/account-events";
import type { ChatChannels } from "./chat-channels";
import type { ChatEvent } from "./chat-events";
import type { ChatFanout } from "./chat-fanout";
import type { Identity } from "../identity";
import type { ChatRepo } from "./chat.repo";

export interface ChatModerationDeps {
  repo: ChatRepo;
  channels: ChatChannels;
  fanout: ChatFanout;
  bus: AccountEventBus;
  clock: Clock;
}

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Reports from players, and what operators (and the flood guard) do: delete messages, mute players. */
export class ChatModeration {
  constructor(private readonly d: ChatModerationDeps) {}

  /** Stores a report from a player who could see the message. Reports count distinct players. */
  async report(reporter: Identity, messageId: string, reason: string, note: string | undefined): Promise<{ reports: number; created: boolean }> {
    const message = await this.findVisibleMessage(messageId);
    // Someone else's DM or party message: as if it did not exist.
    await this.d.channels.assertCanRead(reporter, message.channelId).catch(() => {
      throw new AppError(ErrorCode.MessageNotFound, "No such message.");
    });
    if (message.senderId === reporter.accountId) {
      throw new AppError(ErrorCode.CannotReportOwnMessage, "You cannot report your own message.");
    }
    const created = await this.d.repo.addReport({
      id: newId(),
      messageId: message.id,
      reporterId: reporter.accountId,
      reason,
      note: note ?? null,
      createdAt: new Date(this.d.clock.now()),
    });
    return { created, reports: await this.d.repo.reportCount(message.id) };
  }

  /** Operator deletion: gone from history and from every connected client's view. */
  async deleteMessage(messageId: string, operatorId: string | null, reason: string): Promise<void> {
    const message = await this.findVisibleMessage(messageId);
    const deleted = await this.d.repo.markDeleted(message.id, operatorId, reason, new Date(this.d.clock.now()));
    if (!deleted) return;
    const event: ChatEvent = { type: "deleted", channelId: message.channelId, id: messageId, seq: Number(message.seq) };
    await this.d.fanout.toChannel(message.channelId, event);
  }

  /** Operator mute (also used for automatic mutes). The player's connections are told. */
  async mute(accountId: string, m: { durationMs: number; reason: string; by: string | null; source: "AUTO" | "OPERATOR" }): Promise<Date> {
    const now = this.d.clock.now();
    const expiresAt = new Date(now + m.durationMs);
    await this.d.repo.addMute({
      id: newId(),
      accountId,
      source: m.source,
      reason: m.reason,
      createdBy: m.by,
      createdAt: new Date(now),
      expiresAt,
    });
    await this.d.bus.publish(accountId, {
      kind: "deliver",
      type: LobbyServerMessage.ChatMuted,
      payload: { expiresAt: expiresAt.toISOString(), reason: m.reason },
    });
    return expiresAt;
  }

  private async findVisibleMessage(messageId: string) {
    // Ids are positive BIGINTs: anything else (e.g. 19 digits past its range) names no message.
    const id = /^\d{1,19}$/.test(messageId) ? BigInt(messageId) : 0n;
    if (id < 1n || id > MAX_BIGINT) throw new AppError(ErrorCode.MessageNotFound, "No such message.");
    const message = await this.d.repo.findMessage(id);
    if (!message || message.deletedAt) throw new AppError(ErrorCode.MessageNotFound, "No such message.");
    return message;
  }
}
