import fs from "node:fs";
import path from "node:path";
import { EnvSchema } from "../../server/config";
import { CloseCode, ErrorCode } from "../../shared/codes";
import { Limits } from "../../shared/limits";
import { RoomName } from "../../shared/rooms";
import { LobbyClientMessage, LobbyServerMessage } from "../../shared/schemas/lobby";

const root = path.resolve(__dirname, "..", "..");
const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8");
const envKeys = Object.keys(EnvSchema.shape).sort();

describe("configuration docs cannot drift from server/config.ts", () => {
  const example = read(".env.example");
  /** `KEY=value` and `# KEY=value` lines. */
  const exampleKeys = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

  test("every EnvSchema variable is in .env.example", () => {
    expect(envKeys.filter((k) => !exampleKeys.includes(k))).toEqual([]);
  });

  test(".env.example names no variable the server does not read", () => {
    expect(exampleKeys.filter((k) => !envKeys.includes(k))).toEqual([]);
  });

  test(".env.example values that are set are accepted by the config schema", () => {
    const set = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const parsed = EnvSchema.safeParse(set);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });

  test("every EnvSchema variable has a row in the README's configuration table", () => {
    const readme = read("README.md");
    const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
    const rows = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!);
    expect(rows.length).toBeGreaterThanOrEqual(envKeys.length);
    expect(envKeys.filter((k) => !rows.includes(k))).toEqual([]);
  });
});

describe("README", () => {
  const readme = read("README.md");

  test("opens with the two commands", () => {
    const top = readme.split("\n").slice(0, 8).join("\n");
    expect(top).toContain("npm install && npm start");
    expect(top).toContain("npm test");
  });

  test("every relative link points at a file that exists", () => {
    const links = [...readme.matchAll(/\]\(((?!https?:)[^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !fs.existsSync(path.join(root, l)))).toEqual([]);
  });
});

describe("docs/ws-protocol.md", () => {
  const doc = read("docs/ws-protocol.md");

  test("lists every close code of shared/codes.ts with its name", () => {
    for (const [name, code] of Object.entries(CloseCode)) expect(doc).toMatch(new RegExp(`\\| ${code} \\| \`${name}\` \\|`));
  });

  test("names the lobby room and every message type", () => {
    expect(doc).toContain(`\`${RoomName.Lobby}\``);
    for (const type of [...Object.values(LobbyServerMessage), ...Object.values(LobbyClientMessage)]) expect(doc).toContain(`| \`${type}\` |`);
  });

  test("states the transport limits of shared/limits.ts", () => {
    expect(doc).toContain(String(Limits.wsMaxPayloadBytes));
    expect(doc).toContain(`| ${Limits.wsMaxMessagesPerSecond} (\`Limits.wsMaxMessagesPerSecond\`)`);
  });

  test("the realtime error codes it lists exist", () => {
    const codes = Object.values(ErrorCode) as string[];
    for (const m of doc.matchAll(/^\| `([a-z_]+)` \| /gm)) {
      if (!(Object.values(LobbyServerMessage) as string[]).includes(m[1]!) && !(Object.values(LobbyClientMessage) as string[]).includes(m[1]!) && m[1] !== RoomName.Lobby) {
        expect(codes).toContain(m[1]);
      }
    }
  });
});

describe("docs/operations.md and docs/deployment.md", () => {
  test("operations covers health, logs, shutdown and every migration command", () => {
    const doc = read("docs/operations.md");
    for (const s of ["/healthz", "/readyz", "/metrics", "SIGTERM", "4001", "npm run db:migrate", "npm run db:migration -- ", "npm run db:check", "_prisma_migrations"]) {
      expect(doc).toContain(s);
    }
  });

  test("every metric the server registers is documented", () => {
    const doc = read("docs/operations.md");
    const source = read("server/lib/metrics.ts");
    const names = [...source.matchAll(/name: "([a-z_]+)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  test("deployment covers compose and scaling out", () => {
    const doc = read("docs/deployment.md");
    for (const s of ["docker compose up", "REDIS_URL", "DATABASE_URL", "PUBLIC_ADDRESS", "JWT_SECRET"]) expect(doc).toContain(s);
  });
});
