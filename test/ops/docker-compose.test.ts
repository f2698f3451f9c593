import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { loadConfig } from "../../server/config";

const root = path.resolve(__dirname, "..", "..");

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: { target: number; published: string; protocol?: string }[];
  expose?: string[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  stop_grace_period?: string;
  restart?: string;
}

/** `docker compose config` renders the file as the engine would take it; no engine is needed. */
function composeConfig(extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const result = spawnSync("docker", ["compose", "--project-directory", root, "--env-file", "/dev/null", "-f", path.join(root, "docker-compose.yml"), "config", "--format", "json"], {
    cwd: root,
    encoding: "utf8",
    // Only the variables compose needs: neither the developer's shell nor a local .env leaks in.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...(process.env.DOCKER_CONFIG ? { DOCKER_CONFIG: process.env.DOCKER_CONFIG } : {}), ...extraEnv },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error };
}

/** A secret the server accepts (compose leaves JWT_SECRET empty on purpose). */
const SECRET = crypto.randomBytes(48).toString("base64");

const rendered = (stdout: string) => (JSON.parse(stdout) as { services: Record<string, ComposeService> }).services;

/** The server replicas: `server-1`, `server-2`, … */
const replicasOf = (services: Record<string, ComposeService>): string[] =>
  Object.keys(services)
    .filter((name) => /^server-\d+$/.test(name))
    .sort();

/** "30s", "1m30s" → seconds. */
function durationSeconds(value: string | undefined): number {
  let total = 0;
  for (const m of (value ?? "").matchAll(/(\d+)(h|m|s)/g)) total += Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
  return total;
}

describe("docker-compose.yml", () => {
  let services: Record<string, ComposeService>;
  let replicas: string[];

  beforeAll(() => {
    const version = spawnSync("docker", ["compose", "version"], { encoding: "utf8" });
    if (version.error || version.status !== 0) {
      throw new Error(
        "`docker compose` is not available: install the Docker Compose v2 CLI plugin " +
          "(`bash scripts/ensure-docker-compose.sh` does it from Debian's package; .ci/run calls it). " +
          `docker said: ${version.error?.message ?? version.stderr.trim()}`,
      );
    }
    const result = composeConfig();
    if (result.status !== 0) throw new Error(`docker compose config failed:\n${result.stderr}`);
    services = rendered(result.stdout);
    replicas = replicasOf(services);
  });

  test("has PostgreSQL 15, Redis 7, two or more server replicas built from the Dockerfile and an nginx proxy", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["postgres", "redis", "migrate", "proxy"]));
    expect(services.postgres!.image).toMatch(/^postgres:15/);
    expect(services.redis!.image).toMatch(/^redis:7/);
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    for (const name of replicas) {
      expect(services[name]!.build?.context).toBe(root);
      expect(services[name]!.image).toBe(services.migrate!.image);
    }
    expect(services.proxy!.image).toMatch(/^nginx:\d+\.\d+/);
  });

  test("every long-running service has a healthcheck; replicas wait for healthy stores and migrations, the proxy for healthy replicas", () => {
    for (const name of ["postgres", "redis", "proxy", ...replicas]) expect(services[name]!.healthcheck?.test.length).toBeGreaterThan(0);
    for (const name of replicas) {
      expect(services[name]!.depends_on).toMatchObject({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
        migrate: { condition: "service_completed_successfully" },
      });
      // Ready means the database answers: /readyz, not /healthz.
      expect(services[name]!.healthcheck!.test.join(" ")).toContain("/readyz");
      expect(services[name]!.restart).toBe("unless-stopped");
    }
    expect(services.migrate!.command).toEqual(["node", "dist/server/db/migrate-cli.js"]);
    expect(Object.keys(services.proxy!.depends_on ?? {}).sort()).toEqual(replicas);
    for (const name of replicas) expect(services.proxy!.depends_on![name]).toMatchObject({ condition: "service_healthy" });
  });

  test("each replica runs in production mode against the compose PostgreSQL and Redis, with its own PUBLIC_ADDRESS", () => {
    const addresses = new Set<string>();
    for (const name of replicas) {
      const env = services[name]!.environment ?? {};
      expect(env.NODE_ENV).toBe("production");
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/lobby:[^@]+@postgres:5432\/lobby$/);
      expect(env.REDIS_URL).toBe("redis://redis:6379");
      expect(env.MIGRATE_ON_START).toBe("false");
      // No scheme: the SDK prefixes ws:// or wss:// and appends /<processId>/<roomId>.
      expect(env.PUBLIC_ADDRESS).toMatch(/^localhost:2567\/[A-Za-z0-9_-]+$/);
      addresses.add(env.PUBLIC_ADDRESS!);
      // No secret is baked in: without one the server refuses to start (see docs/deployment.md).
      expect(env.JWT_SECRET).toBe("");
    }
    expect(addresses.size).toBe(replicas.length);
  });

  test("a replica's environment, given a JWT secret, is a configuration the server accepts", () => {
    for (const name of replicas) {
      const env = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
      const config = loadConfig({ ...env, JWT_SECRET: SECRET });
      expect(config.publicAddress).toBe(env.PUBLIC_ADDRESS);
      // One trusted hop: the proxy.
      expect(config.trustProxy).toBe(1);
      expect(config.redisUrl).toBe("redis://redis:6379");
    }
  });

  test("only the proxy is published: replicas are reachable inside the network only, so X-Forwarded-For cannot be forged past it", () => {
    for (const name of replicas) {
      expect(services[name]!.ports ?? []).toEqual([]);
      expect(services[name]!.expose).toEqual(["2567"]);
    }
    for (const name of ["postgres", "redis"]) expect(services[name]!.ports ?? []).toEqual([]);
    expect(services.proxy!.ports).toHaveLength(1);
    expect(services.proxy!.ports![0]!.published).toBe("2567");
    expect(services.proxy!.volumes).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "bind", source: path.join(root, "deploy", "nginx.conf"), target: "/etc/nginx/nginx.conf", read_only: true })]),
    );
  });

  test("replicas get longer than the SIGTERM drain to stop", () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: SECRET });
    // main.ts gives up SHUTDOWN_TIMEOUT_MS + 5 s after SIGTERM.
    for (const name of replicas) expect(durationSeconds(services[name]!.stop_grace_period)).toBeGreaterThan(config.shutdownTimeoutMs / 1000 + 5);
  });

  test("JWT_SECRET and POSTGRES_PASSWORD from the environment reach the services", () => {
    const result = composeConfig({ JWT_SECRET: "from-the-environment-0123456789abcdefXYZ", POSTGRES_PASSWORD: "pw-from-env" });
    expect(result.stderr).toBe("");
    const withEnv = rendered(result.stdout);
    expect(withEnv.postgres!.environment?.POSTGRES_PASSWORD).toBe("pw-from-env");
    for (const name of replicas) {
      expect(withEnv[name]!.environment?.JWT_SECRET).toBe("from-the-environment-0123456789abcdefXYZ");
      expect(withEnv[name]!.environment?.DATABASE_URL).toContain("lobby:pw-from-env@postgres");
    }
  });

  test("PORT moves the published port and every PUBLIC_ADDRESS with it; PUBLIC_HOST names the public host", () => {
    const byPort = rendered(composeConfig({ PORT: "8080" }).stdout);
    expect(byPort.proxy!.ports![0]!.published).toBe("8080");
    replicas.forEach((name, i) => expect(byPort[name]!.environment?.PUBLIC_ADDRESS).toBe(`localhost:8080/r${i + 1}`));

    const byHost = rendered(composeConfig({ PUBLIC_HOST: "lobby.example.com", TRUST_PROXY: "2" }).stdout);
    replicas.forEach((name, i) => {
      expect(byHost[name]!.environment?.PUBLIC_ADDRESS).toBe(`lobby.example.com/r${i + 1}`);
      expect(byHost[name]!.environment?.TRUST_PROXY).toBe("2");
    });
  });
});
