/**
 * Offline migration authoring and drift check, using Prisma's schema engine compiled to Wasm
 * (the native engine is a download this build environment cannot reach).
 *
 *   npm run db:diff                   print the SQL that brings the migrations up to schema.prisma
 *   npm run db:check                  exit 1 if schema.prisma and prisma/migrations disagree
 *   npm run db:migration -- <name>    write that SQL as prisma/migrations/<timestamp>_<name>/
 *
 * `--schema <file>` and `--migrations <dir>` point it at another schema or migrations directory.
 *
 * It applies the committed migrations to a scratch database on the PostgreSQL server named by
 * DIFF_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), asks the engine for the
 * difference to schema.prisma, and drops the scratch database.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { readMigrations } from "../server/db/migration-files";
import { postgresTarget } from "../server/db/migration-targets";
import { migrate } from "../server/db/migrator";

const root = path.resolve(__dirname, "..");

interface Options {
  mode: "--check" | "--create" | "--print";
  name: string | undefined;
  schemaPath: string;
  migrationsDir: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    mode: "--print",
    name: undefined,
    schemaPath: path.join(root, "prisma", "schema.prisma"),
    migrationsDir: path.join(root, "prisma", "migrations"),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--check" || arg === "--create") options.mode = arg;
    else if (arg === "--schema" && argv[i + 1]) options.schemaPath = path.resolve(argv[++i]!);
    else if (arg === "--migrations" && argv[i + 1]) options.migrationsDir = path.resolve(argv[++i]!);
    else if (!arg.startsWith("--") && options.name === undefined) options.name = arg;
    else throw new Error(`unknown argument: ${arg}`);
  }
  return options;
}
const EMPTY = /^\s*(-- This is an empty migration\.)?\s*$/;

/** pg's `"char"` (oid 18) trips the engine's introspection through adapter-pg; read it as text. */
class CharAsTextPool extends pg.Pool {
  override query(...args: unknown[]): any {
    const result = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    if (result instanceof Promise) {
      return result.then((r: pg.QueryResult) => {
        for (const f of r.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
        return r;
      });
    }
    return result;
  }
}

async function loadEngine(): Promise<any> {
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bg = await import(path.join(dir, "schema_engine_bg.js"));
  const bytes = fs.readFileSync(path.join(dir, "schema_engine_bg.wasm"));
  const wasmApi = (globalThis as unknown as { WebAssembly: { instantiate: (b: Buffer, i: object) => Promise<{ instance: { exports: Record<string, unknown> } }> } }).WebAssembly;
  const { instance } = await wasmApi.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bg.SchemaEngine;
}

async function diffSql({ schemaPath, migrationsDir }: Options): Promise<string> {
  const adminUrl = process.env.DIFF_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const scratch = `lobby_schema_diff_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  const url = new URL(adminUrl);
  url.pathname = `/${scratch}`;
  const pool = new CharAsTextPool({ connectionString: url.toString(), max: 2 });
  try {
    await migrate(postgresTarget(url.toString()), readMigrations(migrationsDir));
    const SchemaEngine = await loadEngine();
    const schema = fs.readFileSync(schemaPath, "utf8");
    const files = [{ path: "schema.prisma", content: schema }];
    const factory = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool));
    const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => undefined, factory);
    const res = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: root },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return (res.stdout ?? "").trim();
  } finally {
    await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { mode, name, migrationsDir } = options;
  if (mode === "--create" && (!name || !/^[a-z0-9_]+$/.test(name))) {
    throw new Error("usage: npm run db:migration -- <snake_case_name>");
  }
  const sql = await diffSql(options);
  const empty = EMPTY.test(sql);
  if (mode === "--check") {
    if (!empty) {
      console.error("prisma/schema.prisma and prisma/migrations disagree. Missing migration:\n\n" + sql);
      process.exit(1);
    }
    console.log("schema.prisma matches the migrations");
  } else if (mode === "--create") {
    if (empty) {
      console.log("nothing to migrate: schema.prisma matches the migrations");
      return;
    }
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(migrationsDir, `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
    console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
  } else {
    console.log(empty ? "-- no changes" : sql);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
