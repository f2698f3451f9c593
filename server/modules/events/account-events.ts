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
  | {
      kind: "deliver";
      /** A server -> client lobby message type and its payload. */
      type: string;
      payload: unknown;
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
    }
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
      /** The account joined (member) or left a party: its connections stream that chat channel, or stop. */
      kind: "party_channel";
      channelId: string;
      member: boolean;
    };

export interface AccountEventBus {
  publish(accountId: string, event: AccountEvent): Promise<void>;
}
