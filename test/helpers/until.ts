/**
 * Polls until `check` holds. Gives up with an error after `timeoutMs` (default 120 s, the longest
 * test timeout): a test that timed out first would otherwise leave the loop polling for good, in a
 * worker that goes on to run other files.
 */
export async function until(check: () => Promise<boolean> | boolean, o: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${o.timeoutMs ?? 120_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, o.everyMs ?? 50));
  }
}
