import type pg from "pg";

/** pg's error when a query outlives `query_timeout`. */
export const QUERY_TIMEOUT_MESSAGE = "Query read timeout";

const timedOut = (err: unknown): boolean => err instanceof Error && err.message === QUERY_TIMEOUT_MESSAGE;

type Callback = (err: unknown, result?: unknown) => void;

/**
 * `Base` whose connection is destroyed when one of its queries outlives `query_timeout`. pg answers
 * the caller but leaves the connection as it is: the query is still in flight (and, when the
 * network lost it, will never be answered), so every later query on that client would wait behind
 * it. pg-pool discards a client released with the error, but @prisma/adapter-pg releases a
 * transaction's client without one (commit/rollback), which would put the stuck client back in
 * the pool. A destroyed client is not queryable, and pg-pool drops a released non-queryable client.
 */
export function boundedClientClass(Base: typeof pg.Client): typeof pg.Client {
  return class BoundedClient extends Base {
    override query(...args: unknown[]): never {
      const discard = (err: unknown) => {
        if (timedOut(err)) (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      };
      const at = args.findIndex((a) => typeof a === "function");
      if (at >= 0) {
        const callback = args[at] as Callback;
        args[at] = (err: unknown, result?: unknown) => {
          discard(err);
          callback(err, result);
        };
      }
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      // The caller handles the rejection on its own chain; this branch only looks at it.
      if (result instanceof Promise) result.catch(discard);
      return result as never;
    }
  } as unknown as typeof pg.Client;
}
