import DataLoader from "dataloader";

/** Keys per statement at most. */
const MAX_BATCH = 500;

/**
 * Coalesces the single-key reads (or writes) that many connections make in the same turn of the
 * event loop into one statement: when thousands of players leave at once (a network split, a
 * server restart) their "friends of", "ticket of" and "last seen" statements become a few dozen.
 * Nothing is cached: every call reads the store, one loop turn later at most.
 */
export function batched<K, V>(loadMany: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
  return new DataLoader<K, V>((keys) => loadMany(keys), {
    cache: false,
    maxBatchSize: MAX_BATCH,
    batchScheduleFn: (run) => setImmediate(run),
  });
}

/** Groups rows by key, in the order of `keys` (missing keys get `empty()`). */
export function byKey<K, R, V>(keys: readonly K[], rows: R[], keyOf: (row: R) => K, fold: (into: V, row: R) => V, empty: () => V): V[] {
  const groups = new Map<K, V>();
  for (const row of rows) {
    const key = keyOf(row);
    groups.set(key, fold(groups.get(key) ?? empty(), row));
  }
  return keys.map((k) => groups.get(k) ?? empty());
}
