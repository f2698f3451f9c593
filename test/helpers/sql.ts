import pg from "pg";

/**
 * Reads or changes a test database directly, to check what the server stored or to set up a state
 * that has no API yet (e.g. a disabled account). Opens one short connection per call.
 */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  databaseUrl: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
