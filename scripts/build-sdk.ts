/**
 * Builds the game-client SDK (shared/client) as a package a browser or Node 22+ game can use:
 * dist/sdk/index.js (one ES module, @colyseus/sdk and zod bundled in, built for the browser so
 * nothing Node-only is imported: Node 22+ has the WebSocket and fetch it uses), its declarations
 * (dist/sdk/index.d.ts over dist/sdk/types/) and a package.json.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(__dirname, "..");
export const SDK_DIR = path.join(ROOT, "dist", "sdk");
export const SDK_BUNDLE = path.join(SDK_DIR, "index.js");

export async function buildSdk(): Promise<string> {
  fs.rmSync(SDK_DIR, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(ROOT, "shared", "client", "index.ts")],
    outfile: SDK_BUNDLE,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
  });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "shared", "client", "tsconfig.sdk.json")], { stdio: "inherit" });
  fs.writeFileSync(path.join(SDK_DIR, "index.d.ts"), 'export * from "./types/client/index";\n');
  const pkg = {
    name: "lobby-sdk",
    version: "0.1.0",
    type: "module",
    description: "Game client SDK of the lobby: typed HTTP calls, lobby messages, reconnection, match rooms",
    exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
    types: "./index.d.ts",
    engines: { node: ">=22" },
    // Only for the declarations: the bundle holds both.
    peerDependencies: { "@colyseus/sdk": "0.18.x", zod: "4.x" },
    peerDependenciesMeta: { "@colyseus/sdk": { optional: true }, zod: { optional: true } },
  };
  fs.writeFileSync(path.join(SDK_DIR, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  return SDK_BUNDLE;
}

if (require.main === module) {
  buildSdk().then(
    (file) => console.log(`build-sdk: wrote ${path.relative(process.cwd(), path.dirname(file))}/`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
