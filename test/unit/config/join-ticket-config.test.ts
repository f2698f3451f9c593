import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../../server/config";
import { problemsOf, productionEnv } from "../../helpers/config-env";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ticket-config-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const pem = (curve: string) => crypto.generateKeyPairSync("ec", { namedCurve: curve }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const production = (extra: Record<string, string> = {}) => productionEnv({ DATA_DIR: dir, ...extra });

test("JOIN_TICKET_KEY_FILES: every file must be readable and an EC P-256 private key; the first signs", () => {
  const [a, b] = [write("a.pem", pem("P-256")), write("b.pem", pem("P-256"))];
  expect(loadConfig(production({ JOIN_TICKET_KEY_FILES: `${a}, ${b}` })).joinTickets).toEqual({ keyFiles: [a, b], ttlSeconds: 60 });
  const wrongCurve = write("c.pem", pem("P-384"));
  const problems = problemsOf(production({ JOIN_TICKET_KEY_FILES: `${a},${wrongCurve},${path.join(dir, "missing.pem")}` }));
  expect(problems).toEqual([expect.stringMatching(/^JOIN_TICKET_KEY_FILES: .*c\.pem: .*P-256/), expect.stringMatching(/^JOIN_TICKET_KEY_FILES: cannot read .*missing\.pem \(ENOENT\)/)]);
  expect(problemsOf(production({ JOIN_TICKET_TTL_SECONDS: "5" }))).toEqual([expect.stringMatching(/^JOIN_TICKET_TTL_SECONDS/)]);
});

test("unset: a development key in the data directory outside production, no tickets in production", () => {
  expect(loadConfig({ DATA_DIR: dir }).joinTickets.keyFiles).toBe("development");
  expect(loadConfig(production()).joinTickets.keyFiles).toBeUndefined();
});
