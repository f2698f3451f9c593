import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DEFAULT_HEARTBEAT } from "../../server/realtime/game-server";

/**
 * deploy/nginx.conf against docker-compose.yml: each replica's rooms are reached at
 * `<PUBLIC_ADDRESS>/<processId>/<roomId>`, so the path prefix of every replica's PUBLIC_ADDRESS
 * needs a location that upgrades WebSockets to exactly that replica; everything else goes to all of
 * them. No nginx binary is needed: the file is parsed here.
 */

const root = path.resolve(__dirname, "..", "..");
const NGINX_CONF = path.join(root, "deploy", "nginx.conf");

// --- a small parser for nginx's configuration syntax ---

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
  line: number;
}

function tokenize(text: string): { value: string; quoted: boolean; line: number }[] {
  const tokens: { value: string; quoted: boolean; line: number }[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "{" || c === "}" || c === ";") {
      tokens.push({ value: c, quoted: false, line });
      i++;
    } else if (c === '"' || c === "'") {
      let value = "";
      const start = line;
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\" && i + 1 < text.length) {
          const next = text[i + 1]!;
          value += next === "n" ? "\n" : next === "t" ? "\t" : next === c || next === "\\" ? next : `\\${next}`;
          i += 2;
          continue;
        }
        if (text[i] === "\n") line++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new Error(`nginx.conf:${start}: unterminated string`);
      i++;
      tokens.push({ value, quoted: true, line: start });
    } else {
      let value = "";
      while (i < text.length && !/[\s;{}]/.test(text[i]!)) {
        // ${name} inside a bare word is a variable, not a block.
        if (text[i] === "$" && text[i + 1] === "{") {
          const end = text.indexOf("}", i);
          if (end < 0) throw new Error(`nginx.conf:${line}: unterminated \${`);
          value += text.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        value += text[i];
        i++;
      }
      tokens.push({ value, quoted: false, line });
    }
  }
  return tokens;
}

function parseNginx(text: string): Directive[] {
  const tokens = tokenize(text);
  let pos = 0;
  const parseBlock = (nested: boolean): Directive[] => {
    const out: Directive[] = [];
    while (pos < tokens.length) {
      const head = tokens[pos]!;
      if (!head.quoted && head.value === "}") {
        if (!nested) throw new Error(`nginx.conf:${head.line}: unexpected }`);
        pos++;
        return out;
      }
      if (!head.quoted && (head.value === "{" || head.value === ";")) throw new Error(`nginx.conf:${head.line}: unexpected ${head.value}`);
      pos++;
      const args: string[] = [];
      for (;;) {
        const t = tokens[pos];
        if (!t) throw new Error(`nginx.conf:${head.line}: "${head.value}" is not terminated by ; or {`);
        pos++;
        if (!t.quoted && t.value === ";") {
          out.push({ name: head.value, args, line: head.line });
          break;
        }
        if (!t.quoted && t.value === "{") {
          out.push({ name: head.value, args, block: parseBlock(true), line: head.line });
          break;
        }
        if (!t.quoted && t.value === "}") throw new Error(`nginx.conf:${t.line}: unexpected } after "${head.value}"`);
        args.push(t.value);
      }
    }
    if (nested) throw new Error("nginx.conf: a block is not closed");
    return out;
  };
  return parseBlock(false);
}

const all = (ds: Directive[] | undefined, name: string): Directive[] => (ds ?? []).filter((d) => d.name === name);
const one = (ds: Directive[] | undefined, name: string): Directive | undefined => all(ds, name)[0];

/** Seconds of an nginx time ("60", "60s", "1m", "500ms"). */
function seconds(value: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(value);
  if (!m) throw new Error(`not an nginx time: ${value}`);
  const n = Number(m[1]);
  return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
}

// --- what the proxy does with a request, as nginx decides it ---

interface Replica {
  service: string;
  /** The path prefix of its PUBLIC_ADDRESS, e.g. "/r1". */
  prefix: string;
  port: string;
}

interface Route {
  location: Directive;
  /** host:port of every server the request may reach. */
  servers: string[];
  headers: Map<string, string>;
  httpVersion: string | undefined;
  readTimeout: number;
}

class ProxyConfig {
  readonly http: Directive;
  readonly server: Directive;

  constructor(readonly directives: Directive[]) {
    const http = one(directives, "http");
    if (!http?.block) throw new Error("nginx.conf has no http block");
    const servers = all(http.block, "server");
    if (servers.length !== 1) throw new Error(`nginx.conf should have one server block, has ${servers.length}`);
    this.http = http;
    this.server = servers[0]!;
  }

