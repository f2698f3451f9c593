import type { LobbyServerEnvelope, LobbyServerMessages, LobbyServerMessageType } from "../../../shared/schemas/lobby-server-messages";
import type { ChatEvent } from "../chat/chat-events";

/**
 * Events addressed to one account, delivered to every live connection it has, on whichever
 * process holds them. Services publish through this port; the realtime edge implements it with
 * the Colyseus Presence API.
 */
export type AccountEvent =
  | {
      kind: "sessions_ended";
      /** null: every session of the account. */
      sessionIds: string[] | null;
      closeCode: number;
      reason: string;
    }
  | ({
      kind: "deliver";
      /**
       * Ordering for updates about one subject (e.g. a friend's presence): a connection forwards
       * an update only if `version` is newer than the last one it forwarded for `key`.
       */
      order?: {
        key: string;
        version: number;
        /** Forward even if the payload repeats the last one forwarded for `key` (a friend re-introduced). */
        resend?: boolean;
      };
      /** A server -> client lobby message: its type and that type's payload (shared/schemas/lobby-server-messages.ts). */
    } & LobbyServerEnvelope)
  | {
      kind: "chat";
      /** A direct message (or its deletion) for one of the account's DM channels. */
      event: ChatEvent;
    }
  | {
      /** The account blocked or unblocked someone, or was blocked or unblocked. */
      kind: "blocks_changed";
    }
  | {
      /** The account's names changed (PATCH /me, an upgrade): its connections act under the new ones. */
      kind: "profile_changed";
      username: string;
      displayName: string;
    }
  | {
      /** The account joined (member) or left a party: its connections stream that chat channel, or stop. */
      kind: "party_channel";
      channelId: string;
      member: boolean;
    };

type DeliverEvent = Extract<AccountEvent, { kind: "deliver" }>;

/**
 * A deliver event for lobby message `type`, whose payload must be that type's (checked by the
 * compiler against shared/'s schema map).
 */
export function deliver<K extends LobbyServerMessageType>(type: K, payload: LobbyServerMessages[K], order?: DeliverEvent["order"]): DeliverEvent {
  // The union of (type, payload) pairs cannot be built from a generic K without a cast; the
  // signature above is what holds each caller to its type's payload.
  return { kind: "deliver", type, payload, ...(order ? { order } : {}) } as DeliverEvent;
}

export interface AccountEventBus {
  publish(accountId: string, event: AccountEvent): Promise<void>;
}
