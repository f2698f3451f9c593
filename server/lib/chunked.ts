/**
 * Runs `fn` over `items` in chunks of `size` (each chunk at once), yielding the event loop between
 * chunks: a fan-out to hundreds of recipients never holds the loop for one long stretch.
 */
export async function forEachChunk<T>(items: readonly T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}
