import crypto from "node:crypto";
import { Prisma } from "./generated/client";

/**
 * Named (server-side prepared) statements for the hot raw queries. PostgreSQL parses and plans
 * an unnamed statement on every execution: the lobby join's snapshot took ~6 ms of planning for
 * ~1 ms of execution (3.6–4.7 ms of PostgreSQL CPU per join, against 0.19 ms prepared; see
 * docs/benchmarks.md). A statement opts in by starting with `preparedAs("name")`; the adapter's
 * statement-name hook below turns that marker into a name per distinct text, so each pooled
 * connection parses it once. Only marked statements are named: Prisma's generated queries vary
 * in shape (lists of different lengths) and would fill each connection with statements nobody reuses.
 */
const MARKER = /^\s*\/\* prepared:([a-z0-9_]{1,40}) \*\//;

/** At most this many distinct texts get a name; a marked statement built from varying text would otherwise grow without bound. */
const MAX_NAMED = 200;
const UNNAMED = "";

/** The marker that opts a raw statement in, e.g. prisma.$queryRaw`${preparedAs("join_snapshot")} SELECT …`. */
export function preparedAs(name: string): Prisma.Sql {
  if (!/^[a-z0-9_]{1,40}$/.test(name)) throw new Error(`prepared statement name "${name}": lower-case letters, digits and _ (at most 40)`);
  return Prisma.raw(`/* prepared:${name} */`);
}

/**
 * The adapter's statementNameGenerator: a name for marked texts (their label plus a hash of the
 * text); "" for the rest, which pg sends as the unnamed statement (parsed every time, as before).
 */
export function preparedStatementNamer(): (query: { sql: string }) => string {
  // By label, then by text: a Map keyed by the text itself would hash kilobytes on every query.
  const byLabel = new Map<string, { sql: string; name: string }[]>();
  let named = 0;
  return (query) => {
    const marked = MARKER.exec(query.sql);
    if (!marked) return UNNAMED;
    const label = marked[1]!;
    const texts = byLabel.get(label) ?? [];
    for (const t of texts) if (t.sql === query.sql) return t.name;
    if (named >= MAX_NAMED) return UNNAMED;
    // The hash keeps names unique per text: pg refuses one name for two different statements.
    const name = `lobby_${label}_${crypto.createHash("sha256").update(query.sql).digest("hex").slice(0, 12)}`;
    texts.push({ sql: query.sql, name });
    byLabel.set(label, texts);
    named++;
    return name;
  };
}
