import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../helpers/child-server";
import { createTestDatabase } from "../helpers/database";
import { request } from "../helpers/http";
import { GOOD_PASSWORD, testDataDir, uniqueUsername } from "../helpers/test-server";

const root = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

/**
 * `npm run build` + `npm run start:prod`, laid out as the Docker image is: dist/, prisma/ and
 * node_modules/ side by side, no TypeScript source next to it.
 */
describe("production build (tsc output run by plain node)", () => {
  const image = fs.mkdtempSync(path.join(os.tmpdir(), "lobby-image-"));

  beforeAll(async () => {
    await run(path.join(root, "node_modules", ".bin", "tsc"), ["-p", path.join(root, "tsconfig.build.json"), "--outDir", path.join(image, "dist")], {
      cwd: root,
    });
    fs.cpSync(path.join(root, "prisma"), path.join(image, "prisma"), { recursive: true });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(image, "node_modules"), "dir");
  }, 120_000);

  test("the build emits the entry points and the Prisma client as JavaScript", () => {
    for (const file of ["server/main.js", "server/db/migrate-cli.js", "server/db/generated/client.js"]) {
      expect(fs.existsSync(path.join(image, "dist", file))).toBe(true);
    }
  });

  test("node dist/server/main.js serves, persists to the embedded store and drains on SIGTERM", async () => {
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? "", NODE_ENV: "development", HOST: "127.0.0.1", PORT: String(port), DATA_DIR: testDataDir(), LOG_LEVEL: "info" };
    const proc = spawn(process.execPath, ["dist/server/main.js"], { cwd: image, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        proc.stdout.setEncoding("utf8").on("data", (c: string) => {
          stdout += c;
          if (stdout.includes('"msg":"lobby server listening"')) resolve();
        });
        void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${stderr}\n${stdout}`)));
      });
      expect(stdout).toContain('"msg":"database migrations applied"');
      expect((await request(`http://127.0.0.1:${port}`, "GET", "/healthz")).status).toBe(200);
      const res = await request(`http://127.0.0.1:${port}`, "POST", "/auth/register", {
        json: { username: uniqueUsername("dist"), password: GOOD_PASSWORD },
      });
      expect(res.status).toBe(201);
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toBe("");
    } finally {
      proc.kill("SIGKILL");
    }
  }, 120_000);

  test("node dist/server/db/migrate-cli.js migrates PostgreSQL, then reports it up to date", async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const env = { PATH: process.env.PATH ?? "", DATABASE_URL: db.url };
      const first = await run(process.execPath, ["dist/server/db/migrate-cli.js"], { cwd: image, env });
      expect(first.stdout).toMatch(/^applied: \d{14}_init/);
      const second = await run(process.execPath, ["dist/server/db/migrate-cli.js"], { cwd: image, env });
      expect(second.stdout.trim()).toBe("database is up to date");
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client
        .query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`)
        .finally(() => client.end());
      const tables = rows[0]!.n;
      expect(tables).toBe(fs.readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true }).filter((d) => d.isDirectory()).length);
    } finally {
      await db.drop();
    }
  });

  test("the migration CLI refuses to run without DATABASE_URL", async () => {
    const error = await run(process.execPath, ["dist/server/db/migrate-cli.js"], { cwd: image, env: { PATH: process.env.PATH ?? "" } }).then(
      () => undefined,
      (err: unknown) => err as { code: number; stderr: string },
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain("DATABASE_URL is not set");
  });
});
