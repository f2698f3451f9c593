import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
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

describe("docker-compose.yml", () => {
  let services: Record<string, ComposeService>;

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
    services = (JSON.parse(result.stdout) as { services: Record<string, ComposeService> }).services;
  });

  test("has PostgreSQL 15, Redis 7 and the server built from the Dockerfile", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["postgres", "redis", "server"]));
    expect(services.postgres!.image).toMatch(/^postgres:15/);
    expect(services.redis!.image).toMatch(/^redis:7/);
    expect(services.server!.build?.context).toBe(root);
  });

  test("every long-running service has a healthcheck and the server waits for healthy stores and migrations", () => {
    for (const name of ["postgres", "redis", "server"]) expect(services[name]!.healthcheck?.test.length).toBeGreaterThan(0);
    expect(services.server!.depends_on).toMatchObject({
      postgres: { condition: "service_healthy" },
      redis: { condition: "service_healthy" },
      migrate: { condition: "service_completed_successfully" },
    });
    expect(services.migrate!.command).toEqual(["node", "dist/server/db/migrate-cli.js"]);
  });

  test("the server runs in production mode against the compose PostgreSQL and Redis", () => {
    const env = services.server!.environment ?? {};
    expect(env.NODE_ENV).toBe("production");
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/lobby:[^@]+@postgres:5432\/lobby$/);
    expect(env.REDIS_URL).toBe("redis://redis:6379");
    expect(env.PUBLIC_ADDRESS).toBeTruthy();
    // No secret is baked in: without one the server refuses to start (see docs/deployment.md).
    expect(env.JWT_SECRET).toBe("");
  });

  test("JWT_SECRET and POSTGRES_PASSWORD from the environment reach the services", () => {
    const result = composeConfig({ JWT_SECRET: "from-the-environment-0123456789abcdefXYZ", POSTGRES_PASSWORD: "pw-from-env" });
    expect(result.stderr).toBe("");
    const rendered = (JSON.parse(result.stdout) as { services: Record<string, ComposeService> }).services;
    expect(rendered.server!.environment?.JWT_SECRET).toBe("from-the-environment-0123456789abcdefXYZ");
    expect(rendered.postgres!.environment?.POSTGRES_PASSWORD).toBe("pw-from-env");
    expect(rendered.server!.environment?.DATABASE_URL).toContain("lobby:pw-from-env@postgres");
  });
});
