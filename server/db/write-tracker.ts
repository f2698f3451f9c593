/**
 * Whether a locked-row transaction wrote anything: its writes are wrapped with `track`, and the
 * repository bumps the row's version only if one ran (a read-only pass leaves the version alone).
 */
export class WriteTracker {
  wrote = false;

  track = <A extends unknown[]>(op: (...a: A) => Promise<unknown>) =>
    async (...a: A): Promise<void> => {
      this.wrote = true;
      await op(...a);
    };
}
