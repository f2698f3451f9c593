/**
 * Objects to notify of a process-wide event (e.g. the backplane reconnected), held weakly: a room
 * that was disposed is not kept alive by having registered, and drops out of the set by itself.
 */
export class WeakListeners<T extends object> {
  private readonly refs = new Set<WeakRef<T>>();

  add(target: T): void {
    this.refs.add(new WeakRef(target));
  }

  forEach(notify: (target: T) => void): void {
    for (const ref of this.refs) {
      const target = ref.deref();
      if (target) notify(target);
      else this.refs.delete(ref);
    }
  }
}
