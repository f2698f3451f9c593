import type { Activity, ChosenStatus, PartyActivity, VisibleStatus } from "../../../shared/schemas/presence";

/** One account's live presence, shared by every process. */
export interface PresenceRecord {
  /** Live connections, on any process. */
  connections: number;
  /** The chosen status; undefined until loaded from the account's saved preference. */
  status?: ChosenStatus;
  text?: string;
  activity?: Activity;
  /**
   * The party the player is in and whether friends can join it (set by parties). Shown while
   * `activity` is the lobby: a search or a match shows instead.
   */
  partyActivity?: PartyActivity;
  /** Increases with every change; orders updates about this account. */
  version: number;
  /** The visible status last announced to friends. */
  announced?: VisibleStatus;
  /** When the account last became invisible to friends (epoch ms). */
  hiddenAt?: number;
}

export interface PresencePatch {
  status?: ChosenStatus;
  text?: string | null;
  activity?: Activity | null;
  partyActivity?: PartyActivity | null;
  announced?: VisibleStatus;
  hiddenAt?: number;
}

/** Live presence storage: the Colyseus Presence API (in memory, or Redis across processes). */
export interface PresenceStore {
  addConnection(accountId: string, connectionId: string, processId: string): Promise<void>;
  removeConnection(accountId: string, connectionId: string): Promise<void>;
  /** Removes every connection of the account that `processId` owned; returns how many. */
  removeConnectionsOf(accountId: string, processId: string): Promise<number>;
  read(accountId: string): Promise<PresenceRecord>;
  readMany(accountIds: string[]): Promise<Map<string, PresenceRecord>>;
  update(accountId: string, patch: PresencePatch): Promise<void>;
  /** Atomically increments and returns the account's version. */
  nextVersion(accountId: string): Promise<number>;
}
