import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ADMIN_URL } from "../helpers/pg-admin";

const root = path.resolve(__dirname, "..", "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const script = path.join(root, "scripts", "db-schema-diff.ts");

/** Runs scripts/db-schema-diff.ts as `npm run db:check` / `db:migration` do; never throws on a non-zero exit. */
async function schemaDiff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [script, ...args], {
      cwd: root,
      env: { ...process.env, DIFF_ADMIN_URL: ADMIN_URL },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("schema drift check (npm run db:check)", () => {
  test("prisma/schema.prisma and the committed migrations agree", async () => {
    const result = await schemaDiff(["--check"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("schema.prisma matches the migrations");
    expect(result.code).toBe(0);
  });

  describe("with a schema change that has no migration", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "lobby-drift-"));
    const schema = path.join(work, "schema.prisma");
    const migrations = path.join(work, "migrations");

    beforeAll(() => {
      const original = fs.readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
      const changed = original.replace(/(model Account \{\n)/, "$1  nickname String? @db.VarChar(32)\n");
      expect(changed).not.toBe(original);
      fs.writeFileSync(schema, changed);
      fs.cpSync(path.join(root, "prisma", "migrations"), migrations, { recursive: true });
    });

    test("the check fails and prints the missing migration", async () => {
      const result = await schemaDiff(["--check", "--schema", schema, "--migrations", migrations]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("disagree");
      expect(result.stderr).toMatch(/ALTER TABLE "accounts" ADD COLUMN\s+"nickname" VARCHAR\(32\)/);
    });

    test("db:migration writes that migration offline, after which the check passes", async () => {
      const before = new Set(fs.readdirSync(migrations));
      const created = await schemaDiff(["--create", "add_nickname", "--schema", schema, "--migrations", migrations]);
      expect(created.code).toBe(0);
      const added = fs.readdirSync(migrations).filter((name) => !before.has(name));
      expect(added).toEqual([expect.stringMatching(/^\d{14}_add_nickname$/)]);
      expect(fs.readFileSync(path.join(migrations, added[0]!, "migration.sql"), "utf8")).toContain('"nickname"');

      const check = await schemaDiff(["--check", "--schema", schema, "--migrations", migrations]);
      expect(check.code).toBe(0);
    });

    test("a migration name must be snake_case", async () => {
      const result = await schemaDiff(["--create", "Add-Nickname", "--schema", schema, "--migrations", migrations]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("usage: npm run db:migration -- <snake_case_name>");
    });
  });
});
