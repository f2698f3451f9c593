import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

/**
 * Counts the statements sent to PostgreSQL: in total (the `lobby_db_queries_total` metric), and
 * within one operation (`measure`), so the cost of a lobby join can be read in database round
 * trips. Every statement is one round trip; a transaction's BEGIN and COMMIT count too.
 */
export class QueryCounter {
  private count = 0;
  private readonly scope = new AsyncLocalStorage<{ queries: number }>();

  get total(): number {
    return this.count;
  }

  /** Runs `operation`; `queries` is what it (and nothing running beside it) sent. */
  async measure<T>(operation: () => Promise<T>): Promise<{ result: T; queries: number }> {
    const tally = { queries: 0 };
    const result = await this.scope.run(tally, operation);
    return { result, queries: tally.queries };
  }

  /** A pg Client class whose every query is counted (for `new pg.Pool({ Client })`). */
  clientClass(): typeof pg.Client {
    const counted = () => {
      this.count += 1;
      const tally = this.scope.getStore();
      if (tally) tally.queries += 1;
    };
    return class CountingClient extends pg.Client {
      override query(...args: unknown[]): never {
        counted();
        return (super.query as (...a: unknown[]) => never)(...args);
      }
    } as unknown as typeof pg.Client;
  }
}
