/**
 * A room's connections by account: an account event reaches its account's connections without a
 * scan of the room (O(connections of that account), not O(room size)).
 */
export class AccountIndex {
  private readonly sessions = new Map<string, Set<string>>();

  add(accountId: string, sessionId: string): void {
    let set = this.sessions.get(accountId);
    if (!set) {
      set = new Set();
      this.sessions.set(accountId, set);
    }
    set.add(sessionId);
  }

  remove(accountId: string, sessionId: string): void {
    const set = this.sessions.get(accountId);
    if (!set) return;
    set.delete(sessionId);
    if (set.size === 0) this.sessions.delete(accountId);
  }

  /** The Colyseus session ids of the account's connections in this room (a copy: safe to change the index while iterating). */
  sessionsOf(accountId: string): string[] {
    const set = this.sessions.get(accountId);
    return set ? [...set] : [];
  }
}
