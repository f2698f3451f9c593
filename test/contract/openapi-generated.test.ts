import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { openApiYaml } from "../../scripts/openapi/generate";

/**
 * docs/openapi.yaml is generated (`npm run openapi`) from the route table in scripts/openapi/ and
 * the zod schemas in shared/: the committed file must be what a fresh generation writes, and
 * Redocly's linter (recommended rules, offline: no telemetry, no update check) must find no error.
 */

const root = path.resolve(__dirname, "..", "..");
const specPath = path.join(root, "docs", "openapi.yaml");
const run = promisify(execFile);

test("docs/openapi.yaml is what `npm run openapi` generates (run it after changing routes or shared/ schemas)", () => {
  const committed = fs.readFileSync(specPath, "utf8");
  const fresh = openApiYaml();
  if (committed !== fresh) {
    const a = committed.split("\n");
    const b = fresh.split("\n");
    const at = a.findIndex((line, i) => line !== b[i]);
    throw new Error(`docs/openapi.yaml differs from a fresh generation from line ${at + 1}:\n  committed: ${a[at]}\n  generated: ${b[at]}\nRun \`npm run openapi\`.`);
  }
});

test("redocly lint finds no error in docs/openapi.yaml", async () => {
  const cli = path.join(root, "node_modules", "@redocly", "cli", "bin", "cli.js");
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
  const lint = await run(process.execPath, [cli, "lint", "--config", path.join(root, "redocly.yaml"), "--format", "json", specPath], { cwd: root, env }).catch(
    (e: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""} (exit ${e.code})` }),
  );
  const report = JSON.parse(lint.stdout) as { totals: { errors: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer?: string }> }> };
  const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
  expect(errors).toEqual([]);
  expect(report.totals.errors).toBe(0);
});
