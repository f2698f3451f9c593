import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, secretProblem } from "../../server/config";
import { problemsOf } from "../helpers/config-env";

const strongSecret = (): string => crypto.randomBytes(48).toString("base64url");
const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "lobby-config-"));

const production = (extra: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: "production",
  DATA_DIR: tempDir(),
  DATABASE_URL: "postgres://lobby@db.internal:5432/lobby",
  JWT_SECRET: strongSecret(),
  ...extra,
});

describe("loadConfig", () => {
  test("defaults: development on port 2567 with the embedded store in DATA_DIR", () => {
    const dir = tempDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.env).toBe("development");
    expect(config.port).toBe(2567);
    expect(config.host).toBe("0.0.0.0");
    expect(config.database).toEqual({ kind: "embedded", dir: path.join(dir, "pglite") });
    expect(config.migrateOnStart).toBe(true);
    expect(config.redisUrl).toBeUndefined();
    expect(config.trustProxy).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.jwt)).toBe(true);
  });

  test("a valid production configuration is accepted and does not migrate at start by default", () => {
    const env = production({ REDIS_URL: "rediss://cache.internal:6380", PUBLIC_ADDRESS: "lobby-1.internal:2567", TRUST_PROXY: "1" });
    const config = loadConfig(env);
    expect(config.env).toBe("production");
    expect(config.database).toEqual({ kind: "postgres", url: env.DATABASE_URL, poolSize: 10, preparedStatements: true, queryTimeoutMs: 5000 });
    expect(config.migrateOnStart).toBe(false);
    expect(config.jwt.secret).toBe(env.JWT_SECRET);
    expect(config.trustProxy).toBe(1);
    expect(loadConfig({ ...env, MIGRATE_ON_START: "true" }).migrateOnStart).toBe(true);
  });

  test("every problem is listed at once", () => {
    const problems = problemsOf({
      DATA_DIR: tempDir(),
      PORT: "not-a-port",
      DATABASE_URL: "mysql://root@localhost/lobby",
      REDIS_URL: "http://cache:6379",
      LOG_LEVEL: "loud",
      ACCESS_TOKEN_TTL_SECONDS: "5",
      MIGRATE_ON_START: "yes",
      METRICS_TOKEN: "short",
      JWT_SECRET: "too-short",
    });
    const vars = problems.map((p) => p.split(":")[0]);
    expect(vars).toEqual(
      expect.arrayContaining(["PORT", "DATABASE_URL", "REDIS_URL", "LOG_LEVEL", "ACCESS_TOKEN_TTL_SECONDS", "MIGRATE_ON_START", "METRICS_TOKEN", "JWT_SECRET"]),
    );
    expect(problems).toHaveLength(8);
  });

  test("the error message names every problem, one per line", () => {
    let message = "";
    try {
      loadConfig({ DATA_DIR: tempDir(), PORT: "70000", NODE_ENV: "staging" });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(message).toMatch(/\n {2}- PORT: /);
    expect(message).toMatch(/\n {2}- NODE_ENV: /);
  });

  test.each([
    ["not a number", "abc"],
    ["negative", "-1"],
    ["above 65535", "65536"],
    ["fractional", "80.5"],
  ])("PORT %s is refused", (_label, port) => {
    expect(problemsOf({ DATA_DIR: tempDir(), PORT: port })).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  test.each([
    ["DATABASE_URL", "mysql://root@localhost/lobby"],
    ["DATABASE_URL", "postgres//missing-colon"],
    ["DATABASE_URL", "not a url"],
    ["REDIS_URL", "http://cache:6379"],
    ["REDIS_URL", "redis://cache:99999"],
  ])("%s=%s is refused", (name, value) => {
    const env: Record<string, string> = { DATA_DIR: tempDir(), [name]: value };
    if (name === "REDIS_URL") env.DATABASE_URL = "postgres://localhost/lobby";
    expect(problemsOf(env)).toEqual([expect.stringMatching(new RegExp(`^${name}: must be a valid`))]);
  });

  test("REDIS_URL without DATABASE_URL is refused: several processes cannot share the embedded store", () => {
    expect(problemsOf({ DATA_DIR: tempDir(), REDIS_URL: "redis://127.0.0.1:6379" })).toEqual([
      expect.stringMatching(/^REDIS_URL: .*DATABASE_URL/),
    ]);
  });

  test("production with REDIS_URL requires PUBLIC_ADDRESS", () => {
    expect(problemsOf(production({ REDIS_URL: "redis://cache:6379" }))).toEqual([expect.stringMatching(/^PUBLIC_ADDRESS: /)]);
  });

  describe("production refuses to start without a strong JWT_SECRET", () => {
    test("missing", () => {
      const env = production();
      delete env.JWT_SECRET;
      expect(problemsOf(env)).toEqual(["JWT_SECRET: is required when NODE_ENV=production"]);
    });

    test("empty counts as missing", () => {
      expect(problemsOf(production({ JWT_SECRET: "" }))).toEqual(["JWT_SECRET: is required when NODE_ENV=production"]);
    });

    test.each([
      ["short", "Zq8#kL2!vR9@"],
      ["31 characters", crypto.randomBytes(40).toString("base64url").slice(0, 31)],
      ["a placeholder", "your-super-secret-jwt-key-change-me-in-production"],
      ["the word secret key", "MySecretKey_for_the_lobby_2026_abcdefgh"],
      ["one repeated character", "a".repeat(64)],
      ["a repeated pattern", "Ab1!Cd2@".repeat(6)],
      ["few distinct characters", "abcabcabcdabcabcabcdabcabcabcdabcabcabcdxyz"],
    ])("%s", (_label, secret) => {
      const problems = problemsOf(production({ JWT_SECRET: secret }));
      expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET: (must be at least 32|looks like a placeholder|is too repetitive)/)]);
    });

    test("a weak JWT_SECRET is refused in development too", () => {
      expect(problemsOf({ DATA_DIR: tempDir(), JWT_SECRET: "changeme" })).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
    });
  });

  test("production refuses a missing DATABASE_URL (the embedded store is for development)", () => {
    const env = production();
    delete env.DATABASE_URL;
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^DATABASE_URL: is required when NODE_ENV=production/)]);
  });

  test("production with nothing set lists both missing variables", () => {
    const problems = problemsOf({ NODE_ENV: "production", DATA_DIR: tempDir() });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["DATABASE_URL", "JWT_SECRET"]);
  });

  describe("development JWT secret", () => {
    test("is generated into DATA_DIR with owner-only permissions and reused by later loads", () => {
      const dir = path.join(tempDir(), "nested", "data");
      const first = loadConfig({ DATA_DIR: dir });
      const file = path.join(dir, "jwt-secret");
      expect(fs.readFileSync(file, "utf8").trim()).toBe(first.jwt.secret);
      expect(secretProblem(first.jwt.secret)).toBeUndefined();
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);

      const second = loadConfig({ DATA_DIR: dir });
      expect(second.jwt.secret).toBe(first.jwt.secret);
    });

    test("each data directory gets its own secret", () => {
      expect(loadConfig({ DATA_DIR: tempDir() }).jwt.secret).not.toBe(loadConfig({ DATA_DIR: tempDir() }).jwt.secret);
    });

    test("an explicit JWT_SECRET wins and nothing is written", () => {
      const dir = tempDir();
      const secret = strongSecret();
      expect(loadConfig({ DATA_DIR: dir, JWT_SECRET: secret }).jwt.secret).toBe(secret);
      expect(fs.existsSync(path.join(dir, "jwt-secret"))).toBe(false);
    });

    test("a weak secret found in the file is replaced by a strong one", () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, "jwt-secret"), "weak\n");
      const config = loadConfig({ DATA_DIR: dir });
      expect(secretProblem(config.jwt.secret)).toBeUndefined();
      expect(fs.readFileSync(path.join(dir, "jwt-secret"), "utf8").trim()).toBe(config.jwt.secret);
    });

    test("production never generates one", () => {
      const env = production();
      delete env.JWT_SECRET;
      problemsOf(env);
      expect(fs.existsSync(path.join(env.DATA_DIR!, "jwt-secret"))).toBe(false);
    });
  });

  test("TRUST_PROXY accepts false, true, a hop count or a list of addresses", () => {
    const dir = tempDir();
    expect(loadConfig({ DATA_DIR: dir, TRUST_PROXY: "false" }).trustProxy).toBe(false);
    expect(loadConfig({ DATA_DIR: dir, TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ DATA_DIR: dir, TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ DATA_DIR: dir, TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy).toBe("loopback, 10.0.0.0/8");
  });

  test("TRUST_PROXY=true (or a catch-all subnet) is refused in production, saying why and what to set instead", () => {
    for (const value of ["true", "0.0.0.0/0", "10.0.0.0/8, ::/0"]) {
      const problem = problemsOf(production({ TRUST_PROXY: value })).find((p) => p.startsWith("TRUST_PROXY:"));
      expect(problem).toContain("trusts every X-Forwarded-For hop");
      expect(problem).toContain("rate limits");
      expect(problem).toContain("number of proxies");
    }
    for (const value of ["1", "2", "loopback, 10.0.0.0/8", "false"]) {
      expect(loadConfig(production({ TRUST_PROXY: value })).warnings).toEqual([]);
    }
  });

  test("TRUST_PROXY=true outside production is allowed, with a warning for the boot to log", () => {
    const config = loadConfig({ DATA_DIR: tempDir(), TRUST_PROXY: "true" });
    expect(config.trustProxy).toBe(true);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toMatch(/^TRUST_PROXY: "true" trusts every X-Forwarded-For hop.*allowed outside production only/);
    expect(loadConfig({ DATA_DIR: tempDir() }).warnings).toEqual([]);
  });
});

describe("secretProblem", () => {
  test("random secrets of 32+ characters pass", () => {
    for (let i = 0; i < 50; i++) expect(secretProblem(crypto.randomBytes(24).toString("base64"))).toBeUndefined();
  });
});
