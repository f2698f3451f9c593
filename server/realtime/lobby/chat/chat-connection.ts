import type { KeyedSerializer } from "../../../lib/keyed-serializer";
import type { LobbyServerMessages, LobbyServerMessageType } from "../../../../shared/schemas/lobby-server-messages";
import type { TokenBucket } from "../../../lib/token-bucket";
import type { Logger } from "../../../lib/logger";
import type { ChatService } from "../../../modules/chat/chat.service";
import type { ChannelCursor } from "../../channel-cursor";
import type { LobbyClient, LobbyIdentity } from "../lobby-client";

/** Where the account's DM channels stood when the connection opened; undefined if the join's snapshot failed. */
export type DmPositions = ReadonlyMap<string, number> | undefined;

/**
 * What chat keeps per connection. Survives a reconnect. Kept small (one per connection, 20k per
 * process): collections are created on first use and dropped when empty, settled promises are not
 * kept, and nothing holds the join's snapshot once it has been used.
 */
export interface ChatConnection {
  who: LobbyIdentity;
  /** Where each channel's stream stands: public and party channels joined, DMs seen (created on first use). */
  cursors?: Map<string, ChannelCursor>;
  /** Public channels joined through chat.join (their topics are subscribed); created on first use. */
  joined?: Set<string>;
  /** Senders this player never sees (blocks in either direction). Replaced, never changed in place. */
  hidden: ReadonlySet<string>;
  /** The reload of `hidden` in progress, if any: cursors wait for it before emitting anything. */
  hiddenLoaded?: Promise<void>;
  /** Reloads of `hidden` requested so far (a join's snapshot yields to a reload asked for after it began). */
  hiddenReloads: number;
  /** `hiddenReloads` when the latest join or reconnect snapshot began to be read. */
  reloadsAtSnapshot: number;
  /**
   * Where the account's DM channels stood when the connection opened (read once, at the join): the
   * join's promise until it settles, then its value.
   */
  dmBase: Promise<DmPositions> | DmPositions;
  /** chat.join / chat.leave in progress, by channel, one at a time (created on first use). */
  channelOps?: KeyedSerializer;
  /** What is left of the connection's chat.join burst (created on its first chat.join). */
  joinBudget?: TokenBucket;
  /**
   * The transport client messages go through. After a reconnect Colyseus moves the connection to a
   * new client; until start() adopts it, nothing is sent (the old client would drop it silently).
   */
  client: LobbyClient;
}

/** Shared by every connection that hides nobody / had no DM channel at the join (never changed). */
export const NO_ONE: ReadonlySet<string> = new Set();
const NO_DM_CHANNELS: ReadonlyMap<string, number> = new Map();

export const send = <K extends LobbyServerMessageType>(state: ChatConnection, type: K, payload: LobbyServerMessages[K]): void =>
  state.client.send(type, payload);

/**
 * `dmBase` settles with the DM positions of the join's snapshot, read after the account's channel
 * was subscribed and in the same statement as chat.unread: a DM committed before it is counted in
 * chat.unread; one committed after it arrives live, beyond the position (or as a gap).
 */
export function newChatConnection(who: LobbyIdentity, client: LobbyClient, dmBase: Promise<DmPositions>): ChatConnection {
  // Every field from the start, and cleared by assigning undefined (never `delete`): one hidden
  // class for all connections, no per-object property dictionary.
  const state: ChatConnection = {
    who,
    cursors: undefined,
    joined: undefined,
    hidden: NO_ONE,
    hiddenLoaded: undefined,
    hiddenReloads: 0,
    reloadsAtSnapshot: 0,
    dmBase,
    channelOps: undefined,
    joinBudget: undefined,
    client,
  };
  // Once settled, the positions themselves are kept (the shared empty map if there are none).
  dmBase.then(
    (positions) => (state.dmBase = positions && positions.size === 0 ? NO_DM_CHANNELS : positions),
    () => (state.dmBase = undefined),
  );
  return state;
}

/** Makes `reload` the connection's reload in progress until it settles (a settled promise is not kept). */
function trackReload(state: ChatConnection, reload: Promise<void>): Promise<void> {
  state.hiddenLoaded = reload;
  const done = () => {
    if (state.hiddenLoaded === reload) state.hiddenLoaded = undefined;
  };
  reload.then(done, done);
  return reload;
}

/** Takes who the snapshot says the connection hides, unless a reload was asked for after the snapshot began (it is at least as new). */
export async function adoptSnapshotHidden(state: ChatConnection, snapshotHidden: ReadonlySet<string>): Promise<void> {
  const hidden = snapshotHidden.size === 0 ? NO_ONE : snapshotHidden;
  const reloadsBefore = state.reloadsAtSnapshot;
  const adopt = () => {
    if (state.hiddenReloads === reloadsBefore) state.hidden = hidden;
  };
  if (state.hiddenLoaded) await trackReload(state, state.hiddenLoaded.then(adopt));
  else adopt();
}

/** Re-reads who the connection hides; cursors emit nothing until it is done. */
export function reloadHidden(chat: ChatService, logger: Logger, state: ChatConnection): Promise<void> {
  const load = async () => {
    try {
      state.hidden = await chat.hiddenSenders(state.who.accountId);
    } catch (err) {
      logger.warn({ err }, "reloading hidden chat senders failed");
    }
  };
  // One after another: the last reload started is the last to write.
  state.hiddenReloads += 1;
  return trackReload(state, state.hiddenLoaded ? state.hiddenLoaded.then(load) : load());
}

/** Removes `item` from the connection's `key` collection (dropped once empty); true if it was there. */
export function forget(state: ChatConnection, key: "joined" | "cursors", item: string): boolean {
  const collection = state[key];
  if (!collection?.delete(item)) return false;
  if (collection.size === 0) state[key] = undefined;
  return true;
}
