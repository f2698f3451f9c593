/**
 * Runs tasks one at a time per key, in the order they were submitted; different keys run
 * concurrently. A failed task does not stop the ones behind it.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** No task running or waiting, for any key. */
  get idle(): boolean {
    return this.tails.size === 0;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    this.tails.set(key, current);
    const forget = () => {
      if (this.tails.get(key) === current) this.tails.delete(key);
    };
    current.then(forget, forget);
    return current;
  }
}
