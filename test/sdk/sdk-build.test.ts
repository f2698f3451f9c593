import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildSdk, SDK_DIR } from "../../scripts/build-sdk";

/** npm run build:sdk: one ES module with declarations, importable by Node, with nothing Node-only in it. */

test("the built SDK imports in Node and holds no node: import", async () => {
  const bundle = await buildSdk();
  const code = fs.readFileSync(bundle, "utf8");
  expect(code).not.toMatch(/(?:from|import|require)\s*\(?\s*["']node:/);
  expect(code).not.toMatch(/(?:from|require\s*\()\s*["'](?:fs|path|net|tls|http|https|crypto|child_process)["']/);
  expect(fs.existsSync(path.join(SDK_DIR, "index.d.ts"))).toBe(true);
  expect(fs.readFileSync(path.join(SDK_DIR, "types", "client", "lobby-connection.d.ts"), "utf8")).toContain("class LobbyConnection");
  // A real ESM import in a plain Node process (Jest's runtime cannot import ES modules).
  const script = `const sdk = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const client = new sdk.LobbyClient("http://127.0.0.1:1");
    console.log(JSON.stringify({ names: Object.keys(sdk), http: typeof client.api.me, tokens: typeof client.freshAccessToken }));`;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as { names: string[]; http: string; tokens: string };
  expect(out.names).toEqual(
    expect.arrayContaining(["LobbyClient", "LobbyConnection", "MatchConnection", "LobbyRefusalError", "LobbyClientMessageSchemas", "LobbyServerMessageSchemas", "Limits"]),
  );
  expect(out).toMatchObject({ http: "function", tokens: "function" });
}, 120_000);
