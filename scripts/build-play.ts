/**
 * Bundles the player web client (web/play/src/main.ts, with shared/client and @colyseus/sdk) into
 * one ES module for the browser: web/play/dist/play.js, served at /play/play.js. Runs before
 * `npm start`, `npm run dev` and `npm test` (their pre-scripts); the browser test calls it too.
 */
import path from "node:path";
import { build } from "esbuild";

export const PLAY_DIR = path.resolve(__dirname, "../web/play");
export const PLAY_BUNDLE = path.join(PLAY_DIR, "dist", "play.js");

export async function buildPlay(): Promise<string> {
  await build({
    entryPoints: [path.join(PLAY_DIR, "src", "main.ts")],
    outfile: PLAY_BUNDLE,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
  });
  return PLAY_BUNDLE;
}

if (require.main === module) {
  buildPlay().then(
    (file) => console.log(`build-play: wrote ${path.relative(process.cwd(), file)}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
