/**
 * Which server processes are alive, and which accounts each one held connections for, so the
 * survivors can take a crashed process' connections out of presence.
 */
export interface ProcessRegistry {
  /** Whether the process' heartbeat is current. */
  isAlive(processId: string): Promise<boolean>;
  /** Marks the process alive for `ttlSeconds` more. */
  beat(processId: string, ttlSeconds: number): Promise<void>;
  /** Remembers that `accountId` has (or had) a connection on the process. */
  track(processId: string, accountId: string): Promise<void>;
  /** Known processes whose heartbeat expired. */
  deadProcesses(): Promise<string[]>;
  /** Claims the clean-up of a dead process: true for exactly one caller across processes. */
  claim(processId: string): Promise<boolean>;
  accountsOf(processId: string): Promise<string[]>;
  /** Drops everything known about the process. */
  forget(processId: string): Promise<void>;
}