  upstream(name: string): Directive | undefined {
    return all(this.http.block, "upstream").find((u) => u.args[0] === name);
  }

  locations(): Directive[] {
    return all(this.server.block, "location");
  }

  /** The prefix location `path` (no modifier), if any. */
  prefixLocation(p: string): Directive | undefined {
    return this.locations().find((l) => l.args.length === 1 && l.args[0] === p);
  }

  /** An inherited directive: the innermost level that has it wins (nginx's proxy_* inheritance). */
  private effective(location: Directive, name: string): Directive[] {
    for (const level of [location.block, this.server.block, this.http.block]) {
      const found = all(level, name);
      if (found.length > 0) return found;
    }
    return [];
  }

  route(location: Directive): Route | undefined {
    const pass = one(location.block, "proxy_pass");
    if (!pass) return undefined;
    const m = /^https?:\/\/([^/]+)(\/.*)?$/.exec(pass.args[0] ?? "");
    if (!m) throw new Error(`nginx.conf:${pass.line}: unexpected proxy_pass ${pass.args[0]}`);
    const upstream = this.upstream(m[1]!);
    const servers = upstream ? all(upstream.block, "server").map((s) => s.args[0]!) : [m[1]!];
    const headers = new Map(this.effective(location, "proxy_set_header").map((d) => [d.args[0]!.toLowerCase(), d.args[1] ?? ""]));
    const timeout = this.effective(location, "proxy_read_timeout")[0]?.args[0];
    return {
      location,
      servers,
      headers,
      httpVersion: this.effective(location, "proxy_http_version")[0]?.args[0],
      readTimeout: timeout ? seconds(timeout) : 60,
    };
  }

  /** What the Connection header becomes when the client sent `Upgrade: websocket`. */
  connectionOnUpgrade(value: string | undefined): string | undefined {
    if (!value?.startsWith("$")) return value;
    const map = all(this.http.block, "map").find((d) => d.args[0] === "$http_upgrade" && d.args[1] === value);
    return map ? one(map.block, "default")?.args[0] : undefined;
  }
}

/**
 * Everything wrong with how `proxy` routes to `replicas`; empty when each replica's prefix upgrades
 * WebSockets to it alone and the default location reaches every replica.
 */
function routingProblems(proxy: ProxyConfig, replicas: Replica[]): string[] {
  const problems: string[] = [];
  const address = (r: Replica) => `${r.service}:${r.port}`;
  const upgrades = (route: Route) =>
    route.httpVersion === "1.1" && route.headers.get("upgrade") === "$http_upgrade" && proxy.connectionOnUpgrade(route.headers.get("connection"))?.toLowerCase() === "upgrade";

  for (const r of replicas) {
    const location = proxy.prefixLocation(`${r.prefix}/`);
    if (!location) {
      problems.push(`${r.service}: no \`location ${r.prefix}/\` for its PUBLIC_ADDRESS`);
      continue;
    }
    const route = proxy.route(location)!;
    if (!route) {
      problems.push(`${r.service}: \`location ${r.prefix}/\` proxies nowhere`);
      continue;
    }
    if (route.servers.length !== 1 || route.servers[0] !== address(r)) {
      problems.push(`${r.service}: \`location ${r.prefix}/\` reaches ${route.servers.join(", ")}, not ${address(r)} alone`);
    }
    if (!upgrades(route)) problems.push(`${r.service}: \`location ${r.prefix}/\` does not pass WebSocket upgrades (HTTP/1.1, Upgrade, Connection)`);
  }

  // A replica prefix location left behind for a replica that no longer exists.
  const prefixes = new Set(replicas.map((r) => `${r.prefix}/`));
  for (const l of proxy.locations()) {
    const target = l.args.length === 1 ? l.args[0]! : undefined;
    if (!target || target === "/" || prefixes.has(target)) continue;
    const route = proxy.route(l);
    if (route && route.servers.length === 1) problems.push(`\`location ${target}\` routes to ${route.servers[0]}, which is no replica's PUBLIC_ADDRESS prefix`);
  }

  const fallback = proxy.prefixLocation("/");
  const route = fallback && proxy.route(fallback);
  if (!route) {
    problems.push("no `location /` proxying to the replicas");
  } else {
    const expected = replicas.map(address).sort();
    if (JSON.stringify([...route.servers].sort()) !== JSON.stringify(expected)) {
      problems.push(`\`location /\` reaches ${route.servers.join(", ")}, not every replica (${expected.join(", ")})`);
    }
  }
  return problems;
}

// --- docker-compose.yml as compose renders it ---

interface ComposeService {
  image?: string;
  environment?: Record<string, string | null>;
  ports?: { target: number; published: string }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  depends_on?: Record<string, { condition: string }>;
}

function composeServices(): Record<string, ComposeService> {
  const result = spawnSync("docker", ["compose", "--project-directory", root, "--env-file", "/dev/null", "-f", path.join(root, "docker-compose.yml"), "config", "--format", "json"], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...(process.env.DOCKER_CONFIG ? { DOCKER_CONFIG: process.env.DOCKER_CONFIG } : {}) },
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      "`docker compose config` failed (the Compose v2 plugin is needed: `bash scripts/ensure-docker-compose.sh`): " + (result.error?.message ?? result.stderr),
    );
  }
  return (JSON.parse(result.stdout) as { services: Record<string, ComposeService> }).services;
}

/** A PUBLIC_ADDRESS as the SDK concatenates it: host[:port] then an optional path, no scheme. */
const PUBLIC_ADDRESS = /^(?<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::(?<port>\d+))?(?<path>(?:\/[A-Za-z0-9_-]+)*)$/;

describe("deploy/nginx.conf routes each room's WebSocket to its owner", () => {
  let proxy: ProxyConfig;
  let services: Record<string, ComposeService>;
  let replicas: Replica[];

  beforeAll(() => {
    proxy = new ProxyConfig(parseNginx(fs.readFileSync(NGINX_CONF, "utf8")));
    services = composeServices();
    replicas = Object.keys(services)
      .filter((name) => /^server-\d+$/.test(name))
      .sort()
      .map((service) => {
        const env = services[service]!.environment ?? {};
        const m = PUBLIC_ADDRESS.exec(env.PUBLIC_ADDRESS ?? "");
        return { service, prefix: m?.groups?.path ?? "", port: env.PORT ?? "2567" };
      });
  });

  test("the parser reads nginx syntax: nested blocks, quoted strings, ${var} in words, comments", () => {
    const parsed = parseNginx(`# c\na b "c;{d}" 'e\\'f';\nx { y $z\${w}v; # tail\n  q { } }\n`);
    expect(parsed).toEqual([
      { name: "a", args: ["b", "c;{d}", "e'f"], line: 2 },
      { name: "x", args: [], line: 3, block: [{ name: "y", args: ["$z${w}v"], line: 3 }, { name: "q", args: [], line: 4, block: [] }] },
    ]);
    expect(() => parseNginx("a { b;")).toThrow(/not closed/);
    expect(() => parseNginx("a b")).toThrow(/not terminated/);
  });

  test("every replica advertises host[:port]/<prefix>, no scheme, a prefix of its own", () => {
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    for (const r of replicas) {
      const address = services[r.service]!.environment?.PUBLIC_ADDRESS ?? "";
      expect(address).not.toMatch(/^[a-z]+:\/\//);
      expect(address).toMatch(PUBLIC_ADDRESS);
      expect(r.prefix).toMatch(/^\/[A-Za-z0-9_-]+$/);
    }
    expect(new Set(replicas.map((r) => r.prefix)).size).toBe(replicas.length);
  });

  test("each replica's prefix upgrades WebSockets to that replica alone; everything else reaches all of them", () => {
    expect(routingProblems(proxy, replicas)).toEqual([]);
  });

  test("a replica added without its route, or a route to the wrong replica, is caught", () => {
    const [first, second] = replicas;
    // A third replica in the compose file and nothing in nginx.conf.
    expect(routingProblems(proxy, [...replicas, { service: "server-9", prefix: "/r9", port: "2567" }])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^server-9: no `location \/r9\/`/), expect.stringMatching(/^`location \/` reaches .*not every replica/)]),
    );
    // The replicas' prefixes swapped: sockets would reach the wrong process.
    const swapped = [
      { ...first!, prefix: second!.prefix },
      { ...second!, prefix: first!.prefix },
    ];
    expect(routingProblems(proxy, swapped)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${first!.service}: .* not ${first!.service}:2567 alone`))]));
    // A location without the upgrade headers.
    const text = fs.readFileSync(NGINX_CONF, "utf8").replace(/proxy_set_header Upgrade \$http_upgrade;/, "");
    expect(routingProblems(new ProxyConfig(parseNginx(text)), replicas)).toEqual(
      expect.arrayContaining([expect.stringMatching(/does not pass WebSocket upgrades/)]),
    );
  });

  test("room sockets stay open between the server's pings; HTTP requests get a bounded wait", () => {
    const pingSeconds = DEFAULT_HEARTBEAT.intervalMs / 1000;
    for (const r of replicas) {
      const location = proxy.prefixLocation(`${r.prefix}/`);
      if (!location) continue; // reported by the routing test
      const route = proxy.route(location)!;
      // Several pings fit in the read timeout: a slow pong or two never cuts a live socket.
      expect(route.readTimeout).toBeGreaterThanOrEqual(pingSeconds * DEFAULT_HEARTBEAT.maxRetries * 3);
      expect(route.readTimeout).toBeLessThanOrEqual(600);
    }
    const fallback = proxy.route(proxy.prefixLocation("/")!)!;
    expect(fallback.readTimeout).toBeGreaterThan(0);
    expect(fallback.readTimeout).toBeLessThanOrEqual(120);
  });

  test("every proxied request carries the client address the replicas trust (TRUST_PROXY=1), Host and a request id", () => {
    const proxied = proxy.locations().map((l) => proxy.route(l)).filter((r): r is Route => r !== undefined);
    expect(proxied.length).toBeGreaterThanOrEqual(3);
    for (const route of proxied) {
      // Appended (or set) by nginx: with one trusted hop the replica takes the address nginx saw.
      expect(["$proxy_add_x_forwarded_for", "$remote_addr"]).toContain(route.headers.get("x-forwarded-for"));
      expect(route.headers.get("host")).toBe("$host");
      expect(route.headers.get("x-request-id")).toBe("$request_id");
    }
    for (const r of replicas) expect(services[r.service]!.environment?.TRUST_PROXY).toBe("1");
  });

  test("upstream servers are compose services on the replicas' port, re-resolved through Docker's DNS", () => {
    const upstreams = all(proxy.http.block, "upstream");
    expect(upstreams.length).toBeGreaterThanOrEqual(3);
    const resolver = one(proxy.http.block, "resolver");
    expect(resolver?.args[0]).toBe("127.0.0.11");
    for (const u of upstreams) {
      // `resolve` needs a shared-memory zone.
      expect(one(u.block, "zone")).toBeDefined();
      for (const s of all(u.block, "server")) {
        const [host, port] = s.args[0]!.split(":");
        expect(Object.keys(services)).toContain(host);
        expect(port).toBe(services[host!]!.environment?.PORT);
        expect(s.args).toContain("resolve");
      }
    }
  });

  test("the proxy service runs an nginx that knows `resolve` (1.27.3+), mounts this file and listens where compose publishes", () => {
    const service = services.proxy!;
    const m = /^nginx:(\d+)\.(\d+)(?:\.(\d+))?-alpine$/.exec(service.image ?? "");
    expect(m).not.toBeNull();
    const [major, minor, patch] = [Number(m![1]), Number(m![2]), m![3] === undefined ? Infinity : Number(m![3])];
    expect(major > 1 || minor > 27 || (minor === 27 && patch >= 3)).toBe(true);
    expect(service.volumes).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "bind", source: NGINX_CONF, target: "/etc/nginx/nginx.conf", read_only: true })]),
    );
    const listens = all(proxy.server.block, "listen").map((l) => Number(l.args[0]));
    expect(service.ports?.map((p) => p.target)).toEqual(listens);
  });

  test("tokens stay out of the proxy's access log and /metrics stays off the public listener", () => {
    // The room socket's query string carries the access token (`_authToken`).
    for (const format of all(proxy.http.block, "log_format")) {
      for (const arg of format.args.slice(1)) expect(arg).not.toMatch(/\$(request|request_uri|args|query_string|arg_[a-z_]+)\b/);
    }
    const logs = [...all(proxy.http.block, "access_log"), ...all(proxy.server.block, "access_log")];
    expect(logs.length).toBeGreaterThan(0);
    for (const log of logs) if (log.args[0] !== "off") expect(all(proxy.http.block, "log_format").map((f) => f.args[0])).toContain(log.args[1]);

    const metrics = proxy.locations().find((l) => l.args[0] === "=" && l.args[1] === "/metrics");
    expect(metrics).toBeDefined();
    expect(proxy.route(metrics!)).toBeUndefined();
    expect(one(metrics!.block, "return")?.args[0] ?? one(metrics!.block, "deny")?.args[0]).toBeDefined();
  });
});
